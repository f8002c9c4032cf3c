import type { TokenUsage } from '../record/usage-record.js';

/**
 * Normalizes an Anthropic Messages API `usage` object into burnrate's convention. This is the one
 * place Anthropic's numbers are converted: Anthropic's `input_tokens` EXCLUDES cache reads and cache
 * writes, so burnrate's input = `input_tokens + cache_read_input_tokens + cache_creation_input_tokens`
 * (each counted once); cacheRead = `cache_read_input_tokens`; cacheWrite =
 * `cache_creation_input_tokens`, of which `cacheWrite1h` = `cache_creation.ephemeral_1h_input_tokens`;
 * output = `output_tokens`, which already include extended-thinking tokens; reasoning =
 * `output_tokens_details.thinking_tokens` when the API reports it (a part of output, never added to
 * it), else 0. Returns `undefined` when there is no usage to read.
 */
export function normalizeAnthropicUsage(usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const uncached = count(u['input_tokens']);
  const output = count(u['output_tokens']);
  if (uncached === undefined && output === undefined) return undefined;
  const cacheRead = count(u['cache_read_input_tokens']) ?? 0;
  const split = obj(u['cache_creation']);
  const split5m = count(split?.['ephemeral_5m_input_tokens']);
  const split1h = count(split?.['ephemeral_1h_input_tokens']);
  // Older responses carry only the total; a response with only the split is summed.
  const cacheWrite =
    count(u['cache_creation_input_tokens']) ??
    (split5m !== undefined || split1h !== undefined ? (split5m ?? 0) + (split1h ?? 0) : 0);
  const outTotal = output ?? 0;
  const thinking = count(obj(u['output_tokens_details'])?.['thinking_tokens']) ?? 0;
  const out: TokenUsage = {
    input: (uncached ?? 0) + cacheRead + cacheWrite,
    cacheRead,
    cacheWrite,
    output: outTotal,
    reasoning: Math.min(thinking, outTotal),
  };
  if (split1h !== undefined && split1h > 0) out.cacheWrite1h = Math.min(split1h, cacheWrite);
  return out;
}

/**
 * Merges a streamed usage update into the usage seen so far, as Anthropic defines it: every counter
 * in `message_start` and `message_delta` is a cumulative whole-message total, so a present value
 * replaces the earlier one and nothing is ever added up across events.
 */
export function mergeAnthropicUsage(seen: Record<string, unknown>, update: unknown): Record<string, unknown> {
  if (!update || typeof update !== 'object') return seen;
  const merged = { ...seen };
  for (const [key, value] of Object.entries(update as Record<string, unknown>)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}
