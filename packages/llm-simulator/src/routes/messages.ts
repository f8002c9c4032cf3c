/**
 * `POST /v1/messages`: Anthropic's Messages API, non-streaming and streaming (`message_start`,
 * `content_block_start` / `ping` / `content_block_delta` / `content_block_stop`, `message_delta` with
 * the final usage, `message_stop`), with explicit prompt caching (see `anthropic-prompt.ts`).
 *
 * Output rule: the seeded length of chat completions (16–64 tokens, a function of model and prompt),
 * capped at the required `max_tokens` (then `stop_reason: 'max_tokens'`, else `'end_turn'`). With
 * `thinking: { type: 'enabled' | 'adaptive' }`, `floor(output / 2)` of the output tokens are thinking
 * tokens (inside `output_tokens`, as Anthropic counts them, and reported as
 * `output_tokens_details.thinking_tokens`), shown as a `thinking` block with empty text.
 */
import { encodeAnthropicPrompt } from '../anthropic-prompt.js';
import { type RequestScope, type SimulatorContext, sendStreamBody, sendUsageBody } from '../context.js';
import { chunkPieces, type OutputPlan, planOutput } from '../generation.js';
import { invalidRequest, isRecord } from '../http.js';
import type { Usage } from '../ledger.js';
import { anthropicResponseModel } from '../models.js';
import { eventFrame, type Frame } from '../sse.js';

/** Signature on every simulated `thinking` block. */
export const THINKING_SIGNATURE = 'burnrate-sim-signature';

/** What one Messages API call used, split the way Anthropic reports it. */
export interface AnthropicUsageParts {
  usage: Usage;
  /** Of `usage.cache_write`: tokens written with a 5-minute TTL. */
  written5m: number;
  /** Of `usage.cache_write`: tokens written with a 1-hour TTL. */
  written1h: number;
}

/**
 * The Messages API `usage` object: `input_tokens` excludes cache reads and writes (the ledger's
 * `input` includes them).
 */
export function anthropicUsage(
  parts: AnthropicUsageParts,
  outputTokens = parts.usage.output,
): Record<string, unknown> {
  const { usage } = parts;
  return {
    input_tokens: usage.input - usage.cached_input - usage.cache_write,
    cache_creation_input_tokens: usage.cache_write,
    cache_read_input_tokens: usage.cached_input,
    cache_creation: {
      ephemeral_5m_input_tokens: parts.written5m,
      ephemeral_1h_input_tokens: parts.written1h,
    },
    output_tokens: outputTokens,
    output_tokens_details: usage.reasoning > 0 ? { thinking_tokens: usage.reasoning } : null,
    server_tool_use: null,
    service_tier: 'standard',
  };
}

/**
 * The `message_delta` usage: cumulative totals for the whole message (no `cache_creation` split and
 * no `service_tier`, which only `message_start` carries).
 */
export function messageDeltaUsage(parts: AnthropicUsageParts): Record<string, unknown> {
  const { cache_creation: _split, service_tier: _tier, ...rest } = anthropicUsage(parts);
  return rest;
}

function readMaxTokens(body: Record<string, unknown>): number {
  const value = body['max_tokens'];
  if (value === undefined || value === null) throw invalidRequest('max_tokens: Field required');
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidRequest('max_tokens: Input should be an integer greater than or equal to 1');
  }
  return value;
}

function thinkingEnabled(body: Record<string, unknown>): boolean {
  const thinking = body['thinking'];
  return isRecord(thinking) && (thinking['type'] === 'enabled' || thinking['type'] === 'adaptive');
}

/** Serves one Messages API request. */
export async function handleMessages(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const { body, model } = scope;
  const maxTokens = readMaxTokens(body);
  const prompt = encodeAnthropicPrompt(body);
  const stream = body['stream'] === true;
  const thinking = thinkingEnabled(body);
  const cache = ctx.anthropicCache.apply(model, prompt);

  const natural = planOutput({
    model,
    promptTokens: prompt.tokens,
    maxTokens: undefined,
    reasoning: thinking,
  });
  const capped = natural.outputTokens > maxTokens;
  const plan: OutputPlan = capped
    ? planOutput({ model, promptTokens: prompt.tokens, maxTokens, reasoning: thinking })
    : natural;
  const stopReason = capped ? 'max_tokens' : 'end_turn';
  const parts: AnthropicUsageParts = {
    usage: {
      input: prompt.tokens.length,
      cached_input: cache.read,
      cache_write: cache.written5m + cache.written1h,
      output: plan.outputTokens,
      reasoning: plan.reasoningTokens,
      embeddings: 0,
    },
    written5m: cache.written5m,
    written1h: cache.written1h,
  };
  const message = (content: unknown[], usage: Record<string, unknown>, stop: string | null) => ({
    id: ctx.nextId('msg_'),
    type: 'message',
    role: 'assistant',
    model: anthropicResponseModel(model),
    content,
    stop_reason: stop,
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage,
  });
  const thinkingBlock = { type: 'thinking', thinking: '', signature: THINKING_SIGNATURE };
  const textBlock = { type: 'text', text: plan.text, citations: null };

  if (!stream) {
    const content = thinking ? [thinkingBlock, textBlock] : [textBlock];
    await sendUsageBody(ctx, scope, message(content, anthropicUsage(parts), stopReason), parts.usage);
    return;
  }

  const frames: Frame[] = [];
  const emit = (type: string, fields: Record<string, unknown>, carriesUsage = false): void => {
    frames.push({ text: eventFrame(type, { type, ...fields }), usage: carriesUsage });
  };
  // Like Anthropic: message_start carries the input usage and a provisional output count of 1;
  // message_delta carries the final, cumulative usage.
  emit('message_start', {
    message: message([], anthropicUsage(parts, Math.min(1, plan.outputTokens)), null),
  });
  let index = 0;
  if (thinking) {
    emit('content_block_start', { index, content_block: { ...thinkingBlock, signature: '' } });
    emit('content_block_delta', { index, delta: { type: 'signature_delta', signature: THINKING_SIGNATURE } });
    emit('content_block_stop', { index });
    index += 1;
  }
  emit('content_block_start', { index, content_block: { type: 'text', text: '', citations: null } });
  emit('ping', {});
  for (const text of chunkPieces(plan.pieces)) {
    emit('content_block_delta', { index, delta: { type: 'text_delta', text } });
  }
  emit('content_block_stop', { index });
  emit(
    'message_delta',
    {
      delta: { stop_reason: stopReason, stop_sequence: null, stop_details: null, container: null },
      usage: messageDeltaUsage(parts),
    },
    true,
  );
  emit('message_stop', {});
  await sendStreamBody(ctx, scope, frames, parts.usage);
}
