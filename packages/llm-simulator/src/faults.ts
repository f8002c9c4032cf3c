/**
 * Faults on demand.
 *
 * Per request, with the header `x-burnrate-fault` or a model-name suffix `:fault=` (for example
 * `gpt-4o-mini:fault=429`), as a comma-separated list of:
 * - `429`: HTTP 429 with an OpenAI-shaped `rate_limit_exceeded` error and `retry-after` headers;
 * - `500`: HTTP 500 with an OpenAI-shaped `server_error` error;
 * - `cutoff`: a stream writes half of its SSE frames, then the socket is destroyed (no `[DONE]`, no
 *   usage); a non-streaming request has its socket destroyed before any response byte;
 * - `slow-first-chunk[:ms]`: the first SSE frame (or a non-streaming body) is delayed by `ms`
 *   (default `faults.slowFirstChunkMs`, 200). Stream headers are still sent at once.
 * - `bad-json`: a non-streaming request is answered HTTP 200 with a JSON content type and its body
 *   cut in half, so it does not parse (the call was served, and would be billed); streams are
 *   unaffected. Never drawn at random.
 *
 * By config, {@link FaultConfig} draws faults at random from a seeded generator owned by the simulator
 * instance, so a run of sequential requests fails the same way every time.
 */
import { mulberry32, type Random } from './hash.js';

/** Header that requests faults. */
export const FAULT_HEADER = 'x-burnrate-fault';
/** Model-name suffix marker that requests faults. */
export const MODEL_FAULT_MARKER = ':fault=';

/** Random faults by configuration. Rates are probabilities in [0, 1]; all default to 0. */
export interface FaultConfig {
  /** Share of requests answered with HTTP 429. Default 0. */
  rate429?: number;
  /** Share of requests answered with HTTP 500 (drawn after 429). Default 0. */
  rate500?: number;
  /** Share of requests cut off mid-stream. Default 0. */
  rateCutoff?: number;
  /** Share of requests with a slow first chunk. Default 0. */
  rateSlowFirstChunk?: number;
  /** Delay of a slow first chunk when no `:ms` is given, in ms. Default 200. */
  slowFirstChunkMs?: number;
  /** `retry-after-ms` sent with a 429 (`retry-after` is this in whole seconds, rounded up). Default 1000. */
  retryAfterMs?: number;
  /** Seed of the fault generator. Default 1. */
  seed?: number;
}

/** The faults applied to one request. */
export interface FaultSet {
  status: 429 | 500 | undefined;
  cutoff: boolean;
  /** Delay of the first chunk in ms, when slowed. */
  slowFirstChunkMs: number | undefined;
  /** A non-streaming 200 body that does not parse (`bad-json`). */
  badJson: boolean;
}

/** No faults. */
export function noFaults(): FaultSet {
  return { status: undefined, cutoff: false, slowFirstChunkMs: undefined, badJson: false };
}

/** Splits `gpt-4o-mini:fault=429` into the model and the fault spec. */
export function splitModel(name: string): { model: string; faultSpec: string | undefined } {
  const at = name.indexOf(MODEL_FAULT_MARKER);
  if (at < 0) return { model: name, faultSpec: undefined };
  return { model: name.slice(0, at), faultSpec: name.slice(at + MODEL_FAULT_MARKER.length) };
}

/**
 * Parses a fault spec (`429`, `500`, `cutoff`, `slow-first-chunk[:ms]`, `bad-json`, comma-separated) into `into`.
 * Returns an error message for an unknown fault, so that typos fail loudly with HTTP 400.
 */
export function parseFaultSpec(spec: string, into: FaultSet, defaultSlowMs: number): string | undefined {
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    if (item === '429' || item === '500') {
      into.status ??= item === '429' ? 429 : 500;
    } else if (item === 'cutoff') {
      into.cutoff = true;
    } else if (item === 'bad-json') {
      into.badJson = true;
    } else if (item === 'slow-first-chunk' || item.startsWith('slow-first-chunk:')) {
      const ms = item === 'slow-first-chunk' ? defaultSlowMs : Number(item.slice('slow-first-chunk:'.length));
      if (!Number.isFinite(ms) || ms < 0) return `Invalid fault "${item}": expected slow-first-chunk:<ms>.`;
      into.slowFirstChunkMs = ms;
    } else {
      return `Unknown fault "${item}": expected 429, 500, cutoff, slow-first-chunk[:ms] or bad-json.`;
    }
  }
  return undefined;
}

/** Describes a fault set as strings for the ledger, e.g. `['429']` or `['slow-first-chunk:200', 'cutoff']`. */
export function describeFaults(faults: FaultSet): string[] {
  const out: string[] = [];
  if (faults.status !== undefined) out.push(String(faults.status));
  if (faults.slowFirstChunkMs !== undefined) out.push(`slow-first-chunk:${faults.slowFirstChunkMs}`);
  if (faults.cutoff) out.push('cutoff');
  if (faults.badJson) out.push('bad-json');
  return out;
}

/** Draws configured random faults; one per simulator instance. */
export class FaultPlanner {
  readonly #config: Required<FaultConfig>;
  readonly #random: Random;

  constructor(config: FaultConfig = {}) {
    this.#config = {
      rate429: config.rate429 ?? 0,
      rate500: config.rate500 ?? 0,
      rateCutoff: config.rateCutoff ?? 0,
      rateSlowFirstChunk: config.rateSlowFirstChunk ?? 0,
      slowFirstChunkMs: config.slowFirstChunkMs ?? 200,
      retryAfterMs: config.retryAfterMs ?? 1000,
      seed: config.seed ?? 1,
    };
    this.#random = mulberry32(this.#config.seed);
  }

  /** Default delay of a slow first chunk, in ms. */
  get slowFirstChunkMs(): number {
    return this.#config.slowFirstChunkMs;
  }

  /** `retry-after-ms` of a 429. */
  get retryAfterMs(): number {
    return this.#config.retryAfterMs;
  }

  /** Draws this request's random faults (three draws per request, always, so sequences are stable). */
  draw(): FaultSet {
    const c = this.#config;
    const status = this.#random();
    const cutoff = this.#random();
    const slow = this.#random();
    return {
      status: status < c.rate429 ? 429 : status < c.rate429 + c.rate500 ? 500 : undefined,
      cutoff: cutoff < c.rateCutoff,
      slowFirstChunkMs: slow < c.rateSlowFirstChunk ? c.slowFirstChunkMs : undefined,
      badJson: false,
    };
  }
}
