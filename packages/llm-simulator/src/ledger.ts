/**
 * The ledger: every token the simulator served, and every token it reported to a client, by model and
 * token kind, so tests can reconcile exactly.
 *
 * - `served` counts every request that got past the fault gate (HTTP 200), whatever became of it: the
 *   full usage the simulator computed for it, which is what a provider bills. It includes streams sent
 *   without a usage chunk, cut-off streams and streams the client abandoned.
 * - `reported` counts only the usage objects the simulator actually wrote to a still-open connection:
 *   a non-streaming body, the final chat usage chunk (`stream_options.include_usage`), the
 *   `response.completed` event, an embeddings body. This is what a client-side meter can see.
 * - Failed requests (429, 500, 4xx) count no tokens; they count in `errors` by HTTP status.
 *
 * Token kinds follow OpenAI: `input` includes `cached_input` and `cache_write`; `output` includes
 * `reasoning`; `embeddings` is the part of `input` that came from embeddings calls. Anthropic's
 * `/v1/messages` reports `input_tokens` without cache reads and writes; the ledger adds them back, so
 * `input` means the same for every endpoint and totals stay comparable.
 */

/** Token counts of one request, by kind. */
export interface Usage {
  /**
   * All input tokens, cache reads and writes included (`prompt_tokens` / `input_tokens`; Anthropic:
   * `input_tokens + cache_read_input_tokens + cache_creation_input_tokens`).
   */
  input: number;
  /** Cached input tokens (`prompt_tokens_details.cached_tokens`; Anthropic: `cache_read_input_tokens`). */
  cached_input: number;
  /** Input tokens written to the prompt cache (Anthropic: `cache_creation_input_tokens`; 0 elsewhere). */
  cache_write: number;
  /** Output tokens, reasoning included (`completion_tokens` / `output_tokens`). */
  output: number;
  /** Reasoning tokens (`completion_tokens_details.reasoning_tokens`). */
  reasoning: number;
  /** Input tokens of embeddings calls (also counted in `input`). */
  embeddings: number;
  /** Usage in units other than tokens (images, audio, speech, built-in tools); absent when none. */
  units?: UnitCounts;
}

/**
 * Non-token units of a request, as the real API bills them: images made, seconds of input audio,
 * characters of speech input, built-in tool calls by tool type, code-interpreter containers.
 */
export interface UnitCounts {
  images?: number;
  audio_seconds?: number;
  characters?: number;
  tool_calls?: Record<string, number>;
  containers?: number;
}

/** Adds `b` into `a` (a new object when `a` is undefined). */
export function addUnits(a: UnitCounts | undefined, b: UnitCounts): UnitCounts {
  const out: UnitCounts = a ?? {};
  for (const key of ['images', 'audio_seconds', 'characters', 'containers'] as const) {
    const v = b[key];
    if (v !== undefined) out[key] = (out[key] ?? 0) + v;
  }
  if (b.tool_calls !== undefined) {
    const calls = out.tool_calls ?? {};
    for (const [tool, n] of Object.entries(b.tool_calls)) calls[tool] = (calls[tool] ?? 0) + n;
    out.tool_calls = calls;
  }
  return out;
}

/** Sums of {@link Usage}'s token counts plus the number of requests summed. */
export interface TokenTally extends Omit<Usage, 'units'> {
  requests: number;
}

/** One side of the ledger (`served` or `reported`): per model and in total. */
export interface LedgerView {
  /** Keyed by the requested model name, fault suffix removed. */
  models: Record<string, TokenTally>;
  totals: TokenTally;
  /** Sums of {@link Usage.units}, per model (only models with units) and in total. */
  units: { models: Record<string, UnitCounts>; totals: UnitCounts };
}

/** What became of a request. `bad_body`: served with HTTP 200, but its body did not parse (`bad-json`). */
export type RequestOutcome = 'ok' | 'error' | 'cutoff' | 'client_abort' | 'bad_body';

/** One request as the ledger saw it. */
export interface LedgerRequest {
  /** The `x-request-id` header sent back (the openai client exposes it as `_request_id`). */
  requestId: string;
  /** Request path, e.g. `/v1/chat/completions`. */
  endpoint: string;
  /** Requested model, fault suffix removed; `null` when the request named none. */
  model: string | null;
  stream: boolean;
  /** HTTP status sent (200 for cut-off and abandoned streams). */
  status: number;
  outcome: RequestOutcome;
  /** Faults applied, e.g. `['cutoff']`, `['429']`, `['slow-first-chunk:200']`. */
  faults: string[];
  /** The usage computed for the request; `null` for failed requests. */
  usage: Usage | null;
  /** Whether a usage object reached the connection. */
  usageReported: boolean;
}

/** The whole ledger, as returned by `ledger()` and `GET /_burnrate/ledger`. */
export interface LedgerSnapshot {
  served: LedgerView;
  reported: LedgerView;
  /** Failed requests by HTTP status, e.g. `{ "429": 2, "500": 1 }`. */
  errors: Record<string, number>;
  /** Streams (or non-streaming responses) the simulator cut off on purpose. */
  cutoffs: number;
  /** Responses the client disconnected from before the simulator finished writing. */
  clientAborts: number;
  /** The most recent requests, oldest first (at most {@link MAX_LOGGED_REQUESTS}). */
  requests: LedgerRequest[];
  /** Requests dropped from `requests` because the log was full. */
  requestsDropped: number;
}

/** How many requests the ledger's log keeps. */
export const MAX_LOGGED_REQUESTS = 10_000;

/** A zero {@link TokenTally}. */
export function emptyTally(): TokenTally {
  return { requests: 0, input: 0, cached_input: 0, cache_write: 0, output: 0, reasoning: 0, embeddings: 0 };
}

function emptyView(): LedgerView {
  return { models: {}, totals: emptyTally(), units: { models: {}, totals: {} } };
}

function add(view: LedgerView, model: string, usage: Usage): void {
  const tally = view.models[model] ?? emptyTally();
  view.models[model] = tally;
  for (const target of [tally, view.totals]) {
    target.requests += 1;
    target.input += usage.input;
    target.cached_input += usage.cached_input;
    target.cache_write += usage.cache_write;
    target.output += usage.output;
    target.reasoning += usage.reasoning;
    target.embeddings += usage.embeddings;
  }
  if (usage.units !== undefined) {
    view.units.models[model] = addUnits(view.units.models[model], usage.units);
    addUnits(view.units.totals, usage.units);
  }
}

/** The per-instance ledger. */
export class Ledger {
  #state: LedgerSnapshot = Ledger.#empty();
  readonly #onRecord: ((request: LedgerRequest) => void) | undefined;

  /** @param onRecord sees every recorded request (the vLLM metrics count what the ledger serves). */
  constructor(onRecord?: (request: LedgerRequest) => void) {
    this.#onRecord = onRecord;
  }

  static #empty(): LedgerSnapshot {
    return {
      served: emptyView(),
      reported: emptyView(),
      errors: {},
      cutoffs: 0,
      clientAborts: 0,
      requests: [],
      requestsDropped: 0,
    };
  }

  /** Records a finished request. */
  record(request: LedgerRequest): void {
    const state = this.#state;
    if (request.outcome === 'error') {
      const key = String(request.status);
      state.errors[key] = (state.errors[key] ?? 0) + 1;
    } else if (request.usage !== null && request.model !== null) {
      add(state.served, request.model, request.usage);
      if (request.usageReported) add(state.reported, request.model, request.usage);
    }
    if (request.outcome === 'cutoff') state.cutoffs += 1;
    if (request.outcome === 'client_abort') state.clientAborts += 1;
    this.#onRecord?.(request);
    state.requests.push(request);
    if (state.requests.length > MAX_LOGGED_REQUESTS) {
      state.requests.shift();
      state.requestsDropped += 1;
    }
  }

  /**
   * Adds usage to `reported` only: usage the client sees on a later request than the one that was
   * served (a background response's usage, returned by `GET /v1/responses/{id}` once it finished).
   */
  reportLater(model: string, usage: Usage): void {
    add(this.#state.reported, model, usage);
  }

  /** A deep copy of the ledger. */
  snapshot(): LedgerSnapshot {
    return structuredClone(this.#state);
  }

  /** Empties the ledger. */
  reset(): void {
    this.#state = Ledger.#empty();
  }
}
