/**
 * A deterministic model of OpenAI's automatic prompt caching, one per simulator instance.
 *
 * Rule: a prompt whose token sequence shares a prefix of at least {@link MIN_CACHED_PREFIX} (1024)
 * tokens with an earlier prompt of the same model gets `cached_tokens` = that shared prefix rounded
 * down to a multiple of {@link CACHE_INCREMENT} (128). Every prompt (of any length) is remembered after
 * it is looked up, so the first call with a prefix is never cached and the second one is.
 * Only requests that pass the fault gate (no 429/500) are looked up and remembered.
 */

/** The shortest prefix OpenAI caches. */
export const MIN_CACHED_PREFIX = 1024;
/** OpenAI caches in blocks of this many tokens. */
export const CACHE_INCREMENT = 128;
/** Prompts remembered per model; the oldest are forgotten first. */
export const MAX_PROMPTS_PER_MODEL = 2000;

/** Per-instance prompt cache. */
export class PromptCache {
  readonly #prompts = new Map<string, number[][]>();

  /** Returns the cached tokens for this prompt, then remembers it. */
  lookupAndStore(model: string, tokens: readonly number[]): number {
    const earlier = this.#prompts.get(model) ?? [];
    let longest = 0;
    if (tokens.length >= MIN_CACHED_PREFIX) {
      for (const prompt of earlier) {
        const shared = sharedPrefix(prompt, tokens);
        if (shared > longest) longest = shared;
      }
    }
    earlier.push([...tokens]);
    if (earlier.length > MAX_PROMPTS_PER_MODEL) earlier.shift();
    this.#prompts.set(model, earlier);
    if (longest < MIN_CACHED_PREFIX) return 0;
    return Math.floor(longest / CACHE_INCREMENT) * CACHE_INCREMENT;
  }

  /** Forgets every prompt. */
  clear(): void {
    this.#prompts.clear();
  }
}

function sharedPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
