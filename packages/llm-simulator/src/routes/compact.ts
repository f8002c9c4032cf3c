/**
 * `POST /v1/responses/compact`: a compaction pass over the input, billed in tokens. Input = the
 * prompt's tokens (as `/v1/responses` counts them), output = `ceil(input / 8)` tokens, at least 16;
 * the body is a `response.compaction` with the user messages and one compaction item.
 */
import { nowSeconds, type RequestScope, type SimulatorContext, sendUsageBody } from '../context.js';
import { invalidRequest } from '../http.js';
import type { Usage } from '../ledger.js';
import { encodePrompt, responsesInputMessages } from '../tokenizer.js';
import { responsesUsage } from './responses.js';

/** Serves one compaction request. */
export async function handleCompact(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const { body } = scope;
  const input = body['input'];
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw invalidRequest("Invalid 'input': expected a string or an array of input items.", 'input');
  }
  const promptTokens = encodePrompt(responsesInputMessages(input, body['instructions']));
  const usage: Usage = {
    input: promptTokens.length,
    cached_input: 0,
    cache_write: 0,
    output: Math.max(16, Math.ceil(promptTokens.length / 8)),
    reasoning: 0,
    embeddings: 0,
  };
  const userMessages = (typeof input === 'string' ? [{ role: 'user', content: input }] : input).filter(
    (m) => typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'user',
  );
  const payload = {
    id: ctx.nextId('cmp_'),
    object: 'response.compaction',
    created_at: nowSeconds(),
    output: [
      ...userMessages.map((m) => ({ ...(m as object), type: 'message', id: ctx.nextId('msg_') })),
      { id: ctx.nextId('cmpi_'), type: 'compaction', encrypted_content: 'c2ltdWxhdGVk' },
    ],
    usage: responsesUsage(usage),
  };
  await sendUsageBody(ctx, scope, payload, usage);
}
