import { safely } from '../safe.js';
import type { CallEnd } from '../wrap/call-observer.js';
import {
  type AiSdkCallParamsLike,
  type AiSdkMiddlewareOptions,
  type AiSdkModelLike,
  beginModelCall,
  checkMiddlewareOptions,
} from './model-call.js';
import { normalizeAiSdkUsage } from './normalize-usage.js';

/** Options of {@link burnrateEmbeddingMiddleware}. */
export type BurnrateEmbeddingMiddlewareOptions = AiSdkMiddlewareOptions;

/**
 * An embedding-model middleware for `wrapEmbeddingModel` of `ai` 6 (specification v3) and `ai` 7
 * (v4); generic over the result, so one object type-checks against both majors.
 */
export interface BurnrateEmbeddingModelMiddleware {
  readonly specificationVersion: 'v3';
  /** Records one `doEmbed` call (`embedMany` makes one per chunk of values). */
  wrapEmbed<R>(options: {
    doEmbed: () => PromiseLike<R>;
    params: AiSdkCallParamsLike;
    model: AiSdkModelLike;
  }): Promise<R>;
}

/**
 * Meters every call of an AI SDK embedding model (`embed`, `embedMany`): one usage record per
 * provider call, its `usage.tokens` as input tokens, operation `embeddings`. Results and errors
 * are the caller's as without it; telemetry failures never reach the caller. Wrapped twice for one
 * recorder, a call is recorded once, by the inner middleware.
 *
 * @example
 * const model = wrapEmbeddingModel({ model: openai.embedding('text-embedding-3-small'), middleware: burnrateEmbeddingMiddleware({ recorder }) });
 */
export function burnrateEmbeddingMiddleware(
  options: BurnrateEmbeddingMiddlewareOptions,
): BurnrateEmbeddingModelMiddleware {
  checkMiddlewareOptions('burnrateEmbeddingMiddleware', options);
  return {
    specificationVersion: 'v3',
    async wrapEmbed({ doEmbed, params, model }) {
      const call = beginModelCall(options, model, params, 'embeddings', false);
      if (!call) return doEmbed();
      let result: Awaited<ReturnType<typeof doEmbed>>;
      try {
        result = await call.layer.run(doEmbed);
      } catch (err) {
        call.fail(err, false);
        throw err;
      }
      call.finish(safely('reading an AI SDK embedding', () => embedEnd(result)) ?? {});
      return result;
    },
  };
}

function embedEnd(result: unknown): CallEnd {
  const usage = normalizeAiSdkUsage((result as { usage?: unknown } | undefined)?.usage);
  return usage ? { usage } : {};
}
