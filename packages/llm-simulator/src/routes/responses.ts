/** `POST /v1/responses`, non-streaming and streaming (typed SSE events, usage on `response.completed`). */
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
import { eventFrame, type Frame } from '../sse.js';
import { encodePrompt, responsesInputMessages } from '../tokenizer.js';
import { sendQueued } from './background-responses.js';
import { builtInToolItems } from './built-in-tools.js';

/** The responses-API `usage` object for a usage. */
export function responsesUsage(usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.input,
    input_tokens_details: { cached_tokens: usage.cached_input },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning },
    total_tokens: usage.input + usage.output,
  };
}

/** Serves one responses-API request. */
export async function handleResponses(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const { body, model } = scope;
  const input = body['input'];
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw invalidRequest("Invalid 'input': expected a string or an array of input items.", 'input');
  }
  const maxTokens = optionalPositiveInt(body, 'max_output_tokens');
  const stream = body['stream'] === true;
  const reasoningParam = isRecord(body['reasoning']) ? body['reasoning'] : {};
  const effort = typeof reasoningParam['effort'] === 'string' ? reasoningParam['effort'] : undefined;
  const reasoningModel = isReasoningModel(model);

  const promptTokens = encodePrompt(responsesInputMessages(input, body['instructions']), body['tools']);
  const cached = ctx.promptCache.lookupAndStore(model, promptTokens);
  const plan = planOutput({
    model,
    promptTokens,
    maxTokens,
    reasoning: reasoningModel,
    reasoningEffort: effort,
  });
  const usage: Usage = {
    input: promptTokens.length,
    cached_input: cached,
    cache_write: 0,
    output: plan.outputTokens,
    reasoning: plan.reasoningTokens,
    embeddings: 0,
  };

  const responseId = ctx.nextId('resp_');
  const messageId = ctx.nextId('msg_');
  const reasoningItem = reasoningModel
    ? { id: ctx.nextId('rs_'), type: 'reasoning', summary: [] }
    : undefined;
  const textPart = (text: string): Record<string, unknown> => ({
    type: 'output_text',
    text,
    annotations: [],
    logprobs: [],
  });
  const message = (status: string, content: unknown[]): Record<string, unknown> => ({
    id: messageId,
    type: 'message',
    status,
    role: 'assistant',
    content,
  });
  // Built-in tool calls (web search, file search, code interpreter) come before the message.
  const tools = builtInToolItems(body['tools'], ctx.nextId);
  if (tools.units !== undefined) usage.units = tools.units;
  const finalOutput = [
    ...(reasoningItem ? [reasoningItem] : []),
    ...tools.items,
    message('completed', [textPart(plan.text)]),
  ];
  const createdAt = nowSeconds();
  const response = (status: string, output: unknown[], usageObject: unknown): Record<string, unknown> => ({
    id: responseId,
    object: 'response',
    created_at: createdAt,
    status,
    background: body['background'] === true,
    error: null,
    incomplete_details: null,
    instructions: typeof body['instructions'] === 'string' ? body['instructions'] : null,
    max_output_tokens: maxTokens ?? null,
    max_tool_calls: null,
    model: responseModel(model),
    output,
    parallel_tool_calls: true,
    previous_response_id:
      typeof body['previous_response_id'] === 'string' ? body['previous_response_id'] : null,
    reasoning: { effort: reasoningModel ? (effort ?? 'medium') : null, summary: null },
    service_tier: serviceTier(body['service_tier']),
    store: body['store'] !== false,
    temperature: typeof body['temperature'] === 'number' ? body['temperature'] : 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: Array.isArray(body['tools']) ? body['tools'] : [],
    top_p: typeof body['top_p'] === 'number' ? body['top_p'] : 1,
    truncation: 'disabled',
    usage: usageObject,
    user: null,
    metadata: isRecord(body['metadata']) ? body['metadata'] : {},
  });

  if (!stream && body['background'] === true) {
    sendQueued(ctx, scope, responseId, response('completed', finalOutput, responsesUsage(usage)), usage);
    return;
  }
  if (!stream) {
    const completed = response('completed', finalOutput, responsesUsage(usage));
    if (body['store'] !== false) ctx.background.addFinished(responseId, model, completed, usage);
    await sendUsageBody(ctx, scope, completed, usage);
    return;
  }

  let sequence = 0;
  const frames: Frame[] = [];
  const emit = (type: string, fields: Record<string, unknown>, carriesUsage = false): void => {
    frames.push({
      text: eventFrame(type, { type, sequence_number: sequence++, ...fields }),
      usage: carriesUsage,
    });
  };
  emit('response.created', { response: response('in_progress', [], null) });
  emit('response.in_progress', { response: response('in_progress', [], null) });
  const messageIndex = finalOutput.length - 1;
  if (reasoningItem) {
    emit('response.output_item.added', { output_index: 0, item: reasoningItem });
    emit('response.output_item.done', { output_index: 0, item: reasoningItem });
  }
  tools.items.forEach((item, i) => {
    const index = (reasoningItem ? 1 : 0) + i;
    emit('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress' } });
    emit('response.output_item.done', { output_index: index, item });
  });
  const at = { item_id: messageId, output_index: messageIndex, content_index: 0 };
  emit('response.output_item.added', { output_index: messageIndex, item: message('in_progress', []) });
  emit('response.content_part.added', { ...at, part: textPart('') });
  for (const delta of chunkPieces(plan.pieces)) {
    emit('response.output_text.delta', { ...at, delta, logprobs: [] });
  }
  emit('response.output_text.done', { ...at, text: plan.text, logprobs: [] });
  emit('response.content_part.done', { ...at, part: textPart(plan.text) });
  emit('response.output_item.done', {
    output_index: messageIndex,
    item: message('completed', [textPart(plan.text)]),
  });
  const completed = response('completed', finalOutput, responsesUsage(usage));
  emit('response.completed', { response: completed }, true);
  // Stored as finished: a later retrieve returns it, its usage already reported by the stream.
  if (body['store'] !== false) ctx.background.addFinished(responseId, model, completed, usage);

  await sendStreamBody(ctx, scope, frames, usage);
}
