import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { safely } from '../safe.js';
import { type CallEnd, type CallStart, observeApiCall } from '../wrap/call-observer.js';
import { instrumentDerivedClients } from '../wrap/derived-clients.js';
import { WRAPPED } from '../wrap/instrumented-mark.js';
import { outputCap, planCall, rejectedCall } from '../wrap/pre-call.js';
import { identifyServer, type ServerIdentity } from '../wrap/provider-name.js';
import type { ChunkReader } from '../wrap/stream-observer.js';
import { mergeAnthropicUsage, normalizeAnthropicUsage } from './normalize-usage.js';

/** Options of {@link instrumentAnthropic}. */
export interface InstrumentAnthropicOptions {
  /** The recorder that receives each call's usage. Required. */
  recorder: UsageRecorder;
  /** Attributes on every call of this client (e.g. `{ feature: 'chat' }`); allowed past the guard. Default: none. */
  attributes?: CallerAttributes;
  /** `gen_ai.provider.name` for this client. Default: `anthropic` for api.anthropic.com, else the host. */
  providerName?: string;
}

/** The parts of an `@anthropic-ai/sdk` client this wrapper touches. */
export interface AnthropicLike {
  baseURL?: string;
  messages?: object;
  beta?: { messages?: object };
}

type Create = ((this: unknown, body: unknown, options?: unknown) => unknown) & { [WRAPPED]?: true };

interface WrapContext {
  recorder: UsageRecorder;
  attributes: CallerAttributes;
  server: ServerIdentity;
}

/**
 * Instruments an `@anthropic-ai/sdk` client in place and returns the same client:
 * `messages.create` (and `beta.messages.create`) record usage on each call, streaming or not, and so
 * do the helpers built on them (`messages.stream()`, `messages.parse()`) and clients derived with
 * `withOptions()`. Anthropic's usage is
 * normalized once, by {@link normalizeAnthropicUsage}: input includes cache reads and writes, which
 * Anthropic's `input_tokens` leaves out. The client's results, errors, retries, streams,
 * `withResponse()`, `asResponse()`, `tee()` and abort behave as without burnrate; telemetry failures
 * go to the diag logger, never to the caller. Instrumenting the same client twice does nothing the
 * second time.
 */
export function instrumentAnthropic<T extends object>(client: T, options: InstrumentAnthropicOptions): T {
  if (!options?.recorder || typeof options.recorder.recordLlm !== 'function') {
    throw new TypeError(
      'instrumentAnthropic: options.recorder is required; create one with createUsageRecorder()',
    );
  }
  const c = client as AnthropicLike;
  const server = identifyServer(c.baseURL);
  if (options.providerName) server.provider = options.providerName;
  const ctx: WrapContext = { recorder: options.recorder, attributes: options.attributes ?? {}, server };
  if (options.attributes) options.recorder.allowAttributes(Object.keys(options.attributes));
  wrapCreate(c.messages, ctx);
  wrapCreate(c.beta?.messages, ctx);
  instrumentDerivedClients(client, (derived) => instrumentAnthropic(derived, options));
  return client;
}

function wrapCreate(resource: object | undefined, ctx: WrapContext): void {
  const target = resource as { create?: Create } | undefined;
  const original = target?.create;
  if (!target || typeof original !== 'function' || original[WRAPPED]) return;

  const wrapped: Create = function (this: unknown, body: unknown, options?: unknown): unknown {
    const prepared = safely('preparing a call', () => prepare(body, ctx));
    // A processor's deliberate rejection (a budget): nothing is sent. `messages.stream()` gets it
    // through `withResponse()` and emits it as the stream's error.
    if (prepared?.rejected) return rejectedCall(prepared.rejected);
    const start = prepared?.start;
    let result: unknown;
    try {
      result = original.call(this, prepared ? prepared.body : body, options);
    } catch (err) {
      if (start?.callId !== undefined) ctx.recorder.releaseCall(start.callId);
      throw err;
    }
    if (!start) return result;
    return safely('observing a call', () => observe(result, start, ctx)) ?? result;
  };
  wrapped[WRAPPED] = true;
  target.create = wrapped;
}

interface Prepared {
  /** What to send: the caller's body, or a copy with the model and `max_tokens` a processor chose. */
  body: unknown;
  start: CallStart;
  /** Set when a processor rejected the call before it was sent. */
  rejected?: Error;
}

function prepare(body: unknown, ctx: WrapContext): Prepared {
  const b = (body ?? {}) as Record<string, unknown>;
  const requestModel = typeof b['model'] === 'string' ? b['model'] : 'unknown';
  const streaming = b['stream'] === true;
  const attributes = ctx.recorder.captureAttributes(ctx.attributes);
  const cap = outputCap(b['max_tokens']);
  const plan = planCall(
    ctx.recorder,
    {
      provider: ctx.server.provider,
      operation: 'chat',
      model: requestModel,
      maxOutputTokens: cap,
      streaming,
      content: { system: b['system'], messages: b['messages'], tools: b['tools'] },
    },
    attributes,
  );
  const start: CallStart = {
    operation: 'chat',
    requestModel,
    streaming,
    startMs: ctx.recorder.clock.now(),
    attributes,
    server: ctx.server,
  };
  if (plan.kind === 'reject') return { body, start, rejected: plan.error };
  if (plan.callId !== undefined) start.callId = plan.callId;
  if (plan.attributes !== undefined) start.decisionAttributes = plan.attributes;
  if (plan.model === requestModel && plan.maxOutputTokens === cap) return { body, start };
  // A copy: the caller's object is never changed; the call is recorded under the model sent.
  start.requestModel = plan.model;
  const sent: Record<string, unknown> = { ...b, model: plan.model };
  if (plan.maxOutputTokens !== undefined) sent['max_tokens'] = plan.maxOutputTokens;
  return { body: sent, start };
}

function observe(result: unknown, start: CallStart, ctx: WrapContext): unknown {
  return observeApiCall(result, start, ctx.recorder, {
    response: readMessage,
    stream: streamReader,
    hideUsageChunk: false,
  });
}

/** A non-streaming `Message`. */
function readMessage(data: unknown, end: CallEnd): void {
  const m = data as { usage?: unknown; model?: unknown } | undefined;
  if (!m || typeof m !== 'object') return;
  const usage = normalizeAnthropicUsage(m.usage);
  if (usage) end.usage = usage;
  if (typeof m.model === 'string') end.responseModel = m.model;
  const tier = (m.usage as { service_tier?: unknown } | undefined)?.service_tier;
  if (typeof tier === 'string') end.serviceTier = tier;
}

/**
 * A reader for one stream's events. `message_start` carries the input usage (and a provisional
 * output count), `message_delta` the final cumulative usage; the call counts as metered by the
 * provider only once `message_delta` arrived. A stream the caller aborts before it records what
 * `message_start` said as `estimated` (input exact, output a lower bound); a cut-off stream records
 * `usage: missing`, never a partial number that looks exact.
 */
function streamReader(): ChunkReader {
  let seen: Record<string, unknown> = {};
  return (item, end) => {
    const event = item as { type?: unknown; message?: unknown; usage?: unknown } | undefined;
    if (!event || typeof event !== 'object') return;
    if (event.type === 'message_start') {
      const message = event.message as { usage?: unknown; model?: unknown } | undefined;
      seen = mergeAnthropicUsage(seen, message?.usage);
      const partial = normalizeAnthropicUsage(seen);
      if (partial) end.partialUsage = partial;
      if (typeof message?.model === 'string') end.responseModel = message.model;
      const tier = seen['service_tier'];
      if (typeof tier === 'string') end.serviceTier = tier;
    } else if (event.type === 'message_delta') {
      seen = mergeAnthropicUsage(seen, event.usage);
      const usage = normalizeAnthropicUsage(seen);
      if (usage) end.usage = usage;
    }
  };
}
