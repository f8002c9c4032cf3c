import { buildReport, type CostReport, formatReport, loadPriceCard } from '@burnrate/cost-processor';
import { measuredAlternatives } from '@burnrate/cost-processor/compare';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { duration, durationSeconds, httpUrl, httpUrlList } from '../options.js';
import { PrometheusClient } from '../prometheus/http-api.js';
import {
  type CounterSource,
  ExpositionSource,
  PrometheusWindowSource,
  scrapeMetrics,
} from '../prometheus/source.js';
import { addEnforcementFromCounters } from '../report/budget-enforcement.js';
import { reportedPriceCard, type ServedPriceCard, servedPriceCards } from '../report/price-card-info.js';
import { failedCallsFromCounters, snapshotFromCounters } from '../report/snapshot.js';
import { measureDeployments } from './compare.js';

/** Options of `burnrate report` after parsing. */
export interface ReportOptions {
  prometheus?: string;
  metrics?: string[];
  window?: string;
  card?: string;
  json?: boolean;
}

/** Where a report's numbers came from. */
export type ReportSource =
  | { kind: 'prometheus'; url: string; window: string; evaluatedAt: string }
  | { kind: 'metrics'; urls: string[]; scrapedAt: string };

/** What `burnrate report --json` prints. */
export interface ReportOutput {
  source: ReportSource;
  report: CostReport;
  /**
   * The price cards the processes priced with, from their `burnrate_pricecard_info` series; the
   * report's `priceCard` says which card the report names and where that came from.
   */
  servedPriceCards: ServedPriceCard[];
}

/** The default `--window` of `burnrate report --prometheus`. */
export const DEFAULT_REPORT_WINDOW = '30d';

/** Adds `burnrate report` to the program. */
export function addReportCommand(program: Command, io: CliIo): void {
  program
    .command('report')
    .summary('cost report for the fleet (Prometheus) or one process (/metrics)')
    .description(
      'The cost report: total, its 30-day projection, share by component, cost per query (one query = one ' +
        'successful LLM call; failed calls are counted apart), tokens, savings, unpriced usage, ROI and ' +
        'recommendations with the dollars they would save. From Prometheus (--prometheus: increase() of the ' +
        "burnrate counters over --window, the whole fleet) or from processes' /metrics endpoints (--metrics: " +
        'the counters are totals since each process started; repeat it to add up replicas).',
    )
    .addOption(
      new Option('--prometheus <url>', 'Prometheus server to query, e.g. http://localhost:9090').argParser(
        httpUrl('--prometheus', 'http://localhost:9090'),
      ),
    )
    .addOption(
      new Option(
        '--metrics <url>',
        "a process's metrics endpoint, e.g. http://127.0.0.1:9464/metrics (repeatable)",
      )
        .argParser(httpUrlList('--metrics', 'http://127.0.0.1:9464/metrics'))
        .conflicts('prometheus'),
    )
    .addOption(
      new Option(
        '--window <duration>',
        `period to report with --prometheus (default: ${DEFAULT_REPORT_WINDOW})`,
      ).argParser(duration('--window')),
    )
    .option(
      '--card <file>',
      'price card (YAML/JSON) for provider mapping, budgets, GPU and batch prices in the recommendations ' +
        '(without it: the shipped defaults, and the report names the card the processes priced with)',
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  burnrate report --prometheus http://localhost:9090 --window 7d\n' +
        '  burnrate report --metrics http://127.0.0.1:9464/metrics --json\n' +
        '\nExit codes: 0 report printed, 1 the source could not be read or the card is invalid, 2 usage error.',
    )
    .action(async (options: ReportOptions) => {
      await runReport(options, io);
    });
}

/**
 * Builds and prints the report.
 *
 * @throws UsageError when neither or both sources are given, or `--window` is used with `--metrics`.
 * @throws CliError when a source cannot be read; PriceCardError when the card is invalid.
 */
export async function runReport(options: ReportOptions, io: CliIo): Promise<void> {
  if (options.prometheus === undefined && options.metrics === undefined) {
    throw new UsageError(
      "report: give --prometheus URL (a Prometheus server, for the fleet) or --metrics URL (one process's /metrics)",
    );
  }
  if (options.metrics !== undefined && options.window !== undefined) {
    throw new UsageError(
      `--window: only applies with --prometheus (the counters on /metrics are totals since the process started), got "${options.window}" with --metrics`,
    );
  }
  const card = loadPriceCard(options.card);
  const nowMs = io.now();
  let source: CounterSource;
  let reportSource: ReportSource;
  let fromMs: number;
  let where: string;
  if (options.prometheus !== undefined) {
    const window = options.window ?? DEFAULT_REPORT_WINDOW;
    const client = new PrometheusClient(options.prometheus, io.fetch);
    source = new PrometheusWindowSource(client, window, nowMs / 1000);
    fromMs = nowMs - (durationSeconds(window) ?? 0) * 1000;
    where = 'the apps Prometheus scraped';
    reportSource = {
      kind: 'prometheus',
      url: client.baseUrl,
      window,
      evaluatedAt: new Date(nowMs).toISOString(),
    };
  } else {
    const urls = options.metrics ?? [];
    const scrapes = await Promise.all(urls.map((url) => scrapeMetrics(url, io.fetch)));
    source = new ExpositionSource(scrapes.flat());
    fromMs = nowMs;
    where = urls.length === 1 ? 'the app' : 'the apps';
    reportSource = { kind: 'metrics', urls, scrapedAt: new Date(nowMs).toISOString() };
  }
  const [snapshot, failed, served] = await Promise.all([
    snapshotFromCounters(source, card, fromMs),
    failedCallsFromCounters(source),
    servedPriceCards(source),
  ]);
  // With --prometheus and deployments served by an engine: what each served, so the GPU
  // recommendations say what the measured alternatives save (docs/compare.md).
  const comparisons =
    options.prometheus !== undefined && card.deployments.some((d) => d.server && d.gpu)
      ? measuredAlternatives(
          card,
          (
            await measureDeployments(
              new PrometheusClient(options.prometheus, io.fetch),
              card,
              card.deployments.filter((d) => d.gpu),
              options.window ?? DEFAULT_REPORT_WINDOW,
              nowMs / 1000,
              false,
            )
          ).map((o) => ({
            deployment: o.deployment,
            qps: o.qps,
            latencySeconds: o.latencySeconds ?? 0,
            requiredInstances: 0,
          })),
          snapshot.models,
        )
      : [];
  const report = buildReport(card, snapshot, nowMs, failed, undefined, comparisons);
  await addEnforcementFromCounters(report, source, card);
  // Claim no card that was not read: the --card file, else what the processes say they priced with.
  const { priceCard, notes } = reportedPriceCard(card, options.card, served, where);
  report.priceCard = priceCard;
  if (options.json) {
    const output: ReportOutput = { source: reportSource, report, servedPriceCards: served };
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    return;
  }
  io.stdout(`${[withPeriod(formatReport(report), reportSource), ...notes].join('\n')}\n`);
}

/** Replaces the report's period line with where the numbers came from. */
function withPeriod(text: string, source: ReportSource): string {
  const period =
    source.kind === 'prometheus'
      ? `period: the ${source.window} before ${source.evaluatedAt}, from Prometheus at ${source.url} (increase() over the window)`
      : `period: totals since each process started, scraped ${source.scrapedAt} from ${source.urls.join(', ')}`;
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('period: '));
  if (i >= 0) lines[i] = period;
  else lines.splice(1, 0, period);
  return lines.join('\n');
}
