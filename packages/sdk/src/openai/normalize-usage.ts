import type { TokenUsage } from '../record/usage-record.js';

/**
 * Normalizes an OpenAI-style usage object — Chat Completions (`prompt_tokens`...), Responses
 * (`input_tokens`...) or Embeddings — into burnrate's convention: input includes cached input,
 * output includes reasoning (both already true of OpenAI's numbers, so nothing is added twice).
 * Returns `undefined` when there is no usage to read.
 */
export function normalizeOpenAIUsage(usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const input = count(u['prompt_tokens'] ?? u['input_tokens']);
  const output = count(u['completion_tokens'] ?? u['output_tokens']);
  if (input === undefined && output === undefined) return undefined;
  const inDetails = obj(u['prompt_tokens_details'] ?? u['input_tokens_details']);
  const outDetails = obj(u['completion_tokens_details'] ?? u['output_tokens_details']);
  const inTotal = input ?? 0;
  const outTotal = output ?? 0;
  // DeepSeek-compatible servers report cache hits as `prompt_cache_hit_tokens`.
  const cacheRead = count(inDetails?.['cached_tokens'] ?? u['prompt_cache_hit_tokens']) ?? 0;
  const cacheWrite = count(inDetails?.['cache_write_tokens'] ?? inDetails?.['cache_creation_tokens']) ?? 0;
  const reasoning = count(outDetails?.['reasoning_tokens']) ?? 0;
  return {
    input: inTotal,
    // A server that reports more cached than total input is wrong; never let parts exceed the whole.
    cacheRead: Math.min(cacheRead, inTotal),
    cacheWrite: Math.min(cacheWrite, inTotal - Math.min(cacheRead, inTotal)),
    output: outTotal,
    reasoning: Math.min(reasoning, outTotal),
  };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}
