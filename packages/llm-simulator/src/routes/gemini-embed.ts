/**
 * Gemini's embeddings: `POST …/models/{model}:embedContent` (one content; what Vertex AI's
 * `embedContent` calls for Gemini models) and `:batchEmbedContents` (`requests[]`, what the
 * `@google/genai` client's `embedContent` calls on the Gemini API).
 *
 * Token rule: each content counts the o200k_base tokens of its text parts (other parts: of their
 * JSON). Responses carry `usageMetadata` (`promptTokenCount`, `totalTokenCount`) beside the vectors.
 * On the Gemini API the `@google/genai` client drops that object from a batch response (its
 * response type has only `embeddings` and `metadata`), so a client meter sees no usage there; Vertex
 * AI's `embedContent` response turns it into `embeddings[0].statistics.tokenCount`.
 */
import { type RequestScope, type SimulatorContext, sendUsageBody } from '../context.js';
import { invalidRequest, isRecord } from '../http.js';
import type { Usage } from '../ledger.js';
import { countTextTokens } from '../tokenizer.js';
import { DEFAULT_EMBEDDING_DIMENSIONS, embeddingVector } from './embeddings.js';

function contentTokens(content: unknown, where: string): number {
  if (typeof content === 'string') return countTextTokens(content);
  const parts = isRecord(content) ? content['parts'] : undefined;
  if (!Array.isArray(parts)) throw invalidRequest(`Invalid value at '${where}': expected a Content object.`);
  let n = 0;
  for (const part of parts) {
    n += countTextTokens(
      isRecord(part) && typeof part['text'] === 'string' ? part['text'] : JSON.stringify(part),
    );
  }
  return n;
}

function dimensionsOf(request: Record<string, unknown>): number {
  const d = request['outputDimensionality'] ?? request['output_dimensionality'];
  return typeof d === 'number' && Number.isInteger(d) && d >= 1 ? d : DEFAULT_EMBEDDING_DIMENSIONS;
}

function embeddingUsage(total: number): Usage {
  return { input: total, cached_input: 0, cache_write: 0, output: 0, reasoning: 0, embeddings: total };
}

function usageMetadata(total: number): Record<string, unknown> {
  return {
    promptTokenCount: total,
    totalTokenCount: total,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }],
  };
}

/** `POST …/models/{model}:embedContent`: `{ content }` → `{ embedding: { values }, usageMetadata }`. */
export async function handleGeminiEmbed(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const { body, model } = scope;
  const total = contentTokens(body['content'], 'content');
  const payload = {
    embedding: { values: embeddingVector(model, body['content'], dimensionsOf(body)) },
    usageMetadata: usageMetadata(total),
  };
  await sendUsageBody(ctx, scope, payload, embeddingUsage(total));
}

/**
 * `POST …/models/{model}:batchEmbedContents`: `{ requests: [{ model, content }] }` →
 * `{ embeddings: [{ values }], usageMetadata }`, one vector per request, in order.
 */
export async function handleGeminiBatchEmbed(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const { body, model } = scope;
  const requests = body['requests'];
  if (!Array.isArray(requests) || requests.length === 0) {
    throw invalidRequest("Invalid value at 'requests': expected a non-empty list.");
  }
  let total = 0;
  const embeddings = requests.map((request, i) => {
    if (!isRecord(request)) throw invalidRequest(`Invalid value at 'requests[${i}]'.`);
    total += contentTokens(request['content'], `requests[${i}].content`);
    return { values: embeddingVector(model, request['content'], dimensionsOf(request)) };
  });
  await sendUsageBody(ctx, scope, { embeddings, usageMetadata: usageMetadata(total) }, embeddingUsage(total));
}
