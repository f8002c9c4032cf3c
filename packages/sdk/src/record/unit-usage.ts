/**
 * Usage billed in units other than tokens: images, seconds of audio, characters, built-in tool
 * calls and code-interpreter containers. Each count is exact — read from the provider's response
 * (images returned, `usage.seconds`, tool-call output items) or, where the provider bills what was
 * sent, from the request (characters of speech `input`) — and never guessed.
 */

/** Images of one size and quality made by one call (DALL·E bills per image by these two). */
export interface ImageUnits {
  /** Images made. */
  count: number;
  /** `1024x1024`, `1792x1024`, ...; absent when neither the request nor the response said. */
  size?: string;
  /** `standard`, `hd`, `low`, `medium`, `high`; absent when neither the request nor the response said. */
  quality?: string;
}

/** Code-interpreter containers of one memory size used by one call (billed per container). */
export interface ContainerUnits {
  /** Distinct containers (`container_id`s) the call's code-interpreter calls ran in. */
  count: number;
  /** The container's memory limit (`1g`, `4g`, `16g`, `64g`); absent when the request did not say (1g). */
  memoryLimit?: string;
}

/**
 * Non-token usage of one call. Every field is optional: a call reports the units it was billed in
 * (DALL·E: `images`; whisper-1: `audioSeconds`; tts-1: `characters`; Responses with built-in tools:
 * `toolCalls`, `containers`) and may report units that its tokens already price (gpt-image-1's
 * `images`), which are counted but not priced again.
 */
export interface UnitUsage {
  /** Images made, by size and quality. */
  images?: readonly ImageUnits[];
  /** Seconds of input audio (transcriptions, translations). */
  audioSeconds?: number;
  /** Characters of input text (speech). */
  characters?: number;
  /** Built-in tool calls by tool type: `web_search`, `web_search_preview`, `file_search`, `code_interpreter`. */
  toolCalls?: Readonly<Record<string, number>>;
  /** Code-interpreter containers, by memory size. */
  containers?: readonly ContainerUnits[];
}

/**
 * True when the call reported token usage: an LLM record whose call is billed only in other units
 * (DALL·E, tts-1, whisper-1) carries zero tokens and `units`, and its token counters and token
 * prices are skipped rather than shown as zero.
 */
export function reportsTokens(
  usage: { input: number; output: number },
  units: UnitUsage | undefined,
): boolean {
  return units === undefined || usage.input > 0 || usage.output > 0;
}
