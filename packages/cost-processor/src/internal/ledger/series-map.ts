import type { Attributes } from '@burnrate/sdk';

/** One metric series accumulated by the ledger: its attributes and cumulative value. */
export interface LedgerSeries {
  readonly attributes: Attributes;
  value: number;
}

/** The attributes a processor sets on a series, with their key half computed once (see {@link SeriesMap}). */
export interface OwnedPart {
  readonly attributes: Attributes;
  readonly key: string;
}

/** {@link attributesKey} of an empty attribute set. */
const EMPTY_KEY = '[]';

/** A stable key for an attribute set: its entries sorted by key, as JSON. */
export function attributesKey(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((k) => [k, attributes[k]]),
  );
}

/**
 * Metric series keyed by their attribute set, where a fixed list of keys is owned by the processor
 * (provider, model, price source, ...) and the rest comes from the caller.
 *
 * A series key is two halves: the sorted-JSON key of the caller's attributes, then the owned keys'
 * values in list order as JSON (null where absent). Any attribute set splits one way only, so equal
 * sets meet in one series however they were built; and a hot path that caches the owned half per
 * model (an {@link OwnedPart}) keys a call with a sort of the caller's few attributes instead of a
 * sort and JSON of all of them.
 */
export class SeriesMap {
  readonly #owned: readonly string[];
  readonly #ownedSet: ReadonlySet<string>;
  readonly #series = new Map<string, LedgerSeries>();

  /** @param owned the keys the processor sets, in the order their values are keyed. */
  constructor(owned: readonly string[]) {
    this.#owned = owned;
    this.#ownedSet = new Set(owned);
  }

  /** Adds `value` to the series of `attributes` (any attribute set). */
  add(attributes: Attributes, value: number): void {
    const rest: Attributes = {};
    for (const k of Object.keys(attributes))
      if (!this.#ownedSet.has(k)) rest[k] = attributes[k] as Attributes[string];
    this.#addKeyed(`${attributesKey(rest)}${this.#ownedKey(attributes)}`, attributes, undefined, value);
  }

  /**
   * The caller half of a key for `caller`, or undefined when `caller` sets an owned key (then use
   * {@link add} with the merged attributes).
   */
  callerKey(caller: Attributes): string | undefined {
    let empty = true;
    for (const k in caller) {
      if (this.#ownedSet.has(k)) return undefined;
      empty = false;
    }
    // Most calls carry no caller attributes: their half is a constant, no sort or JSON needed.
    return empty ? EMPTY_KEY : attributesKey(caller);
  }

  /** The owned half for attributes that set only owned keys; cache it per model. */
  ownedPart(owned: Attributes): OwnedPart {
    return { attributes: owned, key: this.#ownedKey(owned) };
  }

  /**
   * Adds `value` to the series of `{ ...caller, ...owned.attributes }`.
   *
   * @param callerKey {@link callerKey} of `caller` (defined: it sets no owned key).
   */
  addSplit(caller: Attributes, callerKey: string, owned: OwnedPart, value: number): void {
    this.#addKeyed(`${callerKey}${owned.key}`, caller, owned.attributes, value);
  }

  /** The series, in the order they first appeared. */
  values(): IterableIterator<LedgerSeries> {
    return this.#series.values();
  }

  #ownedKey(attributes: Attributes): string {
    return JSON.stringify(this.#owned.map((k) => attributes[k] ?? null));
  }

  #addKeyed(key: string, attributes: Attributes, more: Attributes | undefined, value: number): void {
    const series = this.#series.get(key);
    if (series) series.value += value;
    else this.#series.set(key, { attributes: { ...attributes, ...more }, value });
  }
}
