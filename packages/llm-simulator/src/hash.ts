/** 32-bit FNV-1a offset basis. */
const FNV_OFFSET = 0x811c9dc5;
/** 32-bit FNV-1a prime. */
const FNV_PRIME = 0x01000193;

/**
 * Deterministic 32-bit FNV-1a hash of a string and/or a list of integers.
 * Used for seeded output lengths, generated words and embedding vectors.
 */
export function fnv1a(text: string, numbers: readonly number[] = []): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  for (const n of numbers) {
    h ^= n & 0xffff;
    h = Math.imul(h, FNV_PRIME);
    h ^= (n >>> 16) & 0xffff;
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** A seeded pseudo-random generator returning floats in [0, 1). */
export type Random = () => number;

/** Mulberry32: a small, fast, seeded PRNG. Every call site owns its own state. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
