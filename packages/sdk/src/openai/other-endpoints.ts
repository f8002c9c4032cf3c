import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { ImageUnits, UnitUsage } from '../record/unit-usage.js';
import type { TokenUsage } from '../record/usage-record.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { reportTelemetryError, safely } from '../safe.js';
import { type CallEnd, type CallStart, finishCall, observeApiCall } from '../wrap/call-observer.js';
import { WRAPPED } from '../wrap/instrumented-mark.js';
import type { ServerIdentity } from '../wrap/provider-name.js';
import type { ChunkReader } from '../wrap/stream-observer.js';
import {
  builtInToolUnits,
  isSettledBackground,
  type RecordedResponses,
  responseOf,
} from './built-in-tools.js';
import { normalizeOpenAIUsage } from './normalize-usage.js';

/** What the wrappers of the other endpoints share with `instrumentOpenAI`. */
export interface OtherEndpointsContext {
  recorder: UsageRecorder;
  attributes: CallerAttributes;
  server: ServerIdentity;
  /** Background responses this client recorded (shared with `responses.create`). */
  recorded: RecordedResponses;
}

/** The parts of an openai client the other endpoints' wrappers touch. */
interface OtherEndpointsLike {
  images?: object;
  audio?: { speech?: object; transcriptions?: object; translations?: object };
  responses?: object;
}

type Method = ((this: unknown, ...args: unknown[]) => unknown) & { [WRAPPED]?: true };

/** How one endpoint is metered. */
interface Endpoint {
  /** `gen_ai.operation.name`. */
  operation: string;
  /** The model the API uses when the request names none. */
  defaultModel: string;
  /** The reader of a whole response or of each item of one stream (may keep state), for a request body. */
  reader(body: Record<string, unknown>): ChunkReader;
}

const ZERO: TokenUsage = Object.freeze({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });

/**
 * Instruments OpenAI's endpoints billed in other units, in place: `images.generate`, `images.edit`,
 * `images.createVariation`, `audio.speech.create`, `audio.transcriptions.create`,
 * `audio.translations.create`, `responses.compact` and `responses.retrieve` (background responses).
 * Results, errors, streams and binary bodies are returned untouched.
 */
export function instrumentOtherEndpoints(client: object, ctx: OtherEndpointsContext): void {
  const c = client as OtherEndpointsLike;
  wrapMethod(c.images, 'generate', imagesEndpoint('image_generation'), ctx);
  wrapMethod(c.images, 'edit', imagesEndpoint('image_edit'), ctx);
  wrapMethod(c.images, 'createVariation', imagesEndpoint('image_variation'), ctx);
  wrapMethod(c.audio?.speech, 'create', SPEECH, ctx);
  wrapMethod(c.audio?.transcriptions, 'create', audioTextEndpoint('transcription'), ctx);
  wrapMethod(c.audio?.translations, 'create', audioTextEndpoint('translation'), ctx);
  wrapMethod(c.responses, 'compact', COMPACT, ctx);
  wrapRetrieve(c.responses, ctx);
}

function wrapMethod(
  resource: object | undefined,
  name: string,
  endpoint: Endpoint,
  ctx: OtherEndpointsContext,
): void {
  const target = resource as Record<string, Method | undefined> | undefined;
  const original = target?.[name];
  if (!target || typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped: Method = function (this: unknown, ...args: unknown[]): unknown {
    let start: CallStart | undefined;
    let body: Record<string, unknown> = {};
    try {
      body = (args[0] && typeof args[0] === 'object' ? args[0] : {}) as Record<string, unknown>;
      start = callStart(
        endpoint.operation,
        modelOf(body, endpoint.defaultModel),
        body['stream'] === true,
        ctx,
      );
    } catch (err) {
      reportTelemetryError('preparing a call', err);
    }
    const result = original.apply(this, args);
    if (!start) return result;
    try {
      const b = body;
      return observeApiCall(result, start, ctx.recorder, {
        response: endpoint.reader(b),
        stream: () => endpoint.reader(b),
        hideUsageChunk: false,
      });
    } catch (err) {
      reportTelemetryError('observing a call', err);
      return result;
    }
  };
  wrapped[WRAPPED] = true;
  target[name] = wrapped;
}

function callStart(
  operation: string,
  requestModel: string,
  streaming: boolean,
  ctx: OtherEndpointsContext,
): CallStart {
  return {
    operation,
    requestModel,
    streaming,
    startMs: ctx.recorder.clock.now(),
    attributes: ctx.recorder.captureAttributes(ctx.attributes),
    server: ctx.server,
  };
}

function modelOf(body: Record<string, unknown>, fallback: string): string {
  const m = body['model'];
  return typeof m === 'string' && m !== '' ? m : fallback;
}

// ---- images -------------------------------------------------------------------------------------

/** Sizes and qualities become attribute values: anything else is folded, so a typo cannot grow series. */
const SIZE = /^(\d{2,5}x\d{2,5}|auto)$/;
const QUALITIES = new Set(['standard', 'hd', 'low', 'medium', 'high', 'auto']);

function imagesEndpoint(operation: string): Endpoint {
  return {
    operation,
    // The images API's default model (generations, edits and variations).
    defaultModel: 'dall-e-2',
    reader(body) {
      const model = modelOf(body, 'dall-e-2');
      const n = typeof body['n'] === 'number' && body['n'] > 0 ? Math.floor(body['n']) : 1;
      // A stream sends one `*.completed` event per image, each with its usage: summed here.
      let streamed:
        | { count: number; usage: TokenUsage | undefined; shape: ImageUnits | undefined }
        | undefined;
      return (item, end) => {
        const d = item as Record<string, unknown> | undefined;
        if (!d || typeof d !== 'object') return;
        if (d['type'] === 'image_generation.completed' || d['type'] === 'image_edit.completed') {
          streamed ??= { count: 0, usage: undefined, shape: undefined };
          streamed.count += 1;
          streamed.usage = addTokens(streamed.usage, imageTokens(d['usage']));
          streamed.shape = imageShape(model, d['size'] ?? body['size'], d['quality'] ?? body['quality']);
          end.usage = streamed.usage ?? ZERO;
          end.units = { images: [{ ...streamed.shape, count: streamed.count }] };
          return;
        }
        if (typeof d['type'] === 'string') return; // partial images: billed within the final usage
        const count = Array.isArray(d['data']) ? d['data'].length : n;
        const shape = imageShape(model, d['size'] ?? body['size'], d['quality'] ?? body['quality']);
        // DALL·E returns no usage: the call is billed per image, and reports zero tokens.
        end.usage = imageTokens(d['usage']) ?? ZERO;
        end.units = { images: [{ ...shape, count }] };
      };
    },
  };
}

/** Size and quality of the images, with DALL·E's defaults (1024x1024, standard) where unsaid. */
function imageShape(model: string, size: unknown, quality: unknown): ImageUnits {
  const dalle = model.toLowerCase().startsWith('dall-e');
  const shape: ImageUnits = { count: 0 };
  let s = typeof size === 'string' ? size.toLowerCase() : undefined;
  let q = typeof quality === 'string' ? quality.toLowerCase() : undefined;
  if (dalle) {
    // DALL·E prices `auto` as its default; DALL·E 2 has only one quality.
    if (s === undefined || s === 'auto') s = '1024x1024';
    if (q === undefined || q === 'auto' || model.toLowerCase().startsWith('dall-e-2')) q = 'standard';
  }
  if (s !== undefined) shape.size = SIZE.test(s) ? s : 'other';
  if (q !== undefined) shape.quality = QUALITIES.has(q) ? q : 'other';
  return shape;
}

/** gpt-image usage: input (text + image), with the image parts split out for their own prices. */
function imageTokens(usage: unknown): TokenUsage | undefined {
  const t = normalizeOpenAIUsage(usage);
  if (!t) return undefined;
  const u = usage as { input_tokens_details?: unknown; output_tokens_details?: unknown };
  const inImage = countOf((u.input_tokens_details as Record<string, unknown> | undefined)?.['image_tokens']);
  const outDetails = u.output_tokens_details as Record<string, unknown> | undefined;
  // Without details, the images API's output tokens are all image tokens (its documented meaning).
  const outImage = outDetails ? countOf(outDetails['image_tokens']) : t.output;
  if (inImage !== undefined && inImage > 0) t.inputImage = Math.min(inImage, t.input);
  if (outImage !== undefined && outImage > 0) t.outputImage = Math.min(outImage, t.output);
  return t;
}

function addTokens(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: TokenUsage = {
    input: a.input + b.input,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
  };
  for (const k of ['inputImage', 'inputAudio', 'outputImage', 'outputAudio'] as const) {
    if (a[k] !== undefined || b[k] !== undefined) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  }
  return out;
}

// ---- audio --------------------------------------------------------------------------------------

/**
 * Speech: the response is audio bytes, without usage. What it is billed on is what was sent: the
 * characters of `input` (tts-1, tts-1-hd per character; gpt-4o-mini-tts by tokens that a binary
 * response does not report, so its characters are counted and its price is left to the card).
 */
const SPEECH: Endpoint = {
  operation: 'speech',
  defaultModel: 'tts-1',
  reader(body) {
    const input = body['input'];
    // Code points, not UTF-16 units: an emoji is one character.
    const characters = typeof input === 'string' ? [...input].length : 0;
    return (_item, end) => {
      end.usage = ZERO;
      end.units = { characters };
    };
  },
};

/**
 * Transcriptions and translations: whisper-1 reports seconds (`usage: { type: 'duration', seconds }`,
 * or `duration` in `verbose_json`); gpt-4o-transcribe reports tokens (`usage: { type: 'tokens' }`,
 * with its audio input tokens split out), also on a stream's `transcript.text.done` event. A `text`,
 * `srt` or `vtt` response has neither, and the call is recorded with usage missing.
 */
function audioTextEndpoint(operation: string): Endpoint {
  return {
    operation,
    defaultModel: 'whisper-1',
    reader() {
      return (item, end) => {
        const d = item as Record<string, unknown> | undefined;
        if (!d || typeof d !== 'object') return;
        if (typeof d['type'] === 'string' && d['type'] !== 'transcript.text.done') return;
        const usage = d['usage'] as Record<string, unknown> | undefined;
        if (usage && typeof usage === 'object' && usage['type'] === 'duration') {
          const seconds = positive(usage['seconds']);
          if (seconds !== undefined) setSeconds(end, seconds);
          return;
        }
        const tokens = normalizeOpenAIUsage(usage);
        if (tokens) {
          const details = usage?.['input_token_details'] as Record<string, unknown> | undefined;
          const audio = countOf(details?.['audio_tokens']);
          if (audio !== undefined && audio > 0) tokens.inputAudio = Math.min(audio, tokens.input);
          end.usage = tokens;
          const seconds = positive(d['duration']);
          if (seconds !== undefined) end.units = { audioSeconds: seconds };
          return;
        }
        const seconds = positive(d['duration']);
        if (seconds !== undefined) setSeconds(end, seconds);
      };
    },
  };
}

function setSeconds(end: CallEnd, seconds: number): void {
  end.usage = ZERO;
  end.units = { audioSeconds: seconds };
}

// ---- responses.compact and responses.retrieve ---------------------------------------------------

/** `responses.compact`: a compaction pass billed in tokens at the model's prices (`usage` as Responses). */
const COMPACT: Endpoint = {
  operation: 'compaction',
  defaultModel: 'unknown',
  reader() {
    return (item, end) => {
      const d = item as Record<string, unknown> | undefined;
      if (!d || typeof d !== 'object') return;
      const usage = normalizeOpenAIUsage(d['usage']);
      if (usage) end.usage = usage;
      if (typeof d['model'] === 'string') end.responseModel = d['model'];
    };
  },
};

/**
 * `responses.retrieve(id)`: a background response (`background: true`) is billed when it finishes,
 * and `responses.create` returned it queued, without usage. The first retrieve that returns it
 * finished, with usage, records it — once per response id (see {@link RecordedResponses}); a
 * retrieve of a response that was not created in the background records nothing (its create did).
 * A failed retrieve records nothing either: it is not a model call. Streaming retrieves are not metered.
 */
function wrapRetrieve(resource: object | undefined, ctx: OtherEndpointsContext): void {
  const target = resource as Record<string, Method | undefined> | undefined;
  const original = target?.['retrieve'];
  if (!target || typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped: Method = function (this: unknown, ...args: unknown[]): unknown {
    const result = original.apply(this, args);
    try {
      const p = result as { _thenUnwrap?: (f: (data: unknown) => unknown) => unknown };
      if (!p || typeof p._thenUnwrap !== 'function') return result;
      const startMs = ctx.recorder.clock.now();
      const attributes = ctx.recorder.captureAttributes(ctx.attributes);
      return p._thenUnwrap((data: unknown) => {
        safely('reading a retrieved response', () => settle(data, startMs, attributes, ctx));
        return data;
      });
    } catch (err) {
      reportTelemetryError('observing a call', err);
      return result;
    }
  };
  wrapped[WRAPPED] = true;
  target['retrieve'] = wrapped;
}

function settle(
  data: unknown,
  startMs: number,
  attributes: CallerAttributes,
  ctx: OtherEndpointsContext,
): void {
  const response = responseOf(data);
  if (!response || (response as { object?: unknown }).object !== 'response') return;
  if (!isSettledBackground(response) || !ctx.recorded.claim(response.id)) return;
  const d = response as unknown as Record<string, unknown>;
  const end: CallEnd = {};
  const usage = normalizeOpenAIUsage(d['usage']);
  if (usage) end.usage = usage;
  if (typeof d['model'] === 'string') end.responseModel = d['model'];
  if (typeof d['service_tier'] === 'string') end.serviceTier = d['service_tier'];
  if (d['status'] === 'failed') end.errorType = 'response.failed';
  const units: UnitUsage | undefined = builtInToolUnits(response);
  if (units !== undefined) end.units = units;
  // Recorded as the create call that queued it when this client made it (its model, caller
  // attributes and start: the duration is the job's), else as this retrieve.
  const created = ctx.recorded.take(response.id);
  const model = typeof d['model'] === 'string' ? d['model'] : 'unknown';
  const start: CallStart = created
    ? { ...created, streaming: false }
    : { operation: 'chat', requestModel: model, streaming: false, startMs, attributes, server: ctx.server };
  // Its pre-call reservation, if any, was released when the create was deferred.
  delete start.callId;
  finishCall(ctx.recorder, start, end);
}

function countOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}
