import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { safely } from '../safe.js';
import { type CallEnd, type CallStart, finishCall } from '../wrap/call-observer.js';
import { errorTypeOf } from '../wrap/error-type.js';
import { enterRecordingLayer, type RecordingLayer } from '../wrap/recording-layer.js';
import { aiSdkProviderName } from './provider-name.js';

/** Options shared by the AI SDK middlewares. */
export interface AiSdkMiddlewareOptions {
  /** The recorder that receives each model call's usage. Required. */
  recorder: UsageRecorder;
  /** Attributes on every call through this middleware (e.g. `{ feature: 'chat' }`); allowed past the guard. Default: none. */
  attributes?: CallerAttributes;
  /**
   * `gen_ai.provider.name` for the wrapped models. Default: derived from the model's `provider` id
   * (`openai.chat` → `openai`, `anthropic.messages` → `anthropic`, ...).
   */
  providerName?: string;
}

/** The parts of an AI SDK model (language or embedding, any specification version) read here. */
export interface AiSdkModelLike {
  readonly provider: string;
  readonly modelId: string;
}

/** The parts of the call options read here. */
export interface AiSdkCallParamsLike {
  abortSignal?: AbortSignal | undefined;
}

/** One observed model call: its start, its layer, and how to end it once. */
export interface ModelCall {
  readonly start: CallStart;
  readonly layer: RecordingLayer;
  readonly signal: AbortSignal | undefined;
  /** The recorder's clock, in ms. */
  readonly now: () => number;
  /** Records the call unless an inner layer took it or it was recorded already. Never throws. */
  finish(end: CallEnd): void;
  /** Records the call as failed with `err` ({@link failedEnd}). Never throws, whatever `err` is. */
  fail(err: unknown, served: boolean): void;
}

/** Checks the options once, when the middleware is made. */
export function checkMiddlewareOptions(name: string, options: AiSdkMiddlewareOptions): void {
  if (!options?.recorder || typeof options.recorder.recordLlm !== 'function') {
    throw new TypeError(`${name}: options.recorder is required; create one with createUsageRecorder()`);
  }
  if (options.attributes) options.recorder.allowAttributes(Object.keys(options.attributes));
}

/** Starts observing one model call; `undefined` when even that failed (the call goes on unobserved). */
export function beginModelCall(
  options: AiSdkMiddlewareOptions,
  model: AiSdkModelLike,
  params: AiSdkCallParamsLike | undefined,
  operation: string,
  streaming: boolean,
): ModelCall | undefined {
  return safely('starting an AI SDK call', () => {
    const { recorder } = options;
    const start: CallStart = {
      operation,
      requestModel: typeof model?.modelId === 'string' && model.modelId !== '' ? model.modelId : 'unknown',
      streaming,
      startMs: recorder.clock.now(),
      attributes: recorder.captureAttributes(options.attributes),
      server: { provider: options.providerName ?? aiSdkProviderName(model?.provider) },
    };
    const layer = enterRecordingLayer(recorder);
    let done = false;
    const signal = params?.abortSignal;
    const finish = (end: CallEnd): void => {
      if (done || layer.claimed) return;
      done = true;
      safely('recording an AI SDK call', () => finishCall(recorder, start, end));
    };
    return {
      start,
      layer,
      signal,
      now: () => recorder.clock.now(),
      finish,
      fail(err: unknown, served: boolean): void {
        safely('recording a failed AI SDK call', () => finish(failedEnd(err, signal, served)));
      },
    };
  });
}

/** `error.type` of an abort, whatever the runtime threw for it (a DOMException, the signal's reason). */
export const AI_SDK_ABORT_ERROR_TYPE = 'AbortError';

/**
 * What a failed model call ends with. The AI SDK throws its own `APICallError` for HTTP errors
 * (`statusCode` 429, 500, ...: not served) and also for a 200 whose body did not parse (served, so
 * billed); an aborted call is `AbortError`, not served unless its response had arrived.
 */
export function failedEnd(err: unknown, signal: AbortSignal | undefined, served: boolean): CallEnd {
  if (signal?.aborted) return { errorType: AI_SDK_ABORT_ERROR_TYPE, served };
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  const ok = typeof status === 'number' && status >= 200 && status < 300;
  return { errorType: errorTypeOf(err), served: served || ok };
}

/** The service tier a provider put in its metadata (`providerMetadata.openai.serviceTier`). */
export function serviceTierOf(providerMetadata: unknown): string | undefined {
  if (!providerMetadata || typeof providerMetadata !== 'object') return undefined;
  for (const meta of Object.values(providerMetadata as Record<string, unknown>)) {
    const tier = (meta as { serviceTier?: unknown } | undefined)?.serviceTier;
    if (typeof tier === 'string') return tier;
  }
  return undefined;
}
