import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { reportTelemetryError } from '../safe.js';
import { type CallStart, observeApiCall } from '../wrap/call-observer.js';
import { instrumentDerivedClients } from '../wrap/derived-clients.js';
import { WRAPPED } from '../wrap/instrumented-mark.js';
import { outputCap, planCall, rejectedCall } from '../wrap/pre-call.js';
import { identifyServer, type ServerIdentity } from '../wrap/provider-name.js';
import type { ChunkReader } from '../wrap/stream-observer.js';
import { RecordedResponses, withResponseUnits } from './built-in-tools.js';
import { normalizeOpenAIUsage } from './normalize-usage.js';
import { instrumentOtherEndpoints } from './other-endpoints.js';

/** Options of {@link instrumentOpenAI}. */
export interface InstrumentOpenAIOptions {
  /** The recorder that receives each call's usage. Required. */
  recorder: UsageRecorder;
  /** Attributes on every call of this client (e.g. `{ feature: 'chat' }`); allowed past the guard. Default: none. */
  attributes?: CallerAttributes;
  /**
   * Adds `stream_options: { include_usage: true }` to streaming chat and completion calls whose
   * caller did not set `include_usage`, so streams are metered; the extra usage chunk is hidden from
   * such callers. A caller's explicit `include_usage: false` is respected. Default true.
   */
  includeUsage?: boolean;
  /** `gen_ai.provider.name` for this client. Default: derived from the client's `baseURL`. */
  providerName?: string;
}

/** The parts of an openai client this wrapper touches; any openai-node v5–v7 client fits. */
export interface OpenAILike {
  baseURL?: string;
  chat?: { completions?: object };
  responses?: object;
  embeddings?: object;
  completions?: object;
  beta?: { responses?: object };
}

type Kind = 'chat' | 'responses' | 'embeddings' | 'completions';

const OPERATION: Record<Kind, string> = {
  chat: 'chat',
  responses: 'chat',
  embeddings: 'embeddings',
  completions: 'text_completion',
};

type Create = ((this: unknown, body: unknown, options?: unknown) => unknown) & { [WRAPPED]?: true };

/**
 * Instruments an openai client in place and returns the same client: `chat.completions.create`,
 * `responses.create` (and `beta.responses.create`), `embeddings.create` and `completions.create`
 * record usage on each call, and so do `images.*`, `audio.*` and `responses.compact` (other units:
 * see `docs/clients/openai-other-endpoints.md`), `responses.retrieve` for background responses,
 * and clients derived from it with `withOptions()`. The
 * client's results, errors, retries, streams, `withResponse()`, `asResponse()`, `tee()` and abort
 * behave as without burnrate; telemetry failures go to the diag logger, never to the caller.
 * Instrumenting the same client twice does nothing the second time.
 */
export function instrumentOpenAI<T extends object>(client: T, options: InstrumentOpenAIOptions): T {
  if (!options?.recorder || typeof options.recorder.recordLlm !== 'function') {
    throw new TypeError(
      'instrumentOpenAI: options.recorder is required; create one with createUsageRecorder()',
    );
  }
  const c = client as OpenAILike;
  const server = identifyServer(c.baseURL);
  if (options.providerName) server.provider = options.providerName;
  const ctx: WrapContext = {
    recorder: options.recorder,
    attributes: options.attributes ?? {},
    includeUsage: options.includeUsage ?? true,
    server,
    recorded: new RecordedResponses(),
  };
  if (options.attributes) options.recorder.allowAttributes(Object.keys(options.attributes));
  wrapCreate(c.chat?.completions, 'chat', ctx);
  wrapCreate(c.responses, 'responses', ctx);
  wrapCreate(c.embeddings, 'embeddings', ctx);
  wrapCreate(c.completions, 'completions', ctx);
  wrapCreate(c.beta?.responses, 'responses', ctx);
  // Images, audio, responses.compact and responses.retrieve (background responses).
  instrumentOtherEndpoints(c, ctx);
  instrumentDerivedClients(client, (derived) => instrumentOpenAI(derived, options));
  return client;
}

interface WrapContext {
  recorder: UsageRecorder;
  attributes: CallerAttributes;
  includeUsage: boolean;
  server: ServerIdentity;
  /** Background responses recorded, so `responses.retrieve` prices each once. */
  recorded: RecordedResponses;
}

function wrapCreate(resource: object | undefined, kind: Kind, ctx: WrapContext): void {
  const target = resource as { create?: Create } | undefined;
  const original = target?.create;
  if (!target || typeof original !== 'function' || original[WRAPPED]) return;

  // try/catch inline rather than `safely(what, () => ...)`: no two closures per call.
  const wrapped: Create = function (this: unknown, body: unknown, options?: unknown): unknown {
    let plan: Plan | undefined;
    try {
      plan = prepare(kind, body, ctx);
    } catch (err) {
      reportTelemetryError('preparing a call', err);
    }
    // A processor's deliberate rejection (a budget): nothing is sent.
    if (plan?.rejected) return rejectedCall(plan.rejected);
    let result: unknown;
    try {
      result = original.call(this, plan ? plan.body : body, options);
    } catch (err) {
      // The client threw before sending (bad arguments): no record will come for a reservation.
      if (plan?.start.callId !== undefined) ctx.recorder.releaseCall(plan.start.callId);
      throw err;
    }
    if (!plan) return result;
    try {
      return observe(result, kind, plan, ctx) ?? result;
    } catch (err) {
      reportTelemetryError('observing a call', err);
      return result;
    }
  };
  wrapped[WRAPPED] = true;
  target.create = wrapped;
}

interface Plan {
  body: unknown;
  start: CallStart;
  hideUsageChunk: boolean;
  /** Set when a processor rejected the call before it was sent. */
  rejected?: Error;
}

/** The body field that carries each kind's output cap when the caller set none. */
const CAP_FIELD: Record<Kind, string | undefined> = {
  chat: 'max_completion_tokens',
  responses: 'max_output_tokens',
  completions: 'max_tokens',
  embeddings: undefined,
};

/** The request's output cap (chat: `max_completion_tokens`, else the older `max_tokens`). */
function requestedCap(kind: Kind, b: Record<string, unknown>): number | undefined {
  if (kind === 'chat') return outputCap(b['max_completion_tokens']) ?? outputCap(b['max_tokens']);
  if (kind === 'responses') return outputCap(b['max_output_tokens']);
  if (kind === 'completions') return outputCap(b['max_tokens']);
  return undefined;
}

/** What an estimator needs of each kind's input (never put on a metric). */
function requestContent(kind: Kind, b: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'chat') return { messages: b['messages'], tools: b['tools'] };
  if (kind === 'responses') return { input: b['input'], instructions: b['instructions'], tools: b['tools'] };
  if (kind === 'completions') return { prompt: b['prompt'] };
  return { input: b['input'] };
}

/**
 * A copy of the body with the model and output cap a processor chose: the cap replaces whichever
 * cap fields the caller set (both, for chat calls that set both), or goes in the kind's own field.
 */
function rewrite(kind: Kind, b: Record<string, unknown>, model: string, cap: number | undefined) {
  const out: Record<string, unknown> = { ...b, model };
  if (cap === undefined || cap === requestedCap(kind, b)) return out;
  let set = false;
  for (const field of kind === 'chat' ? ['max_completion_tokens', 'max_tokens'] : [CAP_FIELD[kind]]) {
    if (field !== undefined && b[field] !== undefined) {
      out[field] = cap;
      set = true;
    }
  }
  const own = CAP_FIELD[kind];
  if (!set && own !== undefined) out[own] = cap;
  return out;
}

function prepare(kind: Kind, body: unknown, ctx: WrapContext): Plan {
  const b = (body ?? {}) as Record<string, unknown>;
  const streaming = b['stream'] === true;
  let sent = body;
  let hideUsageChunk = false;
  if (streaming && ctx.includeUsage && (kind === 'chat' || kind === 'completions')) {
    const so = b['stream_options'];
    const asked = so && typeof so === 'object' ? (so as Record<string, unknown>)['include_usage'] : undefined;
    if (asked === undefined) {
      // A copy: the caller's object is never changed.
      sent = { ...b, stream_options: { ...(so as object | undefined), include_usage: true } };
      hideUsageChunk = true;
    }
  }
  const requestModel = typeof b['model'] === 'string' ? b['model'] : 'unknown';
  const attributes = ctx.recorder.captureAttributes(ctx.attributes);
  const cap = requestedCap(kind, b);
  const decided = planCall(
    ctx.recorder,
    {
      provider: ctx.server.provider,
      operation: OPERATION[kind],
      model: requestModel,
      maxOutputTokens: kind === 'embeddings' ? 0 : cap,
      streaming,
      content: requestContent(kind, b),
    },
    attributes,
  );
  const start: CallStart = {
    operation: OPERATION[kind],
    requestModel,
    streaming,
    startMs: ctx.recorder.clock.now(),
    attributes,
    server: ctx.server,
  };
  if (decided.kind === 'reject') return { body, hideUsageChunk, start, rejected: decided.error };
  if (decided.callId !== undefined) start.callId = decided.callId;
  if (decided.attributes !== undefined) start.decisionAttributes = decided.attributes;
  const newCap = kind === 'embeddings' ? cap : decided.maxOutputTokens;
  if (decided.model !== requestModel || newCap !== cap) {
    // A copy again: the caller's object is never changed; the call is recorded under the model sent.
    sent = rewrite(kind, sent as Record<string, unknown>, decided.model, newCap);
    start.requestModel = decided.model;
  }
  return { body: sent, hideUsageChunk, start };
}

function observe(result: unknown, kind: Kind, plan: Plan, ctx: WrapContext): unknown {
  // Responses: built-in tool calls are units of the call; background responses are recorded once.
  const read =
    kind === 'responses' ? withResponseUnits(READERS[kind], ctx.recorded, plan.start) : READERS[kind];
  return observeApiCall(result, plan.start, ctx.recorder, {
    response: read,
    stream: () => read,
    hideUsageChunk: plan.hideUsageChunk,
  });
}

const readChatLike: ChunkReader = (item, end) => {
  const d = item as { id?: unknown; usage?: unknown; model?: unknown; service_tier?: unknown } | undefined;
  if (!d || typeof d !== 'object') return;
  const usage = normalizeOpenAIUsage(d.usage);
  if (usage) end.usage = usage;
  if (typeof d.id === 'string') end.responseId = d.id;
  if (typeof d.model === 'string') end.responseModel = d.model;
  if (typeof d.service_tier === 'string') end.serviceTier = d.service_tier;
};

/** Responses API: a non-streaming `Response`, or stream events carrying one when it completes. */
const readResponses: ChunkReader = (item, end) => {
  const d = item as { type?: unknown; response?: unknown; object?: unknown } | undefined;
  if (!d || typeof d !== 'object') return;
  if (d.object === 'response') return readChatLike(d, end);
  if (typeof d.type === 'string' && d.response && typeof d.response === 'object') {
    readChatLike(d.response, end);
    if (d.type === 'response.failed') end.errorType = 'response.failed';
  }
};

const READERS: Record<Kind, ChunkReader> = {
  chat: readChatLike,
  completions: readChatLike,
  embeddings: readChatLike,
  responses: readResponses,
};
