import { type Matcher, matches, selector } from '@burnrate/semconv';
import { CliError } from '../errors.js';
import type { PrometheusClient } from './http-api.js';
import { describe } from './http-api.js';
import { parsePrometheusText, type Sample } from './text-format.js';

/** A sum of counter values for one group of labels. */
export interface GroupSum {
  /** The grouping labels (absent ones as `""`). */
  labels: Record<string, string>;
  value: number;
}

/** Where the report reads counters from: Prometheus over a window, or `/metrics` totals. */
export interface CounterSource {
  /**
   * The counter's increase over the source's period, summed by the `by` labels, for the series that
   * satisfy `matchers`. No group when no series matched.
   */
  sumBy(metric: string, by: readonly string[], matchers?: readonly Matcher[]): Promise<GroupSum[]>;
  /**
   * The distinct values of the `by` labels among a gauge's series in the source's period (e.g. the
   * price cards in `burnrate_pricecard_info`), absent labels as `""`. Empty when no series matched.
   */
  labelSets?(metric: string, by: readonly string[]): Promise<Record<string, string>[]>;
}

/** Reads `sum by (...) (increase(metric{...}[window]))` from Prometheus at one evaluation time. */
export class PrometheusWindowSource implements CounterSource {
  readonly #client: PrometheusClient;
  readonly #window: string;
  readonly #timeSeconds: number;

  /**
   * @param client the Prometheus client.
   * @param window the range, e.g. `30d`.
   * @param timeSeconds evaluation time of every query, so they all describe the same period.
   */
  constructor(client: PrometheusClient, window: string, timeSeconds: number) {
    this.#client = client;
    this.#window = window;
    this.#timeSeconds = timeSeconds;
  }

  /** The PromQL {@link sumBy} runs. */
  expression(metric: string, by: readonly string[], matchers: readonly Matcher[] = []): string {
    const inner = `increase(${selector(metric, matchers)}[${this.#window}])`;
    return by.length === 0 ? `sum(${inner})` : `sum by (${by.join(', ')}) (${inner})`;
  }

  /** {@inheritDoc CounterSource.sumBy} */
  async sumBy(metric: string, by: readonly string[], matchers: readonly Matcher[] = []): Promise<GroupSum[]> {
    const vector = await this.#client.query(this.expression(metric, by, matchers), this.#timeSeconds);
    return vector.map((s) => ({ labels: pick(s.labels, by), value: s.value }));
  }

  /** The PromQL {@link labelSets} runs: the label sets a gauge had at any point of the window. */
  labelSetsExpression(metric: string, by: readonly string[]): string {
    return `group by (${by.join(', ')}) (last_over_time(${metric}[${this.#window}]))`;
  }

  /** {@inheritDoc CounterSource.labelSets} */
  async labelSets(metric: string, by: readonly string[]): Promise<Record<string, string>[]> {
    const vector = await this.#client.query(this.labelSetsExpression(metric, by), this.#timeSeconds);
    return distinct(
      vector.map((s) => pick(s.labels, by)),
      by,
    );
  }
}

/** Sums samples scraped from `/metrics` (counters there are totals since each process started). */
export class ExpositionSource implements CounterSource {
  readonly #samples: readonly Sample[];

  /** @param samples samples of one or more scrapes. */
  constructor(samples: readonly Sample[]) {
    this.#samples = samples;
  }

  /** {@inheritDoc CounterSource.sumBy} */
  async sumBy(metric: string, by: readonly string[], matchers: readonly Matcher[] = []): Promise<GroupSum[]> {
    const groups = new Map<string, GroupSum>();
    for (const s of this.#samples) {
      if (s.name !== metric || !matches(s.labels, matchers) || !Number.isFinite(s.value)) continue;
      const labels = pick(s.labels, by);
      const key = JSON.stringify(by.map((b) => labels[b]));
      const group = groups.get(key);
      if (group) group.value += s.value;
      else groups.set(key, { labels, value: s.value });
    }
    return [...groups.values()];
  }

  /** {@inheritDoc CounterSource.labelSets} */
  async labelSets(metric: string, by: readonly string[]): Promise<Record<string, string>[]> {
    return distinct(
      this.#samples.filter((s) => s.name === metric).map((s) => pick(s.labels, by)),
      by,
    );
  }
}

/**
 * Fetches and parses a process's `/metrics`.
 *
 * @throws CliError naming the URL when it cannot be fetched or is not in the text format.
 */
export async function scrapeMetrics(url: string, fetchFn: typeof fetch): Promise<Sample[]> {
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'text/plain;version=0.0.4' } });
  } catch (error) {
    throw new CliError(
      `--metrics: could not fetch ${url} (${describe(error)}); check the URL and that the process is running`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new CliError(
      `--metrics: ${url} answered HTTP ${response.status}; give the process's metrics endpoint, e.g. http://127.0.0.1:9464/metrics`,
    );
  }
  try {
    return parsePrometheusText(text);
  } catch (error) {
    throw new CliError(
      `--metrics: ${url} is not in the Prometheus text format (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

function distinct(sets: readonly Record<string, string>[], by: readonly string[]): Record<string, string>[] {
  const out = new Map<string, Record<string, string>>();
  for (const set of sets) out.set(JSON.stringify(by.map((b) => set[b])), set);
  return [...out.values()];
}

function pick(labels: Readonly<Record<string, string>>, by: readonly string[]): Record<string, string> {
  return Object.fromEntries(by.map((b) => [b, labels[b] ?? '']));
}
