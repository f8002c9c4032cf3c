import type { TokenUsage } from '../record/usage-record.js';

/**
 * Normalizes a Gemini `usageMetadata` object (Gemini API and Vertex AI alike) into burnrate's
 * convention. This is the one place Gemini's numbers are converted:
 * input = `promptTokenCount` (which already includes `cachedContentTokenCount`) +
 * `toolUsePromptTokenCount` (the prompt of built-in tools such as Google Search, billed as input);
 * cacheRead = `cachedContentTokenCount`; output = `candidatesTokenCount` + `thoughtsTokenCount`
 * (Gemini counts thoughts apart from candidates, both billed as output); reasoning =
 * `thoughtsTokenCount`. Gemini has no cache-write count (explicit caches are paid for by storage, not
 * per call). Returns `undefined` when there is no usage to read.
 */
export function normalizeGeminiUsage(usageMetadata: unknown): TokenUsage | undefined {
  if (!usageMetadata || typeof usageMetadata !== 'object') return undefined;
  const u = usageMetadata as Record<string, unknown>;
  const prompt = count(u['promptTokenCount']);
  const candidates = count(u['candidatesTokenCount']);
  const thoughts = count(u['thoughtsTokenCount']) ?? 0;
  const toolUse = count(u['toolUsePromptTokenCount']) ?? 0;
  if (prompt === undefined && candidates === undefined && thoughts === 0 && toolUse === 0) return undefined;
  const input = (prompt ?? 0) + toolUse;
  const output = (candidates ?? 0) + thoughts;
  return {
    input,
    cacheRead: Math.min(count(u['cachedContentTokenCount']) ?? 0, input),
    cacheWrite: 0,
    output,
    reasoning: thoughts,
  };
}

/**
 * The input tokens of an `embedContent` response: the sum of `embeddings[].statistics.tokenCount`
 * (what Vertex AI reports, and what the client makes of the `usageMetadata` of Vertex AI's
 * `embedContent`), or a `usageMetadata.promptTokenCount` on the response. The Gemini API's
 * `batchEmbedContents` reports neither through the `@google/genai` client, so such calls return
 * `undefined` (usage missing), never a guess.
 */
export function normalizeGeminiEmbeddingUsage(response: unknown): TokenUsage | undefined {
  if (!response || typeof response !== 'object') return undefined;
  const r = response as { embeddings?: unknown; usageMetadata?: unknown };
  let total: number | undefined;
  if (Array.isArray(r.embeddings)) {
    for (const e of r.embeddings) {
      const n = count((e as { statistics?: { tokenCount?: unknown } } | null)?.statistics?.tokenCount);
      if (n !== undefined) total = (total ?? 0) + n;
    }
  }
  total ??= count((r.usageMetadata as { promptTokenCount?: unknown } | undefined)?.promptTokenCount);
  if (total === undefined) return undefined;
  return { input: total, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}
