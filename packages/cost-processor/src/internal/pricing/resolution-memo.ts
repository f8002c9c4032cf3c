/**
 * A bounded memo keyed by four strings (provider, request model, response model, service tier),
 * nested maps so no key string is built per lookup and no two key tuples can collide.
 *
 * Bound: at most `limit` entries. Storing one more first empties the memo (cap, then start over):
 * a flood of distinct model names costs the hot models one re-resolution per `limit` new names,
 * never memory; no per-hit bookkeeping (as an LRU would need) on the hot path.
 */
export class ResolutionMemo<V> {
  readonly #root = new Map<string, Map<string, Map<string, Map<string, V>>>>();
  readonly #limit: number;
  #size = 0;

  /** @param limit most entries held; 0 stores nothing. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Entries held now (never above the limit). */
  get size(): number {
    return this.#size;
  }

  /** The entry for a key tuple, if stored. */
  get(a: string, b: string, c: string, d: string): V | undefined {
    return this.#root.get(a)?.get(b)?.get(c)?.get(d);
  }

  /** Stores an entry (see the class comment for what happens at the limit). */
  set(a: string, b: string, c: string, d: string, value: V): void {
    if (this.#limit <= 0) return;
    if (this.#size >= this.#limit) {
      this.#root.clear();
      this.#size = 0;
    }
    const byB = child(this.#root, a);
    const byC = child(byB, b);
    const byD = child(byC, c);
    if (!byD.has(d)) this.#size += 1;
    byD.set(d, value);
  }
}

function child<K, V>(map: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let next = map.get(key);
  if (!next) {
    next = new Map();
    map.set(key, next);
  }
  return next;
}
