import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { TokenUsage } from '../record/usage-record.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { reportTelemetryError, safely } from '../safe.js';
import { type CallEnd, type CallStart, finishCall } from '../wrap/call-observer.js';
import { errorTypeOf } from '../wrap/error-type.js';
import { resolveBedrockModel } from './model-id.js';
import {
  type InvokeStreamUsage,
  invokeStreamReader,
  normalizeBedrockUsage,
  normalizeInvokeBody,
  normalizeTokenCountHeaders,
} from './normalize-usage.js';
import { planBedrockCall } from './pre-call.js';

/** `gen_ai.provider.name` of Bedrock calls (the OpenTelemetry GenAI name, mapped to the catalog's `aws`). */
export const BEDROCK_PROVIDER = 'aws.bedrock';

/** The name under which burnrate's middleware sits in the client's middleware stack. */
export const BEDROCK_MIDDLEWARE_NAME = 'burnrateMiddleware';

/** Options of {@link instrumentBedrock}. */
export interface InstrumentBedrockOptions {
  /** The recorder that receives each call's usage. Required. */
  recorder: UsageRecorder;
  /** Attributes on every call of this client (e.g. `{ feature: 'chat' }`); allowed past the guard. Default: none. */
  attributes?: CallerAttributes;
  /** `gen_ai.provider.name` for this client. Default: `aws.bedrock`. */
  providerName?: string;
}

/** The handler one middleware wraps, as the AWS SDK's middleware stack calls it. */
type Handler = (args: { input?: unknown }) => Promise<{ output?: unknown; response?: unknown }>;

/** The per-call context the AWS SDK hands a middleware (only what burnrate reads). */
interface HandlerContext {
  commandName?: string;
  endpointV2?: { url?: URL };
  /** Where recent clients keep the call's `abortSignal` (absent in older ones). */
  __smithy_context?: { abortSignal?: { aborted?: boolean } };
}

/** `error.type` of a call the caller aborted: the name of the error the AWS SDK throws for it. */
export const BEDROCK_ABORT_ERROR_TYPE = 'AbortError';

/** The parts of an `@aws-sdk/client-bedrock-runtime` client this wrapper touches (structural: no import). */
export interface BedrockClientLike {
  /** The client's middleware stack, which every command's stack is built from. */
  middlewareStack: {
    /** Adds a middleware to a step of the stack. */
    add(
      middleware: (next: Handler, context: HandlerContext) => Handler,
      options: { step: 'initialize'; name: string; tags?: string[] },
    ): void;
    /** Names the middlewares in the stack (`"name - step"`), to find burnrate's. */
    identify?(): string[];
  };
}

type Operation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-stream';

const OPERATIONS: Readonly<Record<string, Operation>> = {
  ConverseCommand: 'converse',
  ConverseStreamCommand: 'converse-stream',
  InvokeModelCommand: 'invoke',
  InvokeModelWithResponseStreamCommand: 'invoke-stream',
};

interface WrapContext {
  recorder: UsageRecorder;
  attributes: CallerAttributes;
  provider: string;
}

/**
 * Instruments an `@aws-sdk/client-bedrock-runtime` client (`BedrockRuntimeClient` or
 * `BedrockRuntime`) in place and returns it: one middleware in the client's own middleware stack
 * (step `initialize`, named `burnrateMiddleware`, so it sees each call once, after the client's
 * retries) records `Converse`, `ConverseStream` (usage from the `metadata` event), `InvokeModel` and
 * `InvokeModelWithResponseStream` (usage read from the model family's body: Anthropic, Meta Llama,
 * Amazon Nova, Amazon Titan text; else the `X-Amzn-Bedrock-*-Token-Count` headers or the stream's
 * `amazon-bedrock-invocationMetrics`). Bedrock's usage is normalized once, by
 * {@link normalizeBedrockUsage}: input includes cache reads and writes, which Bedrock's counts leave out.
 *
 * Models: `gen_ai.request.model` is the `modelId` as sent; `gen_ai.response.model` (what the cost
 * processor prices first) is the model it resolves to by {@link resolveBedrockModel} — an ARN's
 * model or inference profile, the profile's geography prefix kept. The provider is `aws.bedrock`.
 *
 * Results, errors (the client's own `ThrottlingException`, ...), streams (iterated, broken out of
 * early or aborted) and the bytes of InvokeModel bodies and chunks reach the caller exactly as
 * without burnrate; telemetry failures go to the diag logger, never to the caller. Instrumenting the
 * same client twice does nothing the second time.
 */
export function instrumentBedrock<T extends object>(client: T, options: InstrumentBedrockOptions): T {
  if (!options?.recorder || typeof options.recorder.recordLlm !== 'function') {
    throw new TypeError(
      'instrumentBedrock: options.recorder is required; create one with createUsageRecorder()',
    );
  }
  const stack = (client as Partial<BedrockClientLike>).middlewareStack;
  if (!stack || typeof stack.add !== 'function') {
    throw new TypeError('instrumentBedrock: expected a BedrockRuntimeClient (it has no middlewareStack)');
  }
  if (isInstrumented(stack)) return client;
  const ctx: WrapContext = {
    recorder: options.recorder,
    attributes: options.attributes ?? {},
    provider: options.providerName ?? BEDROCK_PROVIDER,
  };
  if (options.attributes) options.recorder.allowAttributes(Object.keys(options.attributes));
  stack.add((next, context) => meter(next, context, ctx), {
    step: 'initialize',
    name: BEDROCK_MIDDLEWARE_NAME,
    tags: ['BURNRATE'],
  });
  return client;
}

function isInstrumented(stack: BedrockClientLike['middlewareStack']): boolean {
  try {
    return (stack.identify?.() ?? []).some((entry) => entry.startsWith(`${BEDROCK_MIDDLEWARE_NAME} `));
  } catch {
    return false;
  }
}

/**
 * The middleware: first the pre-call hook (a processor may reject the call — `client.send` rejects
 * with its error before anything is serialized or sent — or send a copy of the input with another
 * model or a lower output cap); then the call goes through, and what it used is recorded beside it.
 */
function meter(next: Handler, context: HandlerContext, ctx: WrapContext): Handler {
  return async (args) => {
    const operation = OPERATIONS[context?.commandName ?? ''];
    const prepared = operation
      ? safely('preparing a call', () => prepare(args.input, operation, ctx))
      : undefined;
    if (!operation || !prepared) return next(args);
    // A processor's deliberate rejection (a budget): nothing is sent.
    if (prepared.rejected) throw prepared.rejected;
    const start = prepared.start;
    let result: Awaited<ReturnType<Handler>>;
    try {
      result = await next(prepared.input === args.input ? args : { ...args, input: prepared.input });
    } catch (err) {
      safely('recording a failed call', () => finishFailed(start, context, err, ctx));
      throw err;
    }
    safely('observing a call', () => observe(result, operation, start, context, ctx));
    return result;
  };
}

interface Prepared {
  start: CallStart;
  /** The input to send: the caller's own, or a copy with a processor's changes. */
  input: unknown;
  /** Set when a processor rejected the call before it was sent. */
  rejected?: Error;
}

function prepare(input: unknown, operation: Operation, ctx: WrapContext): Prepared {
  const i = (input ?? {}) as { modelId?: unknown };
  const modelId = typeof i.modelId === 'string' && i.modelId !== '' ? i.modelId : 'unknown';
  const family = resolveBedrockModel(modelId).baseModel ?? '';
  // Prompt-in, text-out bodies (Llama, Titan) are completions; message bodies and Converse are chat.
  const invoke = operation === 'invoke' || operation === 'invoke-stream';
  const completion = invoke && (family.startsWith('meta.') || family.startsWith('amazon.titan-text'));
  const streaming = operation === 'converse-stream' || operation === 'invoke-stream';
  const attributes = ctx.recorder.captureAttributes(ctx.attributes);
  const opName = completion ? 'text_completion' : 'chat';
  const plan = planBedrockCall(ctx.recorder, input, !invoke, opName, streaming, ctx.provider, attributes);
  const start: CallStart = {
    operation: opName,
    requestModel: plan.modelId,
    streaming,
    startMs: ctx.recorder.clock.now(),
    attributes,
    server: { provider: ctx.provider },
  };
  if (plan.rejected) return { start, input, rejected: plan.rejected };
  if (plan.callId !== undefined) start.callId = plan.callId;
  if (plan.decisionAttributes !== undefined) start.decisionAttributes = plan.decisionAttributes;
  return { start, input: plan.input };
}

/** The server the call went to, once the client resolved its endpoint. */
function withServer(start: CallStart, context: HandlerContext): CallStart {
  const url = context?.endpointV2?.url;
  if (!url || typeof url.hostname !== 'string') return start;
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { ...start, server: { ...start.server, serverAddress: url.hostname, serverPort: port } };
}

function baseEnd(start: CallStart): CallEnd {
  const end: CallEnd = {};
  const pricing = resolveBedrockModel(start.requestModel).pricingModel;
  if (pricing !== undefined) end.responseModel = pricing;
  return end;
}

function finishFailed(start: CallStart, context: HandlerContext, err: unknown, ctx: WrapContext): void {
  const end = baseEnd(start);
  end.errorType = context?.__smithy_context?.abortSignal?.aborted
    ? BEDROCK_ABORT_ERROR_TYPE
    : bedrockErrorType(err);
  // Served (billed) only when a success status arrived and what failed was reading its body (the
  // client's SyntaxError for a 200 that does not parse); 4xx/5xx after retries, connection failures
  // and aborts before the response were not.
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  end.served = typeof status === 'number' && status >= 200 && status < 300;
  finishCall(ctx.recorder, withServer(start, context), end);
}

/**
 * `error.type` of a thrown value: its class (`ThrottlingException`, `ValidationException`), or its
 * `name` when it is a plain `Error` with one (the AWS SDK's aborts are `Error` named `AbortError`).
 */
export function bedrockErrorType(err: unknown): string {
  const type = errorTypeOf(err);
  const name = (err as { name?: unknown } | undefined)?.name;
  return type === 'Error' && typeof name === 'string' && name !== '' ? name : type;
}

function observe(
  result: Awaited<ReturnType<Handler>>,
  operation: Operation,
  start: CallStart,
  context: HandlerContext,
  ctx: WrapContext,
): void {
  const call = withServer(start, context);
  const output = (result?.output ?? {}) as Record<string, unknown>;
  const end = baseEnd(call);
  const tier = serviceTierOf(output['serviceTier']);
  if (tier !== undefined) end.serviceTier = tier;
  if (operation === 'converse') {
    end.usage = normalizeBedrockUsage(output['usage']);
    finishCall(ctx.recorder, call, end);
  } else if (operation === 'invoke') {
    end.usage =
      readJsonBody(output['body']) ??
      normalizeTokenCountHeaders((result?.response as { headers?: unknown } | undefined)?.headers);
    finishCall(ctx.recorder, call, end);
  } else {
    const key = operation === 'converse-stream' ? 'stream' : 'body';
    const read = operation === 'converse-stream' ? converseStreamReader() : invokeChunkReader();
    const aborted = (): boolean => context?.__smithy_context?.abortSignal?.aborted === true;
    if (!observeEventStream(output[key], read, end, call, ctx, aborted)) finishCall(ctx.recorder, call, end);
  }
}

function serviceTierOf(tier: unknown): string | undefined {
  if (typeof tier === 'string') return tier;
  const type = (tier as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : undefined;
}

/** Parses an InvokeModel body without touching the caller's bytes; undefined when it is not JSON usage. */
function readJsonBody(body: unknown): TokenUsage | undefined {
  if (!(body instanceof Uint8Array)) return undefined;
  try {
    return normalizeInvokeBody(JSON.parse(new TextDecoder().decode(body)));
  } catch {
    return undefined;
  }
}

/** Reads what matters for cost from one stream event into the stream's usage so far. */
type EventReader = (event: unknown, seen: InvokeStreamUsage) => void;

/** ConverseStream: the `metadata` event carries the whole call's usage. */
function converseStreamReader(): EventReader {
  return (event, seen) => {
    const metadata = (event as { metadata?: { usage?: unknown } } | undefined)?.metadata;
    if (metadata?.usage !== undefined) seen.usage = normalizeBedrockUsage(metadata.usage);
  };
}

/** InvokeModelWithResponseStream: each `chunk.bytes` is one JSON event of the model's own stream. */
function invokeChunkReader(): EventReader {
  const read = invokeStreamReader();
  const decoder = new TextDecoder();
  return (event, seen) => {
    const bytes = (event as { chunk?: { bytes?: unknown } } | undefined)?.chunk?.bytes;
    if (!(bytes instanceof Uint8Array)) return;
    read(JSON.parse(decoder.decode(bytes)), seen);
  };
}

/**
 * Instruments an event stream (an async iterable) in place: its iterator factory is wrapped, so the
 * caller iterates the same object and gets the same events; the call is recorded once, when the
 * stream ends, fails, or the caller stops early (`break`: the client's own `return()` still runs and
 * closes the connection). Returns false when `stream` is not an async iterable.
 */
function observeEventStream(
  stream: unknown,
  read: EventReader,
  end: CallEnd,
  start: CallStart,
  ctx: WrapContext,
  aborted: () => boolean,
): boolean {
  const s = stream as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown> } | undefined;
  const factory = s?.[Symbol.asyncIterator];
  if (!s || typeof factory !== 'function') return false;
  const seen: InvokeStreamUsage = {};
  let finished = false;
  const done = (err?: unknown): void => {
    if (finished) return;
    finished = true;
    safely('recording a stream', () => {
      // A mid-stream abort surfaces as the socket's `Error: aborted` (ECONNRESET) over HTTP/1.1 and
      // as a quiet end over HTTP/2; the call's signal tells which streams the caller aborted.
      if (aborted()) end.errorType = BEDROCK_ABORT_ERROR_TYPE;
      else if (err !== undefined) end.errorType = bedrockErrorType(err);
      // An abort keeps the usage seen; with only Anthropic's provisional count, that, as estimated.
      if (seen.usage) end.usage = seen.usage;
      else if (seen.partial && end.errorType === BEDROCK_ABORT_ERROR_TYPE) {
        end.usage = seen.partial;
        end.usageSource = 'estimated';
      }
      finishCall(ctx.recorder, start, end);
    });
  };
  s[Symbol.asyncIterator] = function wrappedIterator(this: unknown): AsyncIterator<unknown> {
    const it = factory.call(this);
    const onResult = (result: IteratorResult<unknown>): IteratorResult<unknown> => {
      if (result.done) {
        done();
        return result;
      }
      try {
        if (end.firstChunkMs === undefined) end.firstChunkMs = ctx.recorder.clock.now();
        read(result.value, seen);
      } catch (err) {
        reportTelemetryError('reading a stream event', err);
      }
      return result;
    };
    const onError = (err: unknown): never => {
      done(err);
      throw err;
    };
    return {
      next: (...args: [] | [unknown]) => it.next(...args).then(onResult, onError),
      return: async (value?: unknown) => {
        done();
        return it.return ? it.return(value) : { done: true as const, value };
      },
      throw: async (err?: unknown) => {
        done(err);
        if (it.throw) return it.throw(err);
        throw err;
      },
    };
  };
  return true;
}
