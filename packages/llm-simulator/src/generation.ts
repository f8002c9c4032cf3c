/**
 * Deterministic output: how many tokens a reply has, how many of them are reasoning tokens, and the
 * visible text (made of words that are exactly one o200k_base token each).
 *
 * Output-length rule: `max_completion_tokens ?? max_tokens ?? max_output_tokens` when the request gives
 * one (the reply is exactly that long and ends with finish_reason `stop`); otherwise
 * `16 + fnv1a(model, prompt tokens) % 49`, i.e. 16 to 64 tokens, a pure function of model and prompt.
 *
 * Reasoning rule: for reasoning models (see `isReasoningModel`), `floor(output / 2)` of the output tokens
 * are reasoning tokens, unless the request asks for reasoning effort `none` (then 0). Reasoning tokens are
 * part of the output tokens (OpenAI's `completion_tokens` include them), and never appear as text.
 * Visible text therefore has `output - reasoning` tokens, at least 1.
 */
import { fnv1a, mulberry32 } from './hash.js';

/** Shortest seeded output, in tokens. */
export const MIN_DEFAULT_OUTPUT_TOKENS = 16;
/** Longest seeded output, in tokens. */
export const MAX_DEFAULT_OUTPUT_TOKENS = 64;
/** Words per streamed content chunk (each word is one token). */
export const TOKENS_PER_CHUNK = 4;

const FIRST_WORDS: readonly string[] = ['The', 'Our', 'This', 'Each', 'Every', 'Some', 'That', 'Your'];
const WORDS: readonly string[] = [
  ' quick',
  ' model',
  ' budget',
  ' cache',
  ' token',
  ' stream',
  ' cost',
  ' metric',
  ' price',
  ' signal',
  ' river',
  ' system',
  ' value',
  ' data',
  ' query',
  ' answer',
  ' light',
  ' green',
  ' forest',
  ' window',
  ' paper',
  ' bridge',
  ' market',
  ' engine',
  ' report',
  ' service',
  ' simple',
  ' number',
  ' table',
  ' garden',
  ' music',
  ' little',
];

/** What the simulator generates for one request. */
export interface OutputPlan {
  /** All output tokens (`completion_tokens` / `output_tokens`), reasoning included. */
  outputTokens: number;
  /** Reasoning tokens, a part of `outputTokens`. */
  reasoningTokens: number;
  /** Visible text, as one-token pieces (`pieces.length === outputTokens - reasoningTokens`). */
  pieces: string[];
  /** The visible text (`pieces.join('')`). */
  text: string;
}

/** Inputs of {@link planOutput}. */
export interface PlanInput {
  model: string;
  promptTokens: readonly number[];
  /** The request's explicit output limit, if any. */
  maxTokens: number | undefined;
  reasoning: boolean;
  reasoningEffort?: string | undefined;
}

/** Plans the reply for a request (see the module comment for the rules). */
export function planOutput(input: PlanInput): OutputPlan {
  const seed = fnv1a(input.model, input.promptTokens);
  const span = MAX_DEFAULT_OUTPUT_TOKENS - MIN_DEFAULT_OUTPUT_TOKENS + 1;
  const outputTokens = input.maxTokens ?? MIN_DEFAULT_OUTPUT_TOKENS + (seed % span);
  const reasoningTokens =
    input.reasoning && input.reasoningEffort !== 'none' ? Math.floor(outputTokens / 2) : 0;
  const pieces = generatePieces(outputTokens - reasoningTokens, seed);
  return { outputTokens, reasoningTokens, pieces, text: pieces.join('') };
}

/** `count` one-token pieces of text: a capitalised first word, lower-case words, and a final `.`. */
export function generatePieces(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const pick = (list: readonly string[]): string => list[Math.floor(random() * list.length)] ?? '';
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i === 0) pieces.push(pick(FIRST_WORDS));
    else if (i === count - 1) pieces.push('.');
    else pieces.push(pick(WORDS));
  }
  return pieces;
}

/** Groups pieces into streamed deltas of {@link TOKENS_PER_CHUNK} tokens. */
export function chunkPieces(pieces: readonly string[]): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < pieces.length; i += TOKENS_PER_CHUNK) {
    chunks.push(pieces.slice(i, i + TOKENS_PER_CHUNK).join(''));
  }
  return chunks;
}
