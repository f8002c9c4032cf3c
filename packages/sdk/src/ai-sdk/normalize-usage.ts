import type { TokenUsage } from '../record/usage-record.js';

/**
 * Normalizes the usage of an AI SDK model call into burnrate's convention (input includes cache
 * reads and writes, output includes reasoning). This is the one place the AI SDK's numbers are
 * converted. Two shapes exist:
 * - the v3/v4 model specification (ai 6 and ai 7): `inputTokens: { total, noCache, cacheRead,
 *   cacheWrite }` and `outputTokens: { total, text, reasoning }`, where `total` already includes the
 *   cache parts and the reasoning. When a provider leaves `total` out, it is the sum of its parts; when
 *   the parts add up to more than `total` (a provider whose total left the cache out), the sum wins.
 *   Of the cache writes, those with a 1-hour TTL (`cacheWrite1h`) come from Anthropic's raw usage
 *   (`raw.cache_creation.ephemeral_1h_input_tokens`), the one place the AI SDK keeps them.
 * - the flat v2 shape (ai 5 models): `inputTokens`, `cachedInputTokens`, `outputTokens`,
 *   `reasoningTokens`, where input includes cached input and output includes reasoning.
 * Embedding results carry `{ tokens }`, read as input. Returns `undefined` when there is no usage.
 */
export function normalizeAiSdkUsage(usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const inTokens = u['inputTokens'];
  const outTokens = u['outputTokens'];
  if ((inTokens && typeof inTokens === 'object') || (outTokens && typeof outTokens === 'object')) {
    const out = structured(obj(inTokens), obj(outTokens));
    // The spec has no TTL split of cache writes; Anthropic's raw usage does, and 1-hour writes cost more.
    const oneHour = count(obj(obj(u['raw'])?.['cache_creation'])?.['ephemeral_1h_input_tokens']);
    if (out && oneHour !== undefined && oneHour > 0) out.cacheWrite1h = Math.min(oneHour, out.cacheWrite);
    return out;
  }
  const flatIn = count(inTokens);
  const flatOut = count(outTokens);
  if (flatIn !== undefined || flatOut !== undefined) {
    const input = flatIn ?? 0;
    const output = flatOut ?? 0;
    return {
      input,
      cacheRead: Math.min(count(u['cachedInputTokens']) ?? 0, input),
      cacheWrite: 0,
      output,
      reasoning: Math.min(count(u['reasoningTokens']) ?? 0, output),
    };
  }
  const tokens = count(u['tokens']);
  if (tokens === undefined) return undefined;
  return { input: tokens, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
}

function structured(
  i: Record<string, unknown> | undefined,
  o: Record<string, unknown> | undefined,
): TokenUsage | undefined {
  const inTotal = count(i?.['total']);
  const noCache = count(i?.['noCache']);
  const cacheRead = count(i?.['cacheRead']) ?? 0;
  const cacheWrite = count(i?.['cacheWrite']) ?? 0;
  const outTotal = count(o?.['total']);
  const text = count(o?.['text']);
  const reasoning = count(o?.['reasoning']) ?? 0;
  if (inTotal === undefined && noCache === undefined && outTotal === undefined && text === undefined) {
    return undefined;
  }
  const inParts = noCache === undefined ? undefined : noCache + cacheRead + cacheWrite;
  const outParts = text === undefined ? undefined : text + reasoning;
  const input = Math.max(inTotal ?? 0, inParts ?? 0);
  const output = Math.max(outTotal ?? 0, outParts ?? 0);
  // Parts never exceed the whole: a cache count above the input is a provider bug, capped.
  const read = Math.min(cacheRead, input);
  return {
    input,
    cacheRead: read,
    cacheWrite: Math.min(cacheWrite, input - read),
    output,
    reasoning: Math.min(reasoning, output),
  };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}
