/**
 * Mistral: `POST /v1/fim/completions` (fill-in-the-middle, Codestral), and what Mistral's chat
 * completions and embeddings do differently from OpenAI's on the shared routes.
 *
 * FIM token rule: the prompt counts the o200k_base tokens of `prompt` plus those of `suffix`; the
 * output follows the chat-completions rule (seeded 16–64 tokens, or exactly `max_tokens`). Mistral's
 * usage is `prompt_tokens`, `completion_tokens`, `total_tokens` (chat: with
 * `prompt_tokens_details.cached_tokens` for a prompt prefix served from the simulator's prompt cache,
 * the rule of chat completions); its streams carry that usage on the last chunk (the one with
 * `finish_reason`) without any `stream_options`, then `data: [DONE]`.
 */
import {
  nowSeconds,
  type RequestScope,
  type SimulatorContext,
  sendStreamBody,
  sendUsageBody,
} from '../context.js';
import { chunkPieces, planOutput } from '../generation.js';
import { invalidRequest, optionalPositiveInt } from '../http.js';
import type { Usage } from '../ledger.js';
import { DONE_FRAME, dataFrame, type Frame } from '../sse.js';
import { encodeText } from '../tokenizer.js';

/**
 * Whether a model is Mistral's (`mistral-*`, `open-mistral-*`, `open-mixtral-*`, `codestral-*`,
 * `ministral-*`, `pixtral-*`, `magistral-*`, `devstral-*`, `voxtral-*`): its chat streams then carry
 * usage on the last chunk, as Mistral's do, and its embeddings responses an `id`.
 */
export function isMistralModel(model: string): boolean {
  return /^(open-)?(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|voxtral)/.test(model);
}

/**
 * Mistral's `usage` object: `prompt_tokens` (cached ones included), `completion_tokens`,
 * `total_tokens`, and `prompt_tokens_details.cached_tokens` when part of the prompt came from the
 * prompt cache (Mistral bills those at 10% of the input price).
 */
export function mistralUsage(usage: Usage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
  if (usage.cached_input > 0) out['prompt_tokens_details'] = { cached_tokens: usage.cached_input };
  return out;
}

/** Serves one FIM completion, non-streaming or streaming. */
export async function handleFimCompletions(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const { body, model } = scope;
  const prompt = body['prompt'];
  if (typeof prompt !== 'string') throw invalidRequest("Invalid 'prompt': expected a string.", 'prompt');
  const suffix = typeof body['suffix'] === 'string' ? body['suffix'] : '';
  const promptTokens = [...encodeText(prompt), ...encodeText(suffix)];
  const plan = planOutput({
    model,
    promptTokens,
    maxTokens: optionalPositiveInt(body, 'max_tokens'),
    reasoning: false,
  });
  const usage: Usage = {
    input: promptTokens.length,
    cached_input: 0,
    cache_write: 0,
    output: plan.outputTokens,
    reasoning: 0,
    embeddings: 0,
  };
  const common = { id: ctx.nextId('fim-'), created: nowSeconds(), model };
  if (body['stream'] !== true) {
    const payload = {
      ...common,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: plan.text, tool_calls: null, prefix: false },
          finish_reason: 'stop',
        },
      ],
      usage: mistralUsage(usage),
    };
    await sendUsageBody(ctx, scope, payload, usage);
    return;
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null): Record<string, unknown> => ({
    ...common,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const frames: Frame[] = [
    { text: dataFrame(chunk({ role: 'assistant', content: '' }, null)) },
    ...chunkPieces(plan.pieces).map((content) => ({ text: dataFrame(chunk({ content }, null)) })),
    { text: dataFrame({ ...chunk({ content: '' }, 'stop'), usage: mistralUsage(usage) }), usage: true },
    { text: DONE_FRAME },
  ];
  await sendStreamBody(ctx, scope, frames, usage);
}
