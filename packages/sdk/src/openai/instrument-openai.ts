import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { reportTelemetryError } from '../safe.js';
import { type CallStart, observeApiCall } from '../wrap/call-observer.js';
import { instrumentDerivedClients } from '../wrap/derived-clients.js';
import { WRAPPED } from '../wrap/instrumented-mark.js';
import { identifyServer, type ServerIdentity } from '../wrap/provider-name.js';
import type { ChunkReader } from '../wrap/stream-observer.js';
import { normalizeOpenAIUsage } from './normalize-usage.js';

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
 * record usage on each call, and so do clients derived from it with `withOptions()`. The
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
  };
  if (options.attributes) options.recorder.allowAttributes(Object.keys(options.attributes));
  wrapCreate(c.chat?.completions, 'chat', ctx);
  wrapCreate(c.responses, 'responses', ctx);
  wrapCreate(c.embeddings, 'embeddings', ctx);
  wrapCreate(c.completions, 'completions', ctx);
  wrapCreate(c.beta?.responses, 'responses', ctx);
  instrumentDerivedClients(client, (derived) => instrumentOpenAI(derived, options));
  return client;
}

interface WrapContext {
  recorder: UsageRecorder;
  attributes: CallerAttributes;
  includeUsage: boolean;
  server: ServerIdentity;
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
    const result = original.call(this, plan ? plan.body : body, options);
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
  return {
    body: sent,
    hideUsageChunk,
    start: {
      operation: OPERATION[kind],
      requestModel: typeof b['model'] === 'string' ? b['model'] : 'unknown',
      streaming,
      startMs: ctx.recorder.clock.now(),
      attributes: ctx.recorder.captureAttributes(ctx.attributes),
      server: ctx.server,
    },
  };
}

function observe(result: unknown, kind: Kind, plan: Plan, ctx: WrapContext): unknown {
  const read = READERS[kind];
  return observeApiCall(result, plan.start, ctx.recorder, {
    response: read,
    stream: () => read,
    hideUsageChunk: plan.hideUsageChunk,
  });
}

const readChatLike: ChunkReader = (item, end) => {
  const d = item as { usage?: unknown; model?: unknown; service_tier?: unknown } | undefined;
  if (!d || typeof d !== 'object') return;
  const usage = normalizeOpenAIUsage(d.usage);
  if (usage) end.usage = usage;
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
