/**
 * The simulator as a vLLM server: vLLM-style Prometheus metrics (`GET /metrics`) for what it
 * served, so burnrate's self-hosted deployment rules can be tested against a real scrape.
 *
 * Token counters are exact: every request the ledger counts as served adds its input tokens to
 * `vllm:prompt_tokens_total` and its output tokens to `vllm:generation_tokens_total`. Engine time
 * is modelled, not measured, so tests can compute it: a request's prefill takes `input ÷
 * prefillTokensPerSecond` seconds, its decode `output ÷ decodeTokensPerSecond`, its end-to-end
 * latency the sum of the two. With the default rates (powers of two) every time and sum is exact in
 * binary floating point.
 */
import type { LedgerRequest } from './ledger.js';

/** Options of the vLLM face of the simulator (`startSimulator({ vllm: { … } })`). */
export interface VllmOptions {
  /**
   * The model the "server" serves (vLLM's `--served-model-name`, its `model_name` label). Only
   * requests for it count, and its series exist at 0 from the start, as vLLM's do. Default: every
   * requested model counts under its own name.
   */
  model?: string;
  /** Prefill speed of the modelled engine, input tokens per second. Default 8192. */
  prefillTokensPerSecond?: number;
  /** Decode speed of the modelled engine, output tokens per second. Default 128. */
  decodeTokensPerSecond?: number;
  /** Sequences the modelled KV cache holds: `vllm:kv_cache_usage_perc` = running ÷ this (at most 1). Default 256. */
  maxNumSeqs?: number;
}

/** vLLM's buckets for its request-time histograms (seconds). */
const TIME_BUCKETS: readonly number[] = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];

/** Cumulative bucket counts, sum and count of one histogram. */
interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

/** Everything vLLM exports for one model. */
interface ModelSeries {
  promptTokens: number;
  generationTokens: number;
  /** Finished requests by `finished_reason`. */
  success: Map<string, number>;
  prefill: Histogram;
  decode: Histogram;
  e2e: Histogram;
  running: number;
}

function histogram(): Histogram {
  return { buckets: TIME_BUCKETS.map(() => 0), sum: 0, count: 0 };
}

function observe(h: Histogram, seconds: number): void {
  TIME_BUCKETS.forEach((le, i) => {
    if (seconds <= le) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
  });
  h.sum += seconds;
  h.count += 1;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The vLLM metrics of one simulator instance. */
export class VllmMetrics {
  readonly #models = new Map<string, ModelSeries>();
  readonly #only: string | undefined;
  readonly #prefillTps: number;
  readonly #decodeTps: number;
  readonly #maxNumSeqs: number;

  constructor(options: VllmOptions) {
    this.#only = options.model;
    this.#prefillTps = positive(options.prefillTokensPerSecond, 8192, 'prefillTokensPerSecond');
    this.#decodeTps = positive(options.decodeTokensPerSecond, 128, 'decodeTokensPerSecond');
    this.#maxNumSeqs = positive(options.maxNumSeqs, 256, 'maxNumSeqs');
    if (options.model !== undefined) this.#series(options.model);
  }

  #series(model: string): ModelSeries {
    let s = this.#models.get(model);
    if (s === undefined) {
      s = {
        promptTokens: 0,
        generationTokens: 0,
        success: new Map(),
        prefill: histogram(),
        decode: histogram(),
        e2e: histogram(),
        running: 0,
      };
      this.#models.set(model, s);
    }
    return s;
  }

  #counts(model: string): boolean {
    return this.#only === undefined || this.#only === model;
  }

  /** A request for `model` started (past the fault gate); call the returned function when it ends. */
  start(model: string): () => void {
    if (!this.#counts(model)) return () => {};
    const s = this.#series(model);
    s.running += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      s.running -= 1;
    };
  }

  /** A request the ledger recorded; served ones (as the ledger's `served`) add tokens and time. */
  record(request: LedgerRequest): void {
    const { usage, model } = request;
    if (request.outcome === 'error' || usage === null || model === null || !this.#counts(model)) return;
    const s = this.#series(model);
    s.promptTokens += usage.input;
    s.generationTokens += usage.output;
    const reason = request.outcome === 'ok' || request.outcome === 'bad_body' ? 'stop' : 'abort';
    s.success.set(reason, (s.success.get(reason) ?? 0) + 1);
    const prefill = usage.input / this.#prefillTps;
    const decode = usage.output / this.#decodeTps;
    observe(s.prefill, prefill);
    observe(s.decode, decode);
    observe(s.e2e, prefill + decode);
  }

  /** The Prometheus text exposition (format 0.0.4), as vLLM writes it. */
  render(): string {
    const lines: string[] = [];
    const models = [...this.#models.entries()];
    const family = (
      name: string,
      type: string,
      help: string,
      each: (m: string, s: ModelSeries) => void,
    ): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [m, s] of models) each(m, s);
    };
    const labels = (m: string, extra = ''): string => `{engine="0",model_name=${quote(m)}${extra}}`;
    family('vllm:num_requests_running', 'gauge', 'Number of requests in model execution batches.', (m, s) => {
      lines.push(`vllm:num_requests_running${labels(m)} ${s.running}`);
    });
    family('vllm:num_requests_waiting', 'gauge', 'Number of requests waiting to be processed.', (m) => {
      lines.push(`vllm:num_requests_waiting${labels(m)} 0`);
    });
    family('vllm:kv_cache_usage_perc', 'gauge', 'KV-cache usage. 1 means 100 percent usage.', (m, s) => {
      lines.push(`vllm:kv_cache_usage_perc${labels(m)} ${Math.min(1, s.running / this.#maxNumSeqs)}`);
    });
    family('vllm:prompt_tokens_total', 'counter', 'Number of prefill tokens processed.', (m, s) => {
      lines.push(`vllm:prompt_tokens_total${labels(m)} ${s.promptTokens}`);
    });
    family('vllm:generation_tokens_total', 'counter', 'Number of generation tokens processed.', (m, s) => {
      lines.push(`vllm:generation_tokens_total${labels(m)} ${s.generationTokens}`);
    });
    family('vllm:request_success_total', 'counter', 'Count of successfully processed requests.', (m, s) => {
      for (const reason of ['stop', 'length', 'abort']) {
        lines.push(
          `vllm:request_success_total${labels(m, `,finished_reason="${reason}"`)} ${s.success.get(reason) ?? 0}`,
        );
      }
    });
    const hist = (name: string, help: string, pick: (s: ModelSeries) => Histogram): void => {
      family(name, 'histogram', help, (m, s) => {
        const h = pick(s);
        TIME_BUCKETS.forEach((le, i) => {
          lines.push(`${name}_bucket${labels(m, `,le="${le}"`)} ${h.buckets[i] ?? 0}`);
        });
        lines.push(`${name}_bucket${labels(m, ',le="+Inf"')} ${h.count}`);
        lines.push(`${name}_sum${labels(m)} ${h.sum}`, `${name}_count${labels(m)} ${h.count}`);
      });
    };
    hist(
      'vllm:request_prefill_time_seconds',
      'Histogram of time spent in PREFILL phase for request.',
      (s) => s.prefill,
    );
    hist(
      'vllm:request_decode_time_seconds',
      'Histogram of time spent in DECODE phase for request.',
      (s) => s.decode,
    );
    hist('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', (s) => s.e2e);
    return `${lines.join('\n')}\n`;
  }
}

function positive(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`vllm.${what}: expected a positive number, got ${value}`);
  return value;
}
