import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { TokenUsage, UsageSource } from '../record/usage-record.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { safely } from '../safe.js';
import { type CallEnd, type CallStart, finishCall } from '../wrap/call-observer.js';
import { fetchErrorTypeOf } from '../wrap/error-type.js';
import { WRAPPED } from '../wrap/instrumented-mark.js';
import { observeIteratorInPlace, type StreamOutcome } from '../wrap/iterator-observer.js';
import { outputCap, planCall } from '../wrap/pre-call.js';
import { identifyServer, type ServerIdentity } from '../wrap/provider-name.js';
import { normalizeGeminiEmbeddingUsage, normalizeGeminiUsage } from './normalize-usage.js';

/** Options of {@link instrumentGoogleGenAI}. */
export interface InstrumentGoogleGenAIOptions {
  /** The recorder that receives each call's usage. Required. */
  recorder: UsageRecorder;
  /** Attributes on every call of this client (e.g. `{ feature: 'chat' }`); allowed past the guard. Default: none. */
  attributes?: CallerAttributes;
  /**
   * `gen_ai.provider.name` for this client. Default: `gcp.vertex_ai` for a client in Vertex AI mode,
   * else `gcp.gemini` (whatever the host: the client only speaks Google's API).
   */
  providerName?: string;
}

/** The parts of a `@google/genai` client (`GoogleGenAI`) this wrapper touches. */
export interface GoogleGenAILike {
  vertexai?: boolean;
  models?: object;
}

type Method = ((this: unknown, params: unknown) => Promise<unknown>) & { [WRAPPED]?: true };

interface ModelsLike {
  apiClient?: { isVertexAI?: () => boolean; getBaseUrl?: () => string };
  [name: string]: unknown;
}

interface WrapContext {
  recorder: UsageRecorder;
  attributes: CallerAttributes;
  server: ServerIdentity;
}

/**
 * The methods that send one model request each. `generateContent` and `generateContentStream` call
 * them once per request they make — with automatic function calling (a callable tool) once per
 * round trip, with automatic continuation once per hop — so wrapping these counts every billed
 * request, not only the last; `chats` go through the same `models` object.
 */
const INTERNAL: Readonly<Record<string, 'generate' | 'stream' | 'embed'>> = {
  generateContentInternal: 'generate',
  generateContentStreamInternal: 'stream',
  embedContentInternal: 'embed',
};

/** The public methods, wrapped instead when a client version lacks the internal ones. */
const PUBLIC: Readonly<Record<string, 'generate' | 'stream' | 'embed'>> = {
  generateContent: 'generate',
  generateContentStream: 'stream',
  embedContent: 'embed',
};

/**
 * Instruments a `@google/genai` client (`new GoogleGenAI(...)`) in place and returns the same client:
 * every model request made by `models.generateContent`, `models.generateContentStream` and
 * `models.embedContent` (and by `chats`, which use them) is recorded, including each internal request
 * of automatic function calling and automatic continuation. The methods are wrapped on the client's
 * `models` instance, never on the prototype. Usage is normalized once, by
 * {@link normalizeGeminiUsage}: input = prompt (cached included) + tool-use prompt, output =
 * candidates + thoughts. Results, errors (`ApiError` on a 429), streams and aborts behave as without
 * burnrate; telemetry failures go to the diag logger, never to the caller. Instrumenting the same
 * client twice does nothing the second time.
 */
export function instrumentGoogleGenAI<T extends object>(client: T, options: InstrumentGoogleGenAIOptions): T {
  if (!options?.recorder || typeof options.recorder.recordLlm !== 'function') {
    throw new TypeError(
      'instrumentGoogleGenAI: options.recorder is required; create one with createUsageRecorder()',
    );
  }
  const c = client as GoogleGenAILike;
  const models = c.models as ModelsLike | undefined;
  if (!models || typeof models !== 'object') return client;
  const ctx: WrapContext = {
    recorder: options.recorder,
    attributes: options.attributes ?? {},
    server: serverOf(c, models, options.providerName),
  };
  if (options.attributes) options.recorder.allowAttributes(Object.keys(options.attributes));
  const hasInternal = Object.keys(INTERNAL).every((name) => typeof models[name] === 'function');
  for (const [name, kind] of Object.entries(hasInternal ? INTERNAL : PUBLIC)) wrap(models, name, kind, ctx);
  return client;
}

function serverOf(c: GoogleGenAILike, models: ModelsLike, providerName: string | undefined): ServerIdentity {
  const api = models.apiClient;
  const vertex = safely('reading the client mode', () => api?.isVertexAI?.()) ?? c.vertexai === true;
  const baseUrl = safely('reading the base URL', () => api?.getBaseUrl?.());
  const server = identifyServer(baseUrl);
  server.provider = providerName ?? (vertex ? 'gcp.vertex_ai' : 'gcp.gemini');
  return server;
}

function wrap(
  models: ModelsLike,
  name: string,
  kind: 'generate' | 'stream' | 'embed',
  ctx: WrapContext,
): void {
  const original = models[name] as Method | undefined;
  if (typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped: Method = function (this: unknown, params: unknown): Promise<unknown> {
    const prepared = safely('preparing a call', () => prepare(params, kind, ctx));
    // A processor's deliberate rejection (a budget): this request is not sent, and the caller's
    // `generateContent` rejects with the processor's error.
    if (prepared?.rejected) return Promise.reject(prepared.rejected);
    const start = prepared?.start;
    let result: Promise<unknown>;
    try {
      result = original.call(this, prepared ? prepared.params : params);
    } catch (err) {
      release(ctx, start);
      throw err;
    }
    if (!start || !result || typeof (result as Promise<unknown>).then !== 'function') {
      release(ctx, start);
      return result;
    }
    return result.then(
      (value) => {
        safely('reading a response', () => observe(value, kind, start, ctx));
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
  models[name] = wrapped;
}

/** Gives back what a processor reserved for a call that will bring no record. */
function release(ctx: WrapContext, start: CallStart | undefined): void {
  const id = start?.callId;
  if (id !== undefined) safely('releasing a call', () => ctx.recorder.releaseCall(id));
}

interface Prepared {
  /** What to send: the caller's params, or a copy with the model and output cap a processor chose. */
  params: unknown;
  start: CallStart;
  /** Set when a processor rejected the request before it was sent. */
  rejected?: Error;
}

interface GeminiParams {
  model?: unknown;
  contents?: unknown;
  config?: { maxOutputTokens?: unknown; systemInstruction?: unknown; tools?: unknown } & Record<
    string,
    unknown
  >;
}

function prepare(params: unknown, kind: 'generate' | 'stream' | 'embed', ctx: WrapContext): Prepared {
  const p = (params ?? {}) as GeminiParams;
  const operation = kind === 'embed' ? 'embeddings' : 'generate_content';
  const requestModel = typeof p.model === 'string' ? modelId(p.model) : 'unknown';
  const streaming = kind === 'stream';
  const attributes = ctx.recorder.captureAttributes(ctx.attributes);
  const cap = kind === 'embed' ? undefined : outputCap(p.config?.maxOutputTokens);
  const plan = planCall(
    ctx.recorder,
    {
      provider: ctx.server.provider,
      operation,
      model: requestModel,
      maxOutputTokens: cap,
      streaming,
      content: {
        contents: p.contents,
        systemInstruction: p.config?.systemInstruction,
        tools: p.config?.tools,
      },
    },
    attributes,
  );
  const start: CallStart = {
    operation,
    requestModel,
    streaming,
    startMs: ctx.recorder.clock.now(),
    attributes,
    server: ctx.server,
  };
  if (plan.kind === 'reject') return { params, start, rejected: plan.error };
  if (plan.callId !== undefined) start.callId = plan.callId;
  if (plan.attributes !== undefined) start.decisionAttributes = plan.attributes;
  if (plan.model === requestModel && plan.maxOutputTokens === cap) return { params, start };
  // A copy: the caller's object is never changed; the request is recorded under the model sent.
  start.requestModel = plan.model;
  const sent: GeminiParams = { ...p, model: plan.model };
  if (plan.maxOutputTokens !== undefined)
    sent.config = { ...p.config, maxOutputTokens: plan.maxOutputTokens };
  return { params: sent, start };
}

/**
 * The model id without its resource path: `models/gemini-2.5-flash`,
 * `publishers/google/models/gemini-2.5-flash` and `projects/p/locations/l/publishers/google/models/…`
 * all become `gemini-2.5-flash`; a tuned model (`tunedModels/…`) keeps its name.
 */
function modelId(model: string): string {
  const at = model.lastIndexOf('models/');
  if (at < 0 || model.startsWith('tunedModels/')) return model;
  if (at > 0 && model[at - 1] !== '/') return model;
  return model.slice(at + 'models/'.length);
}

function observe(
  value: unknown,
  kind: 'generate' | 'stream' | 'embed',
  start: CallStart,
  ctx: WrapContext,
): void {
  if (kind === 'stream') {
    if (!observeStream(value, start, ctx)) finishCall(ctx.recorder, start, {});
    return;
  }
  const end: CallEnd = {};
  const usage = kind === 'embed' ? normalizeGeminiEmbeddingUsage(value) : readResponse(value, end);
  if (usage) end.usage = usage;
  finishCall(ctx.recorder, start, end);
}

function readResponse(value: unknown, end: CallEnd): TokenUsage | undefined {
  const r = value as { usageMetadata?: unknown; modelVersion?: unknown } | null;
  if (!r || typeof r !== 'object') return undefined;
  if (typeof r.modelVersion === 'string') end.responseModel = r.modelVersion;
  return normalizeGeminiUsage(r.usageMetadata);
}

/**
 * Observes one stream's chunks in place. Gemini sends the usage so far on every chunk (prompt and
 * thoughts whole, candidates up to that chunk) and the final count on the chunk with a
 * `finishReason`. A stream that ends is recorded with the last usage it carried, as the provider's;
 * one the caller aborts (`config.abortSignal`) before its final chunk keeps the last usage seen as
 * `estimated` (input exact, output a lower bound); one cut off or abandoned (`break`) before it
 * records `usage: missing`.
 */
function observeStream(stream: unknown, start: CallStart, ctx: WrapContext): boolean {
  const end: CallEnd = {};
  let latest: TokenUsage | undefined;
  let final = false;
  return observeIteratorInPlace(stream, {
    item(chunk) {
      if (end.firstChunkMs === undefined) end.firstChunkMs = ctx.recorder.clock.now();
      const c = chunk as { usageMetadata?: unknown; modelVersion?: unknown; candidates?: unknown } | null;
      if (!c || typeof c !== 'object') return;
      if (typeof c.modelVersion === 'string') end.responseModel = c.modelVersion;
      const usage = normalizeGeminiUsage(c.usageMetadata);
      if (usage) latest = usage;
      if (
        Array.isArray(c.candidates) &&
        c.candidates.some((x) => x && (x as { finishReason?: unknown }).finishReason)
      ) {
        final = true;
      }
    },
    end(outcome: StreamOutcome) {
      if (outcome.error !== undefined) end.errorType = fetchErrorTypeOf(outcome.error);
      const complete = final || (outcome.error === undefined && !outcome.stopped);
      // As for the other clients: only a caller's abort keeps a provisional count (the tokens were
      // billed); a cut-off or abandoned stream records no number that could pass for the bill.
      const source: UsageSource | undefined = complete
        ? 'provider'
        : end.errorType === 'AbortError'
          ? 'estimated'
          : undefined;
      if (latest && source) {
        end.usage = latest;
        end.usageSource = source;
      }
      finishCall(ctx.recorder, start, end);
    },
  });
}

/**
 * Whether a failed call was still served: only a success response whose body did not parse (the
 * client's `response.json()` throws a `SyntaxError`). HTTP errors (`ApiError`), connection failures
 * and aborts before the response were not.
 */
function servedDespite(err: unknown): boolean {
  return err instanceof SyntaxError;
}
