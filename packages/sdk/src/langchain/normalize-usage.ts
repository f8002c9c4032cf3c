import type { TokenUsage } from '../record/usage-record.js';

/**
 * Normalizes a LangChain `usage_metadata` object into burnrate's convention. LangChain's own
 * contract already matches it: `input_tokens` is the "sum of all input token types" (cache reads
 * and cache creation included — @langchain/openai passes `prompt_tokens` through, and
 * @langchain/anthropic adds Anthropic's cache reads and writes back in) and `output_tokens` includes
 * reasoning. So input = `input_tokens`, cacheRead = `input_token_details.cache_read`, cacheWrite =
 * `input_token_details.cache_creation`, output = `output_tokens`, reasoning =
 * `output_token_details.reasoning`. An integration whose `input_tokens` plainly left the cache out
 * (its cache details alone exceed it) gets them added back, so cached input is never lost.
 * Returns `undefined` when there is no usage to read.
 */
export function normalizeLangChainUsage(usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const inTotal = count(u['input_tokens']);
  const outTotal = count(u['output_tokens']);
  if (inTotal === undefined && outTotal === undefined) return undefined;
  const inDetails = obj(u['input_token_details']);
  const outDetails = obj(u['output_token_details']);
  const cacheRead = count(inDetails?.['cache_read']) ?? 0;
  const cacheWrite = count(inDetails?.['cache_creation']) ?? 0;
  const cached = cacheRead + cacheWrite;
  const input = inTotal === undefined ? cached : cached > inTotal ? inTotal + cached : inTotal;
  const output = outTotal ?? 0;
  return {
    input,
    cacheRead,
    cacheWrite,
    output,
    reasoning: Math.min(count(outDetails?.['reasoning']) ?? 0, output),
  };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}
