import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { safely } from '../safe.js';
import { type CallEnd, type CallStart, finishCall } from '../wrap/call-observer.js';
import { fetchErrorTypeOf } from '../wrap/error-type.js';
import { WRAPPED } from '../wrap/instrumented-mark.js';
import { observeReadableInPlace, type StreamOutcome } from '../wrap/iterator-observer.js';
import { outputCap, planCall } from '../wrap/pre-call.js';
import { identifyServer, type ServerIdentity } from '../wrap/provider-name.js';
import { normalizeMistralUsage } from './normalize-usage.js';

/** Options of {@link instrumentMistral}. */
export interface InstrumentMistralOptions {
  /** The recorder that receives each call's usage. Required. */
  recorder: UsageRecorder;
  /** Attributes on every call of this client (e.g. `{ feature: 'chat' }`); allowed past the guard. Default: none. */
  attributes?: CallerAttributes;
  /** `gen_ai.provider.name` for this client. Default: `mistral_ai` (the client only speaks Mistral's API). */
  providerName?: string;
}

/** The parts of a `@mistralai/mistralai` client (`new Mistral(...)`) this wrapper touches. */
export interface MistralLike {
  _baseURL?: URL | string | null;
  chat?: object;
  fim?: object;
  embeddings?: object;
}

type Method = ((this: unknown, request: unknown, options?: unknown) => Promise<unknown>) & {
  [WRAPPED]?: true;
};

interface WrapContext {
  recorder: UsageRecorder;
  attributes: CallerAttributes;
  server: ServerIdentity;
}

interface MethodSpec {
  resource: 'chat' | 'fim' | 'embeddings';
  method: string;
  operation: string;
  streaming: boolean;
}

/** What is metered: chat (and its structured-output helpers, which call the API themselves), FIM, embeddings. */
const METHODS: readonly MethodSpec[] = [
  { resource: 'chat', method: 'complete', operation: 'chat', streaming: false },
  { resource: 'chat', method: 'parse', operation: 'chat', streaming: false },
  { resource: 'chat', method: 'stream', operation: 'chat', streaming: true },
  { resource: 'chat', method: 'parseStream', operation: 'chat', streaming: true },
  { resource: 'fim', method: 'complete', operation: 'text_completion', streaming: false },
  { resource: 'fim', method: 'stream', operation: 'text_completion', streaming: true },
  { resource: 'embeddings', method: 'create', operation: 'embeddings', streaming: false },
];

/**
 * Instruments a `@mistralai/mistralai` client in place and returns the same client:
 * `chat.complete`, `chat.stream` (and `chat.parse`, `chat.parseStream`), `fim.complete`,
 * `fim.stream` and `embeddings.create` record usage on each call. The methods are wrapped on the
 * client's resource instances (`client.chat`, ...), never on a prototype. Mistral's usage is
 * normalized once, by {@link normalizeMistralUsage}. Results, errors (`SDKError` on a 429, the
 * client's own classes for aborts and timeouts) and streams — event streams of `{ data: chunk }`,
 * whose last chunk carries the usage — behave as without burnrate; telemetry failures go to the diag
 * logger, never to the caller. Instrumenting the same client twice does nothing the second time.
 */
export function instrumentMistral<T extends object>(client: T, options: InstrumentMistralOptions): T {
  if (!options?.recorder || typeof options.recorder.recordLlm !== 'function') {
    throw new TypeError(
      'instrumentMistral: options.recorder is required; create one with createUsageRecorder()',
    );
  }
  const c = client as MistralLike;
  const server = identifyServer(c._baseURL ? String(c._baseURL) : undefined);
  server.provider = options.providerName ?? 'mistral_ai';
  const ctx: WrapContext = { recorder: options.recorder, attributes: options.attributes ?? {}, server };
  if (options.attributes) options.recorder.allowAttributes(Object.keys(options.attributes));
  for (const spec of METHODS) {
    // The resources are lazy getters that cache one instance per client: reading one creates it.
    const resource = safely('reading a client resource', () => c[spec.resource]);
    if (resource && typeof resource === 'object') wrap(resource as Record<string, unknown>, spec, ctx);
  }
  return client;
}

function wrap(resource: Record<string, unknown>, spec: MethodSpec, ctx: WrapContext): void {
  const original = resource[spec.method] as Method | undefined;
  if (typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped: Method = function (this: unknown, request: unknown, options?: unknown): Promise<unknown> {
    const prepared = safely('preparing a call', () => prepare(request, spec, ctx));
    // A processor's deliberate rejection (a budget): nothing is sent.
    if (prepared?.rejected) return Promise.reject(prepared.rejected);
    const start = prepared?.start;
    let result: Promise<unknown>;
    try {
      result = original.call(this, prepared ? prepared.request : request, options);
    } catch (err) {
      release(ctx, start);
      throw err;
    }
    if (!start || !result || typeof result.then !== 'function') {
      release(ctx, start);
      return result;
    }
    return result.then(
      (value) => {
        safely('reading a response', () => observe(value, start, ctx));
        return value;
      },
      (err: unknown) => {
        safely('recording a failed call', () =>
          finishCall(ctx.recorder, start, { errorType: fetchErrorTypeOf(err), served: servedDespite(err) }),
        );
        throw err;
      },
    );
  };
  wrapped[WRAPPED] = true;
  resource[spec.method] = wrapped;
}

/** Gives back what a processor reserved for a call that will bring no record. */
function release(ctx: WrapContext, start: CallStart | undefined): void {
  const id = start?.callId;
  if (id !== undefined) safely('releasing a call', () => ctx.recorder.releaseCall(id));
}

interface Prepared {
  /** What to send: the caller's request, or a copy with the model and output cap a processor chose. */
  request: unknown;
  start: CallStart;
  /** Set when a processor rejected the call before it was sent. */
  rejected?: Error;
}

interface MistralRequest {
  model?: unknown;
  maxTokens?: unknown;
  messages?: unknown;
  tools?: unknown;
  prompt?: unknown;
  suffix?: unknown;
  inputs?: unknown;
}

function contentOf(r: MistralRequest, spec: MethodSpec): Record<string, unknown> {
  if (spec.resource === 'fim') return { prompt: r.prompt, suffix: r.suffix };
  if (spec.resource === 'embeddings') return { input: r.inputs };
  return { messages: r.messages, tools: r.tools };
}

function prepare(request: unknown, spec: MethodSpec, ctx: WrapContext): Prepared {
  const r = (request ?? {}) as MistralRequest;
  const requestModel = typeof r.model === 'string' ? r.model : 'unknown';
  const attributes = ctx.recorder.captureAttributes(ctx.attributes);
  const cap = spec.resource === 'embeddings' ? undefined : outputCap(r.maxTokens);
  const plan = planCall(
    ctx.recorder,
    {
      provider: ctx.server.provider,
      operation: spec.operation,
      model: requestModel,
      maxOutputTokens: cap,
      streaming: spec.streaming,
      content: contentOf(r, spec),
    },
    attributes,
  );
  const start: CallStart = {
    operation: spec.operation,
    requestModel,
    streaming: spec.streaming,
    startMs: ctx.recorder.clock.now(),
    attributes,
    server: ctx.server,
  };
  if (plan.kind === 'reject') return { request, start, rejected: plan.error };
  if (plan.callId !== undefined) start.callId = plan.callId;
  if (plan.attributes !== undefined) start.decisionAttributes = plan.attributes;
  if (plan.model === requestModel && plan.maxOutputTokens === cap) return { request, start };
  // A copy: the caller's object is never changed; the call is recorded under the model sent.
  start.requestModel = plan.model;
  const sent: MistralRequest = { ...r, model: plan.model };
  if (plan.maxOutputTokens !== undefined) sent.maxTokens = plan.maxOutputTokens;
  return { request: sent, start };
}

function observe(value: unknown, start: CallStart, ctx: WrapContext): void {
  if (start.streaming) {
    if (!observeStream(value, start, ctx)) finishCall(ctx.recorder, start, {});
    return;
  }
  const end: CallEnd = {};
  const r = value as { usage?: unknown; model?: unknown } | null;
  if (r && typeof r === 'object') {
    if (typeof r.model === 'string') end.responseModel = r.model;
    const usage = normalizeMistralUsage(r.usage);
    if (usage) end.usage = usage;
  }
  finishCall(ctx.recorder, start, end);
}

/**
 * Observes an event stream in place. Mistral sends the usage once, on the last chunk (the one with a
 * `finishReason`), without any option; a stream cut off, aborted or stopped before it records
 * `usage: missing`, never a partial number.
 */
function observeStream(stream: unknown, start: CallStart, ctx: WrapContext): boolean {
  const end: CallEnd = {};
  return observeReadableInPlace(stream, {
    item(event) {
      if (end.firstChunkMs === undefined) end.firstChunkMs = ctx.recorder.clock.now();
      const chunk = (event as { data?: unknown } | null)?.data as
        | { usage?: unknown; model?: unknown }
        | undefined;
      if (!chunk || typeof chunk !== 'object') return;
      if (typeof chunk.model === 'string') end.responseModel = chunk.model;
      const usage = normalizeMistralUsage(chunk.usage);
      if (usage) end.usage = usage;
    },
    end(outcome: StreamOutcome) {
      if (outcome.error !== undefined) end.errorType = fetchErrorTypeOf(outcome.error);
      finishCall(ctx.recorder, start, end);
    },
  });
}

/**
 * Whether a failed call was still served: a success response that the client (or `chat.parse`) could
 * not read — a `ResponseValidationError` or other client error carrying a 2xx `statusCode`, or a
 * `SyntaxError` / `ZodError` thrown while parsing it. HTTP errors (`SDKError` with a 4xx/5xx status),
 * connection failures, aborts, timeouts and request validation errors were not.
 */
function servedDespite(err: unknown): boolean {
  const e = err as { name?: unknown; statusCode?: unknown } | null;
  if (typeof e?.statusCode === 'number') return e.statusCode >= 200 && e.statusCode < 300;
  return e?.name === 'SyntaxError' || e?.name === 'ZodError';
}
