import { mergeAnthropicUsage, normalizeAnthropicUsage } from '../anthropic/normalize-usage.js';
import type { TokenUsage } from '../record/usage-record.js';

/**
 * Normalizes Bedrock's Converse `usage` (also ConverseStream's `metadata.usage`, and Amazon Nova's
 * InvokeModel `usage`, whose cache fields end in `Count`) into burnrate's convention. This is the one
 * place Bedrock's numbers are converted: Bedrock's `inputTokens` EXCLUDES cache reads and cache
 * writes, so burnrate's input = `inputTokens + cacheReadInputTokens + cacheWriteInputTokens`;
 * output = `outputTokens`; reasoning 0 (Bedrock reports none apart). `totalTokens` is not read.
 * Returns `undefined` when there is no usage to read.
 */
export function normalizeBedrockUsage(usage: unknown): TokenUsage | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  const uncached = count(u['inputTokens']);
  const output = count(u['outputTokens']);
  if (uncached === undefined && output === undefined) return undefined;
  const cacheRead = count(u['cacheReadInputTokens']) ?? count(u['cacheReadInputTokenCount']) ?? 0;
  const cacheWrite = count(u['cacheWriteInputTokens']) ?? count(u['cacheWriteInputTokenCount']) ?? 0;
  return {
    input: (uncached ?? 0) + cacheRead + cacheWrite,
    cacheRead,
    cacheWrite,
    output: output ?? 0,
    reasoning: 0,
  };
}

/**
 * Normalizes the `amazon-bedrock-invocationMetrics` of an InvokeModelWithResponseStream's last
 * chunk: `inputTokenCount` leaves cache reads and writes out (`cacheReadInputTokenCount`,
 * `cacheWriteInputTokenCount`), as every Bedrock count does.
 */
export function normalizeInvocationMetrics(metrics: unknown): TokenUsage | undefined {
  const m = obj(metrics);
  if (!m) return undefined;
  return normalizeBedrockUsage({
    inputTokens: m['inputTokenCount'],
    outputTokens: m['outputTokenCount'],
    cacheReadInputTokens: m['cacheReadInputTokenCount'],
    cacheWriteInputTokens: m['cacheWriteInputTokenCount'],
  });
}

/**
 * Reads the usage of an InvokeModel response body, by the fields each model family reports:
 * Anthropic (`usage.input_tokens`…, see {@link normalizeAnthropicUsage}), Amazon Nova
 * (`usage.inputTokens`…), Meta Llama (`prompt_token_count`, `generation_token_count`) and Amazon
 * Titan text (`inputTextTokenCount`, the sum of `results[].tokenCount`). Undefined for any other body.
 */
export function normalizeInvokeBody(body: unknown): TokenUsage | undefined {
  const b = obj(body);
  if (!b) return undefined;
  const usage = obj(b['usage']);
  if (usage && ('input_tokens' in usage || 'output_tokens' in usage)) return normalizeAnthropicUsage(usage);
  if (usage && ('inputTokens' in usage || 'outputTokens' in usage)) return normalizeBedrockUsage(usage);
  const prompt = count(b['prompt_token_count']);
  const generation = count(b['generation_token_count']);
  if (prompt !== undefined || generation !== undefined) return plain(prompt ?? 0, generation ?? 0);
  const titanInput = count(b['inputTextTokenCount']);
  if (titanInput !== undefined) {
    const results = Array.isArray(b['results']) ? b['results'] : [];
    const output = results.reduce((sum: number, r: unknown) => sum + (count(obj(r)?.['tokenCount']) ?? 0), 0);
    return plain(titanInput, output);
  }
  return undefined;
}

/**
 * Reads InvokeModel's `X-Amzn-Bedrock-*-Token-Count` response headers (lower-case keys), used when
 * the body is in no format burnrate knows. The input count leaves cache reads and writes out.
 */
export function normalizeTokenCountHeaders(headers: unknown): TokenUsage | undefined {
  const h = obj(headers);
  if (!h) return undefined;
  const num = (name: string): number | undefined => {
    const v = h[name];
    return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  return normalizeBedrockUsage({
    inputTokens: num('x-amzn-bedrock-input-token-count'),
    outputTokens: num('x-amzn-bedrock-output-token-count'),
    cacheReadInputTokens: num('x-amzn-bedrock-cache-read-input-token-count'),
    cacheWriteInputTokens: num('x-amzn-bedrock-cache-write-input-token-count'),
  });
}

/** What a stream of InvokeModel chunks has said about usage so far. */
export interface InvokeStreamUsage {
  /** The final count, once a chunk carried it. */
  usage?: TokenUsage | undefined;
  /** A count that is not final (Anthropic's `message_start`: exact input, provisional output). */
  partial?: TokenUsage | undefined;
}

/**
 * Makes a reader of decoded InvokeModelWithResponseStream chunks (one JSON event each) that keeps
 * the usage they carry: Anthropic's `message_start`/`message_delta` (merged as cumulative totals),
 * Nova's `metadata.usage`, Llama's `prompt_token_count` and cumulative `generation_token_count` (final
 * with `stop_reason`), Titan's `inputTextTokenCount` and `totalOutputTextTokenCount` (final with
 * `completionReason`), and, when none of those gave a final count, the last chunk's
 * `amazon-bedrock-invocationMetrics`.
 */
export function invokeStreamReader(): (event: unknown, into: InvokeStreamUsage) => void {
  let anthropic: Record<string, unknown> = {};
  let input: number | undefined;
  let output: number | undefined;
  let familyFinal = false;
  return (event, into) => {
    const e = obj(event);
    if (!e) return;
    if (e['type'] === 'message_start') {
      anthropic = mergeAnthropicUsage(anthropic, obj(e['message'])?.['usage']);
      into.partial = normalizeAnthropicUsage(anthropic);
    } else if (e['type'] === 'message_delta') {
      anthropic = mergeAnthropicUsage(anthropic, e['usage']);
      into.usage = normalizeAnthropicUsage(anthropic);
      familyFinal = into.usage !== undefined;
    } else if (obj(e['metadata'])?.['usage'] !== undefined) {
      into.usage = normalizeBedrockUsage(obj(e['metadata'])?.['usage']);
      familyFinal = into.usage !== undefined;
    } else {
      input = count(e['prompt_token_count']) ?? count(e['inputTextTokenCount']) ?? input;
      output = count(e['generation_token_count']) ?? count(e['totalOutputTextTokenCount']) ?? output;
      const stop = e['stop_reason'] ?? e['completionReason'];
      if (stop !== undefined && stop !== null && (input !== undefined || output !== undefined)) {
        into.usage = plain(input ?? 0, output ?? 0);
        familyFinal = true;
      }
    }
    if (!familyFinal) {
      const metrics = normalizeInvocationMetrics(e['amazon-bedrock-invocationMetrics']);
      if (metrics) into.usage = metrics;
    }
  };
}

function plain(input: number, output: number): TokenUsage {
  return { input, cacheRead: 0, cacheWrite: 0, output, reasoning: 0 };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}
