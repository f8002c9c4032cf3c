/**
 * Anthropic Messages API prompts: deterministic token counts and explicit prompt caching.
 *
 * Token rule (same recipe as chat completions, in Anthropic's cache order tools → system → messages):
 * - `tools`, when given, count as one leading message: 3 tokens plus each tool's JSON;
 * - `system`, when given, counts as one message: 3 tokens plus its text (a string or text blocks);
 * - every message costs 3 tokens plus its content: text blocks count their text, `image` and
 *   `document` blocks {@link IMAGE_TOKENS} (85) each, any other block (tool_use, tool_result, ...)
 *   the tokens of its JSON;
 * - the reply is primed with 3 more tokens.
 * `cache_control` never changes a count: it is left out of the JSON that is counted.
 *
 * Cache rule ({@link AnthropicPromptCache}): every block with `cache_control: { type: 'ephemeral',
 * ttl?: '5m' | '1h' }` (tools, system blocks, message content blocks; a top-level `cache_control`
 * marks the last block of the last message) is a breakpoint at the end of that block. At most 4
 * breakpoints (more → HTTP 400). A breakpoint whose prefix is shorter than
 * {@link MIN_ANTHROPIC_CACHED_PREFIX} (1024) tokens is ignored. The longest breakpoint prefix already
 * in the cache (same model, same tokens) is read: `cache_read_input_tokens`. Every longer breakpoint
 * prefix is written: `cache_creation_input_tokens` = the last breakpoint − the read prefix, each
 * segment under the TTL of the breakpoint that closes it (`cache_creation.ephemeral_5m_input_tokens`
 * / `ephemeral_1h_input_tokens`). `input_tokens` is the rest (Anthropic's `input_tokens` excludes
 * cache reads and writes). Entries never expire within a simulator instance (`resetPromptCache()`).
 */
import { fnv1a } from './hash.js';
import { invalidRequest, isRecord } from './http.js';
import { encodeText, IMAGE_TOKENS } from './tokenizer.js';

/** The shortest prefix the simulator caches at a breakpoint (Anthropic's minimum for Sonnet and Opus). */
export const MIN_ANTHROPIC_CACHED_PREFIX = 1024;
/** Most `cache_control` breakpoints one request may carry. */
export const MAX_CACHE_BREAKPOINTS = 4;
/** Cache entries kept per simulator instance; the oldest are forgotten first. */
export const MAX_ANTHROPIC_CACHE_ENTRIES = 2000;

const START_ID = -11;
const SEPARATOR_ID = -12;
const IMAGE_ID = -13;

/** Time to live of a cache entry, as `cache_control.ttl` names it. */
export type CacheTtl = '5m' | '1h';

/** A `cache_control` breakpoint: the prompt's first `position` tokens are cacheable. */
export interface CacheBreakpoint {
  position: number;
  ttl: CacheTtl;
}

/** A Messages API prompt as tokens, with its cache breakpoints in order. */
export interface AnthropicPrompt {
  tokens: number[];
  breakpoints: CacheBreakpoint[];
}

/** What the prompt cache did for one request. */
export interface CacheOutcome {
  /** `cache_read_input_tokens`. */
  read: number;
  /** `cache_creation.ephemeral_5m_input_tokens`. */
  written5m: number;
  /** `cache_creation.ephemeral_1h_input_tokens`. */
  written1h: number;
}

function roleId(role: string): number {
  return -(2000 + (fnv1a(role) % 100_000));
}

function pushAll(target: number[], source: readonly number[]): void {
  for (const t of source) target.push(t);
}

function readTtl(control: unknown, where: string): CacheTtl | undefined {
  if (control === undefined || control === null) return undefined;
  if (!isRecord(control) || control['type'] !== 'ephemeral') {
    throw invalidRequest(`${where}.cache_control: expected { type: 'ephemeral', ttl?: '5m' | '1h' }.`);
  }
  const ttl = control['ttl'];
  if (ttl === undefined || ttl === null) return '5m';
  if (ttl !== '5m' && ttl !== '1h')
    throw invalidRequest(`${where}.cache_control.ttl: expected '5m' or '1h'.`);
  return ttl;
}

function withoutCacheControl(block: Record<string, unknown>): Record<string, unknown> {
  const { cache_control: _ignored, ...rest } = block;
  return rest;
}

function blockTokens(block: unknown, out: number[]): void {
  if (typeof block === 'string') {
    pushAll(out, encodeText(block));
  } else if (isRecord(block) && block['type'] === 'text' && typeof block['text'] === 'string') {
    pushAll(out, encodeText(block['text']));
  } else if (isRecord(block) && (block['type'] === 'image' || block['type'] === 'document')) {
    for (let i = 0; i < IMAGE_TOKENS; i++) out.push(IMAGE_ID);
  } else {
    pushAll(out, encodeText(JSON.stringify(isRecord(block) ? withoutCacheControl(block) : block)));
  }
}

/**
 * Encodes a Messages API request body (`tools`, `system`, `messages`, top-level `cache_control`) as
 * tokens and breakpoints (see the module comment). Throws an HTTP 400 error for bad shapes.
 */
export function encodeAnthropicPrompt(body: Record<string, unknown>): AnthropicPrompt {
  const tokens: number[] = [];
  const marks: CacheBreakpoint[] = [];
  const mark = (control: unknown, where: string): void => {
    const ttl = readTtl(control, where);
    if (ttl !== undefined) marks.push({ position: tokens.length, ttl });
  };
  const frame = (role: string): void => {
    tokens.push(START_ID, roleId(role), SEPARATOR_ID);
  };

  const tools = body['tools'];
  if (Array.isArray(tools) && tools.length > 0) {
    frame('tools');
    tools.forEach((tool, i) => {
      blockTokens(isRecord(tool) ? withoutCacheControl(tool) : tool, tokens);
      if (isRecord(tool)) mark(tool['cache_control'], `tools[${i}]`);
    });
  }

  const system = body['system'];
  if (typeof system === 'string' || Array.isArray(system)) {
    frame('system');
    if (typeof system === 'string') blockTokens(system, tokens);
    else {
      system.forEach((block, i) => {
        blockTokens(block, tokens);
        if (isRecord(block)) mark(block['cache_control'], `system[${i}]`);
      });
    }
  } else if (system !== undefined && system !== null) {
    throw invalidRequest('system: expected a string or an array of text blocks.');
  }

  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidRequest('messages: Field required (a non-empty array of messages).');
  }
  messages.forEach((m, i) => {
    if (!isRecord(m) || typeof m['role'] !== 'string') {
      throw invalidRequest(`messages.${i}: expected an object with a 'role' and 'content'.`);
    }
    frame(m['role']);
    const content = m['content'];
    if (typeof content === 'string') blockTokens(content, tokens);
    else if (Array.isArray(content)) {
      content.forEach((block, j) => {
        blockTokens(block, tokens);
        if (isRecord(block)) mark(block['cache_control'], `messages.${i}.content.${j}`);
      });
    } else {
      throw invalidRequest(`messages.${i}.content: expected a string or an array of content blocks.`);
    }
  });
  mark(body['cache_control'], 'body');

  if (marks.length > MAX_CACHE_BREAKPOINTS) {
    throw invalidRequest(
      `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${marks.length}.`,
    );
  }
  tokens.push(START_ID, roleId('assistant'), SEPARATOR_ID);
  return { tokens, breakpoints: marks };
}

/** Counts a Messages API prompt's tokens, cached or not (what `input_tokens + cache_*` add up to). */
export function countAnthropicPromptTokens(body: Record<string, unknown>): number {
  return encodeAnthropicPrompt(body).tokens.length;
}

/** Per-instance model of Anthropic's explicit prompt cache (see the module comment for the rule). */
export class AnthropicPromptCache {
  readonly #entries = new Map<string, number[]>();

  /** Reads and writes this prompt's breakpoints, and says how many tokens were read and written. */
  apply(model: string, prompt: AnthropicPrompt): CacheOutcome {
    const eligible = prompt.breakpoints
      .filter((b) => b.position >= MIN_ANTHROPIC_CACHED_PREFIX)
      .sort((a, b) => a.position - b.position);
    let read = 0;
    for (const b of eligible) {
      if (this.#has(model, prompt.tokens, b.position)) read = b.position;
    }
    let written5m = 0;
    let written1h = 0;
    let from = read;
    for (const b of eligible) {
      if (b.position <= from) continue;
      if (b.ttl === '1h') written1h += b.position - from;
      else written5m += b.position - from;
      from = b.position;
    }
    for (const b of eligible) this.#store(model, prompt.tokens, b.position);
    return { read, written5m, written1h };
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }

  #key(model: string, tokens: readonly number[], length: number): string {
    return `${model}\u0000${length}\u0000${fnv1a('', tokens.slice(0, length))}`;
  }

  #has(model: string, tokens: readonly number[], length: number): boolean {
    const entry = this.#entries.get(this.#key(model, tokens, length));
    if (entry === undefined) return false;
    for (let i = 0; i < length; i++) if (entry[i] !== tokens[i]) return false;
    return true;
  }

  #store(model: string, tokens: readonly number[], length: number): void {
    const key = this.#key(model, tokens, length);
    this.#entries.delete(key);
    this.#entries.set(key, tokens.slice(0, length));
    if (this.#entries.size > MAX_ANTHROPIC_CACHE_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
