import { reportTelemetryError, safely } from '../safe.js';
import type { CallEnd } from '../wrap/call-observer.js';
import { errorTypeOf } from '../wrap/error-type.js';
import {
  AI_SDK_ABORT_ERROR_TYPE,
  type AiSdkCallParamsLike,
  type AiSdkMiddlewareOptions,
  type AiSdkModelLike,
  beginModelCall,
  checkMiddlewareOptions,
  type ModelCall,
  serviceTierOf,
} from './model-call.js';
import { normalizeAiSdkUsage } from './normalize-usage.js';
import { type AiSdkPromptParamsLike, planModelCall } from './pre-call.js';

/** Options of {@link burnrateMiddleware}. */
export type BurnrateMiddlewareOptions = AiSdkMiddlewareOptions;

/**
 * A language-model middleware for `wrapLanguageModel` of `ai` 6 (model specification v3) and `ai` 7
 * (v4, whose middleware type takes any `specificationVersion`). Its hooks are generic over the result,
 * so one object type-checks against both majors without importing either.
 */
export interface BurnrateLanguageModelMiddleware {
  readonly specificationVersion: 'v3';
  /** Records one call of `generateText` / `generateObject` (one model step). */
  wrapGenerate<R>(options: {
    doGenerate: () => PromiseLike<R>;
    params: AiSdkCallParamsLike & AiSdkPromptParamsLike;
    model: AiSdkModelLike;
  }): Promise<R>;
  /** Records one streamed call from its `finish` part; every part reaches the caller untouched. */
  wrapStream<S extends { stream: ReadableStream<unknown> }>(options: {
    doStream: () => PromiseLike<S>;
    params: AiSdkCallParamsLike & AiSdkPromptParamsLike;
    model: AiSdkModelLike;
  }): Promise<S>;
}

/**
 * Meters every call of an AI SDK language model: one LLM usage record per model call (each step of a
 * multi-step `generateText`, each retry the SDK makes), with cached input, cache writes and reasoning
 * normalized once ({@link normalizeAiSdkUsage}), and the provider and model from the wrapped model.
 * Results, errors (the SDK's own `APICallError`), streams and aborts behave as without it; telemetry
 * failures never reach the caller. A model wrapped twice for the same recorder is recorded once, by
 * the inner middleware.
 *
 * @example
 * const model = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware: burnrateMiddleware({ recorder }) });
 */
export function burnrateMiddleware(options: BurnrateMiddlewareOptions): BurnrateLanguageModelMiddleware {
  checkMiddlewareOptions('burnrateMiddleware', options);
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params, model }) {
      const call = beginModelCall(options, model, params, 'chat', false);
      if (!call) return doGenerate();
      const plan = planModelCall(options.recorder, call, params, false);
      // A processor's deliberate rejection (a budget): doGenerate is never called, nothing is sent.
      if (plan.kind === 'reject') throw plan.error;
      const send = withParams(plan.params, model, 'doGenerate', doGenerate);
      let result: Awaited<ReturnType<typeof doGenerate>>;
      try {
        result = await call.layer.run(() => plan.run(send));
      } catch (err) {
        call.fail(err, false);
        throw err;
      }
      call.finish(safely('reading an AI SDK result', () => generateEnd(result)) ?? {});
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const call = beginModelCall(options, model, params, 'chat', true);
      if (!call) return doStream();
      const plan = planModelCall(options.recorder, call, params, true);
      // A processor's deliberate rejection (a budget): doStream is never called, nothing is sent.
      if (plan.kind === 'reject') throw plan.error;
      const send = withParams(plan.params, model, 'doStream', doStream);
      let result: Awaited<ReturnType<typeof doStream>>;
      try {
        result = (await call.layer.run(() => plan.run(send))) as typeof result;
      } catch (err) {
        call.fail(err, false);
        throw err;
      }
      if (call.layer.claimed) return result;
      try {
        return { ...result, stream: observeParts(result.stream, call) };
      } catch (err) {
        reportTelemetryError('observing an AI SDK stream', err);
        call.finish({});
        return result;
      }
    },
  };
}

/**
 * The call to make: the SDK's own `doGenerate` / `doStream` (which send the params as they are), or,
 * when a processor lowered the output cap, the wrapped model's method with the changed copy — what
 * `doGenerate` does with the params it closed over. A model without the method sends them unchanged.
 */
function withParams<R>(
  params: Record<string, unknown> | undefined,
  model: AiSdkModelLike,
  method: 'doGenerate' | 'doStream',
  original: () => PromiseLike<R>,
): () => PromiseLike<R> {
  const m = model as unknown as Record<string, ((p: unknown) => PromiseLike<R>) | undefined>;
  if (params === undefined || typeof m[method] !== 'function') return original;
  return () => (m[method] as (p: unknown) => PromiseLike<R>).call(model, params);
}

function generateEnd(result: unknown): CallEnd {
  const r = result as {
    usage?: unknown;
    response?: { modelId?: unknown };
    providerMetadata?: unknown;
  };
  const end: CallEnd = {};
  const usage = normalizeAiSdkUsage(r?.usage);
  if (usage) end.usage = usage;
  if (typeof r?.response?.modelId === 'string') end.responseModel = r.response.modelId;
  const tier = serviceTierOf(r?.providerMetadata);
  if (tier !== undefined) end.serviceTier = tier;
  return end;
}

/** Parts that carry no output: the first other part is the first chunk. */
const PREAMBLE = new Set(['stream-start', 'response-metadata', 'raw']);

/**
 * Passes every part of a model stream on as it is (same objects, same order, read on demand) and
 * records the call once: at the end of the stream, on its error, or when the caller cancels it
 * (an abort keeps the usage already seen; a `finish` part carries the provider's final count).
 */
function observeParts<T>(source: ReadableStream<T>, call: ModelCall): ReadableStream<T> {
  const reader = source.getReader();
  const end: CallEnd = {};
  const read = (part: unknown): void => {
    const p = part as { type?: unknown; [key: string]: unknown };
    if (!p || typeof p !== 'object') return;
    if (end.firstChunkMs === undefined && typeof p.type === 'string' && !PREAMBLE.has(p.type)) {
      end.firstChunkMs = call.now();
    }
    if (p.type === 'response-metadata' && typeof p['modelId'] === 'string') end.responseModel = p['modelId'];
    else if (p.type === 'finish') {
      const usage = normalizeAiSdkUsage(p['usage']);
      if (usage) end.usage = usage;
      const tier = serviceTierOf(p['providerMetadata']);
      if (tier !== undefined) end.serviceTier = tier;
    } else if (p.type === 'error') end.errorType = errorTypeOf(p['error']);
  };
  // A stream that delivered its response was served, whatever ends it: an error keeps what was seen.
  const finish = (failed: boolean, err?: unknown): void => {
    safely('recording an AI SDK stream', () => {
      if (call.signal?.aborted) end.errorType = AI_SDK_ABORT_ERROR_TYPE;
      else if (failed) end.errorType = errorTypeOf(err);
      call.finish(end);
    });
  };
  return new ReadableStream<T>(
    {
      async pull(controller): Promise<void> {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (err) {
          finish(true, err);
          controller.error(err);
          return;
        }
        if (next.done) {
          finish(false);
          controller.close();
          return;
        }
        try {
          read(next.value);
        } catch (err) {
          reportTelemetryError('reading an AI SDK stream part', err);
        }
        controller.enqueue(next.value);
      },
      cancel(reason): Promise<void> {
        // The caller stopped reading (an abort, or it had what it wanted): the usage seen so far stays.
        finish(false);
        return reader.cancel(reason);
      },
    },
    // Read from the model only when the caller reads: the same pace as without burnrate.
    { highWaterMark: 0 },
  );
}
