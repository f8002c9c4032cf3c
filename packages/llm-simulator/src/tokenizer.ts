/**
 * Deterministic token counting with a real tokenizer (`gpt-tokenizer`, o200k_base for every model).
 *
 * Prompt rule (chat completions and responses alike), modelled on OpenAI's published counting recipe:
 * - every message costs {@link MESSAGE_OVERHEAD} (3) tokens plus its content tokens, plus the tokens of
 *   its `name` and 1 more when it has a `name`;
 * - content is a string, or a list of parts: text parts (`text`, `input_text`, `output_text`) count
 *   their text tokens, image parts (`image_url`, `input_image`) count {@link IMAGE_TOKENS} (85) each,
 *   any other part counts the tokens of its JSON; assistant `tool_calls` count the tokens of their JSON;
 * - `tools`, when given, count as one extra leading message whose content is the tools' JSON;
 * - the reply is primed with {@link REPLY_PRIMING} (3) more tokens.
 *
 * The prompt is also produced as a token sequence (message framing uses negative synthetic ids) so the
 * prompt cache can compare prefixes token by token.
 */
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { fnv1a } from './hash.js';

/** Tokens added per message (OpenAI's `tokens_per_message` for current models). */
export const MESSAGE_OVERHEAD = 3;
/** Tokens added once per prompt to prime the assistant's reply. */
export const REPLY_PRIMING = 3;
/** Tokens counted for each image part (OpenAI's fixed low-detail image cost). */
export const IMAGE_TOKENS = 85;

const START_ID = -1;
const SEPARATOR_ID = -2;
const IMAGE_ID = -3;
const NAME_ID = -4;
const ENCODE_OPTIONS = { disallowedSpecial: new Set<string>() };

/** Encodes text with o200k_base; special-token strings such as `<|endoftext|>` are treated as plain text. */
export function encodeText(text: string): number[] {
  return encode(text, ENCODE_OPTIONS);
}

/** Counts the o200k_base tokens of a text (special-token strings count as plain text). */
export function countTextTokens(text: string): number {
  return encodeText(text).length;
}

/** A prompt message as the simulator reads it (chat message or responses input message). */
export interface PromptMessage {
  role: string;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
}

function roleId(role: string): number {
  return -(1000 + (fnv1a(role) % 100_000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pushAll(target: number[], source: readonly number[]): void {
  for (const t of source) target.push(t);
}

function contentTokens(content: unknown, out: number[]): void {
  if (content === undefined || content === null) return;
  if (typeof content === 'string') {
    pushAll(out, encodeText(content));
    return;
  }
  if (Array.isArray(content)) {
    for (const part of content) {
      if (typeof part === 'string') {
        pushAll(out, encodeText(part));
      } else if (isRecord(part) && typeof part['text'] === 'string') {
        pushAll(out, encodeText(part['text']));
      } else if (isRecord(part) && (part['type'] === 'image_url' || part['type'] === 'input_image')) {
        for (let i = 0; i < IMAGE_TOKENS; i++) out.push(IMAGE_ID);
      } else {
        pushAll(out, encodeText(JSON.stringify(part)));
      }
    }
    return;
  }
  pushAll(out, encodeText(JSON.stringify(content)));
}

function messageTokens(message: PromptMessage, out: number[]): void {
  out.push(START_ID, roleId(message.role), SEPARATOR_ID);
  if (typeof message.name === 'string' && message.name.length > 0) {
    pushAll(out, encodeText(message.name));
    out.push(NAME_ID);
  }
  contentTokens(message.content, out);
  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    pushAll(out, encodeText(JSON.stringify(message.tool_calls)));
  }
}

/**
 * The prompt as a token sequence (see the module comment for the rule). Its length is the prompt's
 * `prompt_tokens` / `input_tokens`.
 */
export function encodePrompt(messages: readonly PromptMessage[], tools?: unknown): number[] {
  const out: number[] = [];
  if (Array.isArray(tools) && tools.length > 0) {
    messageTokens({ role: 'tools', content: JSON.stringify(tools) }, out);
  }
  for (const message of messages) messageTokens(message, out);
  out.push(START_ID, roleId('assistant'), SEPARATOR_ID);
  return out;
}

/** Counts a chat prompt's tokens: `sum(3 + content tokens [+ name tokens + 1]) + 3` (plus tools, if any). */
export function countPromptTokens(messages: readonly PromptMessage[], tools?: unknown): number {
  return encodePrompt(messages, tools).length;
}

/**
 * Turns a responses-API `input` (and `instructions`) into prompt messages: `instructions` becomes a
 * leading `developer` message, a string input one `user` message; list items with a `role` are messages,
 * any other item (function calls and their outputs, reasoning items, ...) counts as a message whose
 * role is the item's `type` and whose content is the item's JSON.
 */
export function responsesInputMessages(input: unknown, instructions: unknown): PromptMessage[] {
  const messages: PromptMessage[] = [];
  if (typeof instructions === 'string' && instructions.length > 0) {
    messages.push({ role: 'developer', content: instructions });
  }
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
  } else if (Array.isArray(input)) {
    for (const item of input) {
      if (isRecord(item) && typeof item['role'] === 'string') {
        messages.push({ role: item['role'], content: item['content'] });
      } else {
        const type = isRecord(item) && typeof item['type'] === 'string' ? item['type'] : 'item';
        messages.push({ role: type, content: JSON.stringify(item) });
      }
    }
  }
  return messages;
}

/**
 * Counts an embeddings `input`: a string counts its tokens; a list of strings the sum of theirs; a list
 * of integers (a token array) its length; a list of token arrays the sum of their lengths. No overhead.
 * Returns the per-item counts, or `undefined` when the input is not one of those shapes or is empty.
 */
export function embeddingInputTokens(input: unknown): number[] | undefined {
  if (typeof input === 'string') return [countTextTokens(input)];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === 'number' && Number.isInteger(x))) return [input.length];
  const counts: number[] = [];
  for (const item of input) {
    if (typeof item === 'string') counts.push(countTextTokens(item));
    else if (Array.isArray(item) && item.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      counts.push(item.length);
    } else return undefined;
  }
  return counts;
}
