import type { Attributes } from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';

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

/**
 * Series per metric before new label sets are summed into one overflow series: the OpenTelemetry
 * SDK's default cardinality limit is 2000 per instrument, of which it keeps 1999 and folds the rest,
 * and for an observable counter that fold reports one series' value instead of the sum, so dollars
 * vanish. 1998 series plus our overflow series stay inside the SDK's limit with every dollar kept.
 */
export const DEFAULT_MAX_SERIES = 1998;

/** The key of the overflow series (no real key starts with a NUL). */
const OVERFLOW_KEY = '\u0000overflow';

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
  readonly #max: number;
  readonly #onOverflow: () => void;

  /**
   * @param owned the keys the processor sets, in the order their values are keyed.
   * @param max series kept as themselves; later new label sets are summed in one series marked
   *   `otel.metric.overflow`, so the sum over all series stays exact and the count bounded.
   * @param onOverflow called once, when the first label set overflows.
   */
  constructor(owned: readonly string[], max = DEFAULT_MAX_SERIES, onOverflow: () => void = () => {}) {
    this.#owned = owned;
    this.#ownedSet = new Set(owned);
    this.#max = max;
    this.#onOverflow = onOverflow;
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
    if (series) {
      series.value += value;
      return;
    }
    if (this.#series.size < this.#max) {
      this.#series.set(key, { attributes: { ...attributes, ...more }, value });
      return;
    }
    const overflow = this.#series.get(OVERFLOW_KEY);
    if (overflow) overflow.value += value;
    else {
      this.#series.set(OVERFLOW_KEY, { attributes: { [ATTR.metricOverflow]: true }, value });
      this.#onOverflow();
    }
  }
}
