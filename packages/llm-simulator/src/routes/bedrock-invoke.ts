/**
 * Bedrock's InvokeModel API: `POST /model/{modelId}/invoke` (the model's own JSON body) and
 * `/invoke-with-response-stream` (the AWS event stream of `chunk` events, each `{ bytes }` with the
 * base64 of one JSON event of the model's own stream). The family is read from the model id's
 * provider (`anthropic.`, `meta.`, `amazon.nova`, `amazon.titan-text`, after an ARN or an inference
 * profile's geography prefix), else from the body's shape:
 *
 * - Anthropic (`anthropic_version: 'bedrock-2023-05-31'`, Messages API body): Anthropic's usage
 *   (`input_tokens` without cache reads and writes); the stream is Anthropic's events.
 * - Meta Llama (`prompt` → `generation`): `prompt_token_count`, `generation_token_count`
 *   (cumulative in stream chunks).
 * - Amazon Nova (`messages-v1`): `usage.inputTokens` (without cache), `outputTokens`,
 *   `cacheReadInputTokenCount`, `cacheWriteInputTokenCount`; the stream ends with `metadata`.
 * - Amazon Titan text (`inputText`): `inputTextTokenCount`, `results[].tokenCount`.
 *
 * Every response carries, as the service does, the `X-Amzn-Bedrock-Input-Token-Count` (without
 * cache), `-Output-Token-Count`, `-Cache-Read-Input-Token-Count`, `-Cache-Write-Input-Token-Count`
 * and `-Invocation-Latency` headers; the last stream chunk carries `amazon-bedrock-invocationMetrics`.
 * Token counts: Anthropic and Nova prompts as on Converse (Messages recipe, with their cache marks);
 * Llama and Titan prompts are the o200k_base tokens of the text, never cached.
 */
import { encodeAnthropicPrompt } from '../anthropic-prompt.js';
import type { RequestScope, SimulatorContext } from '../context.js';
import { chunkPieces, type OutputPlan, TOKENS_PER_CHUNK } from '../generation.js';
import { invalidRequest, isRecord } from '../http.js';
import type { Usage } from '../ledger.js';
import { encodeText } from '../tokenizer.js';
import {
  type BedrockFamily,
  bedrockBaseModel,
  bedrockFamily,
  bedrockHeaders,
  optionalLimit,
  planCapped,
  recordBedrock,
  sendBedrockJson,
} from './bedrock-common.js';
import { planConverse } from './bedrock-converse.js';
import { type BinaryFrame, jsonEvent, sendEventStream } from './bedrock-event-stream.js';

/** One InvokeModel call: the ledger usage, the reply and how it stopped. */
interface InvokeCall {
  family: BedrockFamily;
  usage: Usage;
  plan: OutputPlan;
  capped: boolean;
}

function noCacheUsage(input: number, plan: OutputPlan): Usage {
  return { input, cached_input: 0, cache_write: 0, output: plan.outputTokens, reasoning: 0, embeddings: 0 };
}

function planInvoke(ctx: SimulatorContext, scope: RequestScope): InvokeCall {
  const { body, model } = scope;
  const family = bedrockFamily(model, body);
  if (family === 'anthropic') {
    if (typeof body['anthropic_version'] !== 'string') {
      throw invalidRequest('Malformed input request: #: required key [anthropic_version] not found');
    }
    const max = optionalLimit(body['max_tokens'], 'max_tokens');
    if (max === undefined)
      throw invalidRequest('Malformed input request: #: required key [max_tokens] not found');
    const prompt = encodeAnthropicPrompt(body);
    const cache = ctx.anthropicCache.apply(model, prompt);
    const { plan, capped } = planCapped(model, prompt.tokens, max);
    const usage: Usage = {
      input: prompt.tokens.length,
      cached_input: cache.read,
      cache_write: cache.written5m + cache.written1h,
      output: plan.outputTokens,
      reasoning: 0,
      embeddings: 0,
    };
    return { family, usage, plan, capped };
  }
  if (family === 'nova') {
    const config = body['inferenceConfig'];
    const max = isRecord(config)
      ? (optionalLimit(config['maxTokens'], 'inferenceConfig.maxTokens') ??
        optionalLimit(config['max_new_tokens'], 'inferenceConfig.max_new_tokens'))
      : undefined;
    const call = planConverse(ctx, model, body, max);
    return { family, usage: call.usage, plan: call.plan, capped: call.stopReason === 'max_tokens' };
  }
  if (family === 'meta') {
    const prompt = body['prompt'];
    if (typeof prompt !== 'string' || prompt === '') {
      throw invalidRequest('Malformed input request: #: required key [prompt] not found');
    }
    const tokens = encodeText(prompt);
    const { plan, capped } = planCapped(model, tokens, optionalLimit(body['max_gen_len'], 'max_gen_len'));
    return { family, usage: noCacheUsage(tokens.length, plan), plan, capped };
  }
  if (family === 'titan') {
    const text = body['inputText'];
    if (typeof text !== 'string' || text === '') {
      throw invalidRequest('Malformed input request: #: required key [inputText] not found');
    }
    const config = body['textGenerationConfig'];
    const max = isRecord(config)
      ? optionalLimit(config['maxTokenCount'], 'textGenerationConfig.maxTokenCount')
      : undefined;
    const tokens = encodeText(text);
    const { plan, capped } = planCapped(model, tokens, max);
    return { family, usage: noCacheUsage(tokens.length, plan), plan, capped };
  }
  throw invalidRequest(
    `The simulator does not know the body format of model ${model}: use an anthropic., meta., amazon.nova or amazon.titan-text model, or one of their bodies.`,
  );
}

/** Input tokens as Bedrock counts them: without cache reads and writes. */
function uncached(usage: Usage): number {
  return usage.input - usage.cached_input - usage.cache_write;
}

/** The InvokeModel response headers with the token counts, as the service sends them. */
function countHeaders(usage: Usage, latencyMs: number): Record<string, string> {
  return {
    'x-amzn-bedrock-input-token-count': String(uncached(usage)),
    'x-amzn-bedrock-output-token-count': String(usage.output),
    'x-amzn-bedrock-cache-read-input-token-count': String(usage.cached_input),
    'x-amzn-bedrock-cache-write-input-token-count': String(usage.cache_write),
    'x-amzn-bedrock-invocation-latency': String(latencyMs),
  };
}

/** The `amazon-bedrock-invocationMetrics` of a stream's last chunk. */
function invocationMetrics(usage: Usage, latencyMs: number): Record<string, number> {
  return {
    inputTokenCount: uncached(usage),
    outputTokenCount: usage.output,
    invocationLatency: latencyMs,
    firstByteLatency: latencyMs,
    cacheReadInputTokenCount: usage.cached_input,
    cacheWriteInputTokenCount: usage.cache_write,
  };
}

/** The Anthropic model name an Anthropic body reports (`anthropic.claude-3-5-haiku-20241022-v1:0` → `claude-3-5-haiku-20241022`). */
function anthropicModelName(modelId: string): string {
  return bedrockBaseModel(modelId)
    .replace(/^anthropic\./, '')
    .replace(/-v\d+(?::\d+)?$/, '');
}

function anthropicUsage(usage: Usage): Record<string, number> {
  return {
    input_tokens: uncached(usage),
    cache_creation_input_tokens: usage.cache_write,
    cache_read_input_tokens: usage.cached_input,
    output_tokens: usage.output,
  };
}

function novaUsage(usage: Usage): Record<string, number> {
  return {
    inputTokens: uncached(usage),
    outputTokens: usage.output,
    totalTokens: usage.input + usage.output,
    cacheReadInputTokenCount: usage.cached_input,
    cacheWriteInputTokenCount: usage.cache_write,
  };
}

function responseBody(ctx: SimulatorContext, scope: RequestScope, call: InvokeCall): unknown {
  const { usage, plan, capped } = call;
  switch (call.family) {
    case 'anthropic':
      return {
        id: ctx.nextId('msg_bdrk_'),
        type: 'message',
        role: 'assistant',
        model: anthropicModelName(scope.model),
        content: [{ type: 'text', text: plan.text }],
        stop_reason: capped ? 'max_tokens' : 'end_turn',
        stop_sequence: null,
        usage: anthropicUsage(usage),
      };
    case 'nova':
      return {
        output: { message: { role: 'assistant', content: [{ text: plan.text }] } },
        stopReason: capped ? 'max_tokens' : 'end_turn',
        usage: novaUsage(usage),
      };
    case 'meta':
      return {
        generation: plan.text,
        prompt_token_count: usage.input,
        generation_token_count: usage.output,
        stop_reason: capped ? 'length' : 'stop',
      };
    case 'titan':
      return {
        inputTextTokenCount: usage.input,
        results: [
          { tokenCount: usage.output, outputText: plan.text, completionReason: capped ? 'LENGTH' : 'FINISH' },
        ],
      };
  }
}

/** The model's own stream events; `usage` marks the one from which a client has the final counts. */
function streamEvents(
  ctx: SimulatorContext,
  scope: RequestScope,
  call: InvokeCall,
  latencyMs: number,
): { event: Record<string, unknown>; usage?: boolean }[] {
  const { usage, plan, capped } = call;
  const pieces = chunkPieces(plan.pieces);
  const metrics = { 'amazon-bedrock-invocationMetrics': invocationMetrics(usage, latencyMs) };
  switch (call.family) {
    case 'anthropic': {
      const start = responseBody(ctx, scope, call) as Record<string, unknown>;
      return [
        {
          event: {
            type: 'message_start',
            message: {
              ...start,
              content: [],
              stop_reason: null,
              usage: { ...anthropicUsage(usage), output_tokens: Math.min(1, usage.output) },
            },
          },
        },
        { event: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
        ...pieces.map((text) => ({
          event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
        })),
        { event: { type: 'content_block_stop', index: 0 } },
        {
          event: {
            type: 'message_delta',
            delta: { stop_reason: capped ? 'max_tokens' : 'end_turn', stop_sequence: null },
            usage: { output_tokens: usage.output },
          },
          usage: true,
        },
        { event: { type: 'message_stop', ...metrics } },
      ];
    }
    case 'nova':
      return [
        { event: { messageStart: { role: 'assistant' } } },
        ...pieces.map((text) => ({
          event: { contentBlockDelta: { delta: { text }, contentBlockIndex: 0 } },
        })),
        { event: { contentBlockStop: { contentBlockIndex: 0 } } },
        { event: { messageStop: { stopReason: capped ? 'max_tokens' : 'end_turn' } } },
        { event: { metadata: { usage: novaUsage(usage), metrics: {}, trace: {} }, ...metrics }, usage: true },
      ];
    case 'meta': {
      const out: { event: Record<string, unknown>; usage?: boolean }[] = pieces.map((generation, i) => ({
        event: {
          generation,
          prompt_token_count: i === 0 ? usage.input : null,
          generation_token_count: tokensThrough(plan, i),
          stop_reason: null,
        },
      }));
      out.push({
        event: {
          generation: '',
          prompt_token_count: pieces.length === 0 ? usage.input : null,
          generation_token_count: usage.output,
          stop_reason: capped ? 'length' : 'stop',
          ...metrics,
        },
        usage: true,
      });
      return out;
    }
    case 'titan': {
      const out: { event: Record<string, unknown>; usage?: boolean }[] = pieces.map((outputText, i) => ({
        event: {
          outputText,
          index: 0,
          totalOutputTextTokenCount: tokensThrough(plan, i),
          completionReason: null,
          inputTextTokenCount: i === 0 ? usage.input : null,
        },
      }));
      out.push({
        event: {
          outputText: '',
          index: 0,
          totalOutputTextTokenCount: usage.output,
          completionReason: capped ? 'LENGTH' : 'FINISH',
          inputTextTokenCount: pieces.length === 0 ? usage.input : null,
          ...metrics,
        },
        usage: true,
      });
      return out;
    }
  }
}

/** Output tokens sent up to and including the `i`-th streamed group of pieces (cumulative, as Llama and Titan report them). */
function tokensThrough(plan: OutputPlan, i: number): number {
  return Math.min(plan.outputTokens, (i + 1) * TOKENS_PER_CHUNK);
}

function latencyOf(ctx: SimulatorContext, scope: RequestScope): number {
  return scope.faults.slowFirstChunkMs ?? ctx.latency.firstChunkMs;
}

/** Serves `POST /model/{modelId}/invoke`. */
export async function handleInvokeModel(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const call = planInvoke(ctx, scope);
  const latency = latencyOf(ctx, scope);
  await sendBedrockJson(
    ctx,
    scope,
    responseBody(ctx, scope, call),
    call.usage,
    countHeaders(call.usage, latency),
  );
}

/** Serves `POST /model/{modelId}/invoke-with-response-stream`. */
export async function handleInvokeModelStream(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const call = planInvoke(ctx, scope);
  const latency = latencyOf(ctx, scope);
  const frames: BinaryFrame[] = streamEvents(ctx, scope, call, latency).map(({ event, usage }) => {
    const bytes = Buffer.from(JSON.stringify(event), 'utf8').toString('base64');
    return { bytes: jsonEvent('chunk', { bytes }), usage: usage === true };
  });
  const headers = { ...bedrockHeaders(scope.requestId), 'x-amzn-bedrock-content-type': 'application/json' };
  const result = await sendEventStream(ctx, scope.res, headers, frames, {
    firstChunkMs: latency,
    cutoff: scope.faults.cutoff,
  });
  recordBedrock(ctx, scope, true, call.usage, result.outcome, result.usageReported);
}
