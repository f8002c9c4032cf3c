// A namespace import: a bundle's own `createRequire` banner (esbuild's recipe for ESM bundles) then
// cannot clash with this module's binding.
import * as nodeModule from 'node:module';

/** The gpt-tokenizer encodings an estimate uses. */
type EncodingName = 'o200k_base' | 'cl100k_base';

/** What an estimate needs of a gpt-tokenizer encoding module. */
interface Encoding {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

/** Tokens per message and reply priming in OpenAI's published counting recipe for current models. */
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;
/** Tokens counted per image part: OpenAI's low-detail image price (a lower bound for high detail). */
const IMAGE_TOKENS = 85;
/** Special-token strings in a prompt are text to the API, so they are counted as text. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/** Texts at least this long have their counts kept (long system prompts repeat on every call). */
const MEMO_MIN_CHARS = 256;
/** Counts kept per encoding before the memo starts over (a few hundred long prompts). */
const MEMO_LIMIT = 512;

/** How an input count was made: with the model's own encoding, or an approximation. */
export type InputCount = { readonly tokens: number; readonly exact: boolean };

/**
 * Counts the input tokens of a request before it is sent. OpenAI model families (gpt-*, o1/o3/o4,
 * chatgpt-*, text-embedding-*, davinci/babbage, `ft:` fine-tunes of them) are counted with their own
 * encoding (o200k_base, or cl100k_base for gpt-4, gpt-3.5 and the older embeddings) following
 * OpenAI's recipe: 3 tokens per message plus its role, content and name, 3 to prime the reply;
 * `exact` is then true. Every other model (Claude, Gemini, Llama, ...) is counted with o200k_base as
 * a stated approximation (`exact: false`; Claude's tokenizer typically gives somewhat more). Other
 * request shapes (Gemini's `contents`) count every text in them plus 3 tokens per entry. Images and
 * inline media count 85 tokens each and tool definitions their JSON: approximations too.
 *
 * Encodings load on first use (about 0.25 s for o200k_base), synchronously, since the decision and
 * its reservation are one synchronous step; a card without enforcing budgets never loads one.
 */
export class InputTokenCounter {
  readonly #loaded = new Map<EncodingName, Encoding>();
  /** Counts of long texts by encoding: tokenizing costs about 0.7 µs a token, a lookup far less. */
  readonly #memo = new Map<EncodingName, Map<string, number>>();

  /** The input tokens of `content` (see `CallRequest.content`) for `model`. */
  count(model: string, operation: string, content: Readonly<Record<string, unknown>>): InputCount {
    const family = openaiEncoding(model);
    const name = family ?? 'o200k_base';
    const enc = this.#encoding(name);
    let memo = this.#memo.get(name);
    if (!memo) {
      memo = new Map();
      this.#memo.set(name, memo);
    }
    const counts = memo;
    const text = (t: string): number => {
      if (t.length < MEMO_MIN_CHARS) return enc.countTokens(t, AS_TEXT);
      let n = counts.get(t);
      if (n === undefined) {
        n = enc.countTokens(t, AS_TEXT);
        if (counts.size >= MEMO_LIMIT) counts.clear();
        counts.set(t, n);
      }
      return n;
    };
    return { tokens: countContent(operation, content, text), exact: family !== undefined };
  }

  #encoding(name: EncodingName): Encoding {
    let enc = this.#loaded.get(name);
    if (!enc) {
      enc = loadEncoding(name);
      this.#loaded.set(name, enc);
    }
    return enc;
  }
}

/** Loads an encoding's CommonJS build synchronously (ESM's `import()` would make decisions async). */
function loadEncoding(name: EncodingName): Encoding {
  // In the CommonJS build `require` exists; in ESM (the sources, the ESM build) it is made here.
  const req = typeof require === 'function' ? require : nodeModule.createRequire(import.meta.url);
  return req(`gpt-tokenizer/cjs/encoding/${name}`) as Encoding;
}

/** The encoding of an OpenAI model family, or undefined for other models. */
export function openaiEncoding(model: string): EncodingName | undefined {
  const m = model
    .toLowerCase()
    .replace(/^openai\//, '')
    .replace(/^ft:/, '');
  if (/^(gpt-4(?!o|\.|-o)|gpt-3\.5|text-embedding-ada|text-embedding-3|davinci|babbage)/.test(m)) {
    // text-embedding-3-* and ada-002 use cl100k_base, as do gpt-4 and gpt-3.5.
    return 'cl100k_base';
  }
  if (/^(gpt-|o[134](-|$)|chatgpt-|codex-|computer-use-)/.test(m)) return 'o200k_base';
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Tokens of a message's or block's content: strings, text parts, images, anything else as JSON. */
function contentTokens(content: unknown, text: (t: string) => number): number {
  if (content === undefined || content === null) return 0;
  if (typeof content === 'string') return text(content);
  if (!Array.isArray(content)) return text(JSON.stringify(content));
  let n = 0;
  for (const part of content) {
    if (typeof part === 'string') n += text(part);
    else if (isRecord(part) && typeof part['text'] === 'string') n += text(part['text']);
    else if (isRecord(part) && /image/.test(String(part['type']))) n += IMAGE_TOKENS;
    else n += text(JSON.stringify(part) ?? '');
  }
  return n;
}

/** Tokens of a list of chat-like messages, with the per-message overhead and the reply priming. */
function messagesTokens(messages: unknown, text: (t: string) => number): number {
  if (!Array.isArray(messages)) return 0;
  let n = 0;
  for (const m of messages) {
    if (!isRecord(m)) {
      n += PER_MESSAGE + contentTokens(m, text);
      continue;
    }
    n += PER_MESSAGE;
    if (typeof m['role'] === 'string') n += text(m['role']);
    n += contentTokens(m['content'], text);
    if (typeof m['name'] === 'string') n += text(m['name']) + 1;
    if (m['tool_calls'] !== undefined) n += text(JSON.stringify(m['tool_calls']) ?? '');
  }
  return n;
}

function countContent(
  operation: string,
  c: Readonly<Record<string, unknown>>,
  text: (t: string) => number,
): number {
  const tools = c['tools'] === undefined ? 0 : PER_MESSAGE + text(JSON.stringify(c['tools']) ?? '');
  if (operation === 'embeddings' || 'prompt' in c) {
    // Embeddings and legacy completions: the sum of the inputs' tokens, no message overhead.
    const input = c['prompt'] ?? c['input'];
    const items = Array.isArray(input) && !input.every((x) => typeof x === 'number') ? input : [input];
    let n = 0;
    for (const item of items) {
      if (typeof item === 'string') n += text(item);
      else if (Array.isArray(item))
        n += item.length; // token ids
      else if (item !== undefined && item !== null) n += text(JSON.stringify(item) ?? '');
    }
    // Fill-in-the-middle (Mistral's `fim`): the suffix is input too.
    if (typeof c['suffix'] === 'string') n += text(c['suffix']);
    return n;
  }
  if (Array.isArray(c['messages'])) {
    // Chat completions, and Anthropic (its `system` counts as one more message).
    const system = c['system'] === undefined ? 0 : PER_MESSAGE + contentTokens(c['system'], text);
    return tools + system + messagesTokens(c['messages'], text) + REPLY_PRIMING;
  }
  if (!('input' in c) && !('instructions' in c)) {
    // Other shapes (Gemini's `contents` and `systemInstruction`, ...): every text in them, 3 tokens
    // per top-level entry and 3 to prime the reply, inline media at the image count.
    let n = tools + REPLY_PRIMING;
    for (const [key, value] of Object.entries(c)) {
      if (key === 'tools' || value === undefined || value === null) continue;
      const entries = Array.isArray(value) ? value : [value];
      n += PER_MESSAGE * entries.length + textsIn(entries, text);
    }
    return n;
  }
  // Responses: `instructions` is a leading developer message; a string `input` is a user message.
  const instructions =
    typeof c['instructions'] === 'string' ? PER_MESSAGE + text('developer') + text(c['instructions']) : 0;
  const input = c['input'];
  const messages = typeof input === 'string' ? [{ role: 'user', content: input }] : input;
  return tools + instructions + messagesTokens(messages, text) + REPLY_PRIMING;
}

/** Keys whose values are media, not text: counted at the image count, their bytes never tokenized. */
const MEDIA_KEYS: ReadonlySet<string> = new Set(['inlineData', 'fileData', 'inline_data', 'file_data']);
/** Keys that carry no prompt text (a MIME type, base64 bytes). */
const SKIPPED_KEYS: ReadonlySet<string> = new Set(['mimeType', 'mime_type', 'data']);

/** Tokens of every text in a value of any shape; media parts at {@link IMAGE_TOKENS}. */
function textsIn(value: unknown, text: (t: string) => number): number {
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) {
    let n = 0;
    for (const v of value) n += textsIn(v, text);
    return n;
  }
  if (!isRecord(value)) return 0;
  if (/image/.test(String(value['type']))) return IMAGE_TOKENS;
  let n = 0;
  for (const [key, v] of Object.entries(value)) {
    if (MEDIA_KEYS.has(key)) n += IMAGE_TOKENS;
    else if (!SKIPPED_KEYS.has(key)) n += textsIn(v, text);
  }
  return n;
}
