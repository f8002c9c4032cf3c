/** `POST /v1/chat/completions`, non-streaming and streaming. */
import {
  nowSeconds,
  type RequestScope,
  type SimulatorContext,
  sendStreamBody,
  sendUsageBody,
  serviceTier,
} from '../context.js';
import { chunkPieces, planOutput } from '../generation.js';
import { invalidRequest, isRecord, optionalPositiveInt } from '../http.js';
import type { Usage } from '../ledger.js';
import { isReasoningModel, responseModel } from '../models.js';
import { DONE_FRAME, dataFrame, type Frame } from '../sse.js';
import { encodePrompt, type PromptMessage } from '../tokenizer.js';
import { isMistralModel, mistralUsage } from './mistral-fim.js';

/** System fingerprint reported by every chat completion. */
export const SYSTEM_FINGERPRINT = 'fp_burnrate_sim';

/** The chat-completions `usage` object for a usage. */
export function chatUsage(usage: Usage): Record<string, unknown> {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cached_input, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function readMessages(body: Record<string, unknown>): PromptMessage[] {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidRequest("Invalid 'messages': expected a non-empty array of messages.", 'messages');
  }
  return messages.map((m, i) => {
    if (!isRecord(m) || typeof m['role'] !== 'string') {
      throw invalidRequest(`Invalid 'messages[${i}]': expected an object with a 'role'.`, `messages[${i}]`);
    }
    return { role: m['role'], content: m['content'], name: m['name'], tool_calls: m['tool_calls'] };
  });
}

/** Serves one chat completion. */
export async function handleChatCompletions(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const { body, model } = scope;
  const messages = readMessages(body);
  const maxTokens =
    optionalPositiveInt(body, 'max_completion_tokens') ?? optionalPositiveInt(body, 'max_tokens');
  const stream = body['stream'] === true;
  const streamOptions = body['stream_options'];
  const includeUsage = stream && isRecord(streamOptions) && streamOptions['include_usage'] === true;
  // Mistral's API ends every stream with the usage on its last chunk, and its client sends no
  // `stream_options`; a request that sends them (an openai client) gets OpenAI's behaviour.
  const mistral = isMistralModel(model) && streamOptions === undefined;
  const effort = body['reasoning_effort'];

  const promptTokens = encodePrompt(messages, body['tools']);
  const cached = ctx.promptCache.lookupAndStore(model, promptTokens);
  const plan = planOutput({
    model,
    promptTokens,
    maxTokens,
    reasoning: isReasoningModel(model),
    reasoningEffort: typeof effort === 'string' ? effort : undefined,
  });
  const usage: Usage = {
    input: promptTokens.length,
    cached_input: cached,
    cache_write: 0,
    output: plan.outputTokens,
    reasoning: plan.reasoningTokens,
    embeddings: 0,
  };
  const common = {
    id: ctx.nextId('chatcmpl-'),
    created: nowSeconds(),
    model: responseModel(model),
    service_tier: serviceTier(body['service_tier']),
    system_fingerprint: SYSTEM_FINGERPRINT,
  };

  if (!stream) {
    const payload = {
      ...common,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: plan.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: mistral ? mistralUsage(usage) : chatUsage(usage),
    };
    await sendUsageBody(ctx, scope, payload, usage);
    return;
  }

  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    ...common,
    object: 'chat.completion.chunk',
    choices,
    ...(includeUsage ? { usage: null } : {}),
    ...extra,
  });
  const choice = (delta: Record<string, unknown>, finish: string | null): Record<string, unknown> => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const frames: Frame[] = [
    { text: dataFrame(chunk([choice({ role: 'assistant', content: '', refusal: null }, null)])) },
    ...chunkPieces(plan.pieces).map((content) => ({ text: dataFrame(chunk([choice({ content }, null)])) })),
    mistral
      ? { text: dataFrame(chunk([choice({}, 'stop')], { usage: mistralUsage(usage) })), usage: true }
      : { text: dataFrame(chunk([choice({}, 'stop')])) },
  ];
  if (includeUsage && !mistral)
    frames.push({ text: dataFrame(chunk([], { usage: chatUsage(usage) })), usage: true });
  frames.push({ text: DONE_FRAME });

  await sendStreamBody(ctx, scope, frames, usage);
}
