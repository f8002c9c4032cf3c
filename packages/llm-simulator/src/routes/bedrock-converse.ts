/**
 * Bedrock's Converse API: `POST /model/{modelId}/converse` (JSON) and `/converse-stream` (the AWS
 * event stream: `messageStart`, `contentBlockDelta`…, `contentBlockStop`, `messageStop`, then
 * `metadata` with the usage and `metrics.latencyMs`).
 *
 * Token and cache rule: the Converse prompt (`toolConfig.tools`, `system`, `messages`) is counted
 * with the Messages API recipe (see `anthropic-prompt.ts`), each `{ cachePoint }` block a cache
 * breakpoint at the end of the block before it (`cachePoint.ttl` `5m` or `1h`, default 5 minutes),
 * so the same prompt costs the same on `/v1/messages`, Converse and InvokeModel. Output: the
 * seeded length, capped at `inferenceConfig.maxTokens` (then `stopReason: 'max_tokens'`).
 *
 * Usage as Bedrock reports it: `inputTokens` leaves cache reads and writes out
 * (`cacheReadInputTokens`, `cacheWriteInputTokens`); `totalTokens` counts all of them plus output.
 * The ledger's `input` includes them.
 */
import { encodeAnthropicPrompt } from '../anthropic-prompt.js';
import type { RequestScope, SimulatorContext } from '../context.js';
import { chunkPieces, type OutputPlan } from '../generation.js';
import { invalidRequest, isRecord } from '../http.js';
import type { Usage } from '../ledger.js';
import {
  bedrockHeaders,
  optionalLimit,
  planCapped,
  recordBedrock,
  sendBedrockJson,
} from './bedrock-common.js';
import { type BinaryFrame, jsonEvent, sendEventStream } from './bedrock-event-stream.js';

/** One Converse (or Nova messages-v1) call, computed: the ledger usage and the reply. */
export interface ConverseCall {
  usage: Usage;
  plan: OutputPlan;
  stopReason: 'end_turn' | 'max_tokens';
}

/** Moves a `cachePoint` onto the block before it, as an Anthropic `cache_control` mark. */
function convertBlocks(blocks: unknown, where: string): Record<string, unknown>[] {
  if (!Array.isArray(blocks)) throw invalidRequest(`${where}: expected an array of content blocks.`);
  const out: Record<string, unknown>[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) throw invalidRequest(`${where}: every content block must be an object.`);
    const point = block['cachePoint'];
    if (isRecord(point)) {
      const last = out[out.length - 1];
      const ttl = point['ttl'] === '1h' ? '1h' : '5m';
      if (last !== undefined) last['cache_control'] = { type: 'ephemeral', ttl };
      continue;
    }
    if (typeof block['text'] === 'string') out.push({ type: 'text', text: block['text'] });
    else if (isRecord(block['image'])) out.push({ type: 'image' });
    else if (isRecord(block['document'])) out.push({ type: 'document' });
    else out.push({ ...block });
  }
  return out;
}

/**
 * The Messages API body that counts like a Converse (or Nova `messages-v1`) body: the same blocks,
 * `cachePoint`s as `cache_control` marks, tool specs as tools.
 */
export function converseAsMessagesBody(body: Record<string, unknown>): Record<string, unknown> {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidRequest('messages: expected a non-empty array of messages.', 'messages');
  }
  const out: Record<string, unknown> = {
    messages: messages.map((m, i) => {
      if (!isRecord(m) || typeof m['role'] !== 'string') {
        throw invalidRequest(`messages.${i}: expected an object with a 'role' and 'content'.`);
      }
      return { role: m['role'], content: convertBlocks(m['content'], `messages.${i}.content`) };
    }),
  };
  if (body['system'] !== undefined) out['system'] = convertBlocks(body['system'], 'system');
  const toolConfig = body['toolConfig'];
  if (isRecord(toolConfig) && Array.isArray(toolConfig['tools']) && toolConfig['tools'].length > 0) {
    const tools = convertBlocks(toolConfig['tools'], 'toolConfig.tools');
    out['tools'] = tools.map((t) => (isRecord(t['toolSpec']) ? { ...t['toolSpec'], ...cacheOf(t) } : t));
  }
  return out;
}

function cacheOf(block: Record<string, unknown>): Record<string, unknown> {
  return block['cache_control'] === undefined ? {} : { cache_control: block['cache_control'] };
}

/** Counts a Converse-shaped prompt, applies the prompt cache and plans the reply. */
export function planConverse(
  ctx: SimulatorContext,
  model: string,
  body: Record<string, unknown>,
  maxTokens: number | undefined,
): ConverseCall {
  const prompt = encodeAnthropicPrompt(converseAsMessagesBody(body));
  const cache = ctx.anthropicCache.apply(model, prompt);
  const { plan, capped } = planCapped(model, prompt.tokens, maxTokens);
  return {
    usage: {
      input: prompt.tokens.length,
      cached_input: cache.read,
      cache_write: cache.written5m + cache.written1h,
      output: plan.outputTokens,
      reasoning: 0,
      embeddings: 0,
    },
    plan,
    stopReason: capped ? 'max_tokens' : 'end_turn',
  };
}

/** Converse's `usage`: `inputTokens` without cache reads and writes, which have their own fields. */
export function converseUsage(usage: Usage): Record<string, number> {
  return {
    inputTokens: usage.input - usage.cached_input - usage.cache_write,
    outputTokens: usage.output,
    totalTokens: usage.input + usage.output,
    cacheReadInputTokens: usage.cached_input,
    cacheWriteInputTokens: usage.cache_write,
  };
}

function converseMaxTokens(body: Record<string, unknown>): number | undefined {
  const config = body['inferenceConfig'];
  return isRecord(config) ? optionalLimit(config['maxTokens'], 'inferenceConfig.maxTokens') : undefined;
}

/** The `metrics.latencyMs` reported: the configured delay before the reply (0 without one). */
function latencyMs(ctx: SimulatorContext, scope: RequestScope): number {
  return scope.faults.slowFirstChunkMs ?? ctx.latency.firstChunkMs;
}

/** Serves `POST /model/{modelId}/converse`. */
export async function handleConverse(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const call = planConverse(ctx, scope.model, scope.body, converseMaxTokens(scope.body));
  const payload = {
    output: { message: { role: 'assistant', content: [{ text: call.plan.text }] } },
    stopReason: call.stopReason,
    usage: converseUsage(call.usage),
    metrics: { latencyMs: latencyMs(ctx, scope) },
  };
  await sendBedrockJson(ctx, scope, payload, call.usage);
}

/** Serves `POST /model/{modelId}/converse-stream`. */
export async function handleConverseStream(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const call = planConverse(ctx, scope.model, scope.body, converseMaxTokens(scope.body));
  const frames: BinaryFrame[] = [{ bytes: jsonEvent('messageStart', { role: 'assistant' }) }];
  for (const text of chunkPieces(call.plan.pieces)) {
    frames.push({ bytes: jsonEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }) });
  }
  frames.push({ bytes: jsonEvent('contentBlockStop', { contentBlockIndex: 0 }) });
  frames.push({ bytes: jsonEvent('messageStop', { stopReason: call.stopReason }) });
  frames.push({
    bytes: jsonEvent('metadata', {
      usage: converseUsage(call.usage),
      metrics: { latencyMs: latencyMs(ctx, scope) },
    }),
    usage: true,
  });
  const result = await sendEventStream(ctx, scope.res, bedrockHeaders(scope.requestId), frames, {
    firstChunkMs: latencyMs(ctx, scope),
    cutoff: scope.faults.cutoff,
  });
  recordBedrock(ctx, scope, true, call.usage, result.outcome, result.usageReported);
}
