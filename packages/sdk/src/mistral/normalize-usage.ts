import type { TokenUsage } from '../record/usage-record.js';

/**
 * Normalizes a Mistral `usage` object — as the `@mistralai/mistralai` client parses it
 * (`promptTokens`, `completionTokens`) or as the API sends it (`prompt_tokens`, `completion_tokens`)
 * — into burnrate's convention. This is the one place Mistral's numbers are converted: input =
 * prompt tokens (which include cached ones); cacheRead = `prompt_tokens_details.cached_tokens` when
 * the API reports it, else 0; output = completion tokens (Mistral reports no reasoning split, so
 * reasoning is 0). Returns `undefined` when there is no usage to read.
 */
export function normalizeMistralUsage(usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const prompt = count(u['promptTokens']) ?? count(u['prompt_tokens']);
  const completion = count(u['completionTokens']) ?? count(u['completion_tokens']);
  if (prompt === undefined && completion === undefined) return undefined;
  const details = (u['promptTokensDetails'] ?? u['prompt_tokens_details']) as
    | Record<string, unknown>
    | undefined;
  const cached =
    details && typeof details === 'object'
      ? (count(details['cachedTokens']) ?? count(details['cached_tokens']))
      : undefined;
  const input = prompt ?? 0;
  return {
    input,
    cacheRead: Math.min(cached ?? 0, input),
    cacheWrite: 0,
    output: completion ?? 0,
    reasoning: 0,
  };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}
