/** `POST /v1/embeddings`. */
import { type RequestScope, type SimulatorContext, sendUsageBody } from '../context.js';
import { fnv1a, mulberry32 } from '../hash.js';
import { invalidRequest, optionalPositiveInt } from '../http.js';
import type { Usage } from '../ledger.js';
import { embeddingInputTokens } from '../tokenizer.js';
import { isMistralModel } from './mistral-fim.js';

/** Vector length when the request gives no `dimensions`. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/**
 * A deterministic unit vector for one input item: a pure function of model, item and dimensions.
 */
export function embeddingVector(model: string, item: unknown, dimensions: number): number[] {
  const random = mulberry32(fnv1a(`${model}\u0000${JSON.stringify(item)}`));
  const raw = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, x) => sum + x * x, 0)) || 1;
  return raw.map((x) => Math.fround(x / norm));
}

function toBase64(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Serves one embeddings request (`encoding_format` `float`, the API default, or `base64`). */
export async function handleEmbeddings(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const { body, model } = scope;
  const input = body['input'];
  const counts = embeddingInputTokens(input);
  if (counts === undefined) {
    throw invalidRequest(
      "Invalid 'input': expected a string, an array of strings, an array of integers or an array of integer arrays.",
      'input',
    );
  }
  const dimensions = optionalPositiveInt(body, 'dimensions') ?? DEFAULT_EMBEDDING_DIMENSIONS;
  const format = body['encoding_format'] ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw invalidRequest("Invalid 'encoding_format': expected 'float' or 'base64'.", 'encoding_format');
  }
  const items: unknown[] =
    typeof input === 'string' || (Array.isArray(input) && input.every((x) => typeof x === 'number'))
      ? [input]
      : (input as unknown[]);
  const total = counts.reduce((a, b) => a + b, 0);
  const usage: Usage = {
    input: total,
    cached_input: 0,
    cache_write: 0,
    output: 0,
    reasoning: 0,
    embeddings: total,
  };
  const payload = {
    // Mistral's client requires an id on embeddings responses; OpenAI's sends none.
    ...(isMistralModel(model) ? { id: ctx.nextId('embd-') } : {}),
    object: 'list',
    data: items.map((item, index) => {
      const vector = embeddingVector(model, item, dimensions);
      return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector };
    }),
    model,
    usage: { prompt_tokens: total, total_tokens: total },
  };
  await sendUsageBody(ctx, scope, payload, usage);
}
