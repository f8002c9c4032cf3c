import type { Budget } from '../../price-card/types.js';

/** The calendar periods a budget may reset on. */
export type CalendarUnit = 'day' | 'week' | 'month';

/**
 * A budget's window: rolling (the last `seconds`, e.g. `30d`) or calendar (the current day, week or
 * month in an IANA time zone; weeks start on Monday, ISO 8601).
 */
export type BudgetWindow =
  | { readonly kind: 'rolling'; readonly seconds: number }
  | { readonly kind: 'calendar'; readonly unit: CalendarUnit; readonly timeZone: string };

/** Where a window stands at one instant. */
export interface WindowBounds {
  /** The first instant (ms since epoch) whose spend counts. */
  startMs: number;
  /**
   * When the spend counted now stops counting: the next calendar boundary, or for a rolling window
   * when the oldest spend in it ages out; undefined for a rolling window with no spend in it.
   */
  resetsAtMs: number | undefined;
}

/** The window of a loaded budget (its `calendar` when it has one, else rolling over `windowSeconds`). */
export function budgetWindowOf(budget: Pick<Budget, 'windowSeconds' | 'calendar'>): BudgetWindow {
  return budget.calendar
    ? { kind: 'calendar', unit: budget.calendar.unit, timeZone: budget.calendar.timeZone }
    : { kind: 'rolling', seconds: budget.windowSeconds };
}

/** True when `timeZone` is an IANA zone name this Node's ICU knows (e.g. `Europe/Berlin`, `UTC`). */
export function isKnownTimeZone(timeZone: string): boolean {
  // Offsets such as "+01:00" are accepted by newer ICU builds but have no DST: the card asks for a zone.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Window bounds at `nowMs`. For a rolling window `oldestSpendMs` is the time of the oldest spend
 * still inside it (see {@link SpendHistory.oldestSince}); calendar windows ignore it. A rolling
 * window is `(now − length, now]` (`startMs` = now − length + 1 ms). Builds an
 * `Intl.DateTimeFormat` per call: on a hot path keep a {@link WindowTracker} instead.
 */
export function budgetWindowAt(window: BudgetWindow, nowMs: number, oldestSpendMs?: number): WindowBounds {
  return new WindowTracker(window).at(nowMs, oldestSpendMs);
}

const DAY_MS = 86_400_000;

/**
 * Computes window bounds for one budget, keeping the current calendar period so that a call costs
 * two comparisons until the boundary passes (the zone arithmetic runs once per period).
 */
export class WindowTracker {
  readonly #window: BudgetWindow;
  readonly #format: Intl.DateTimeFormat | undefined;
  #periodStart = Number.POSITIVE_INFINITY;
  #periodEnd = Number.NEGATIVE_INFINITY;

  /** @throws RangeError when a calendar window's time zone is unknown (the card loader checked it). */
  constructor(window: BudgetWindow) {
    this.#window = window;
    this.#format =
      window.kind === 'calendar'
        ? new Intl.DateTimeFormat('en-US', {
            timeZone: window.timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          })
        : undefined;
  }

  /** The window as given. */
  get window(): BudgetWindow {
    return this.#window;
  }

  /** Bounds at `nowMs` (`oldestSpendMs`: as in {@link budgetWindowAt}). */
  at(nowMs: number, oldestSpendMs?: number): WindowBounds {
    const w = this.#window;
    if (w.kind === 'rolling') {
      const lengthMs = w.seconds * 1000;
      // The window is (now − length, now]: spend made exactly one length ago has just aged out.
      const startMs = nowMs - lengthMs + 1;
      const resetsAtMs =
        oldestSpendMs !== undefined && oldestSpendMs >= startMs ? oldestSpendMs + lengthMs : undefined;
      return { startMs, resetsAtMs };
    }
    if (!(nowMs >= this.#periodStart && nowMs < this.#periodEnd)) this.#recompute(nowMs, w.unit);
    return { startMs: this.#periodStart, resetsAtMs: this.#periodEnd };
  }

  #recompute(nowMs: number, unit: CalendarUnit): void {
    const [y, m, d] = this.#localDate(nowMs);
    let start: number;
    let next: number;
    if (unit === 'day') {
      start = Date.UTC(y, m - 1, d);
      next = Date.UTC(y, m - 1, d + 1);
    } else if (unit === 'week') {
      // ISO weeks: Monday is day 0.
      const sinceMonday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
      start = Date.UTC(y, m - 1, d - sinceMonday);
      next = Date.UTC(y, m - 1, d - sinceMonday + 7);
    } else {
      start = Date.UTC(y, m - 1, 1);
      next = Date.UTC(y, m, 1);
    }
    this.#periodStart = this.#startOfLocalDate(start);
    this.#periodEnd = this.#startOfLocalDate(next);
  }

  /** Local wall-clock fields of an instant, as numbers: year, month (1-12), day, hour, minute, second. */
  #wall(ms: number): number[] {
    const parts = this.#format!.formatToParts(ms);
    const get = (type: Intl.DateTimeFormatPartTypes): number =>
      Number(parts.find((p) => p.type === type)?.value ?? 0);
    return [get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second')];
  }

  #localDate(ms: number): [number, number, number] {
    const [y = 1970, m = 1, d = 1] = this.#wall(ms);
    return [y, m, d];
  }

  /** The zone's offset from UTC at an instant, in ms (local wall clock − UTC). */
  #offset(ms: number): number {
    const [y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0] = this.#wall(ms);
    return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(ms / 1000) * 1000;
  }

  /**
   * The first instant whose local date is the date `localMidnight` stands for (that date's 00:00 as
   * if it were UTC). Usually local midnight; where a DST change skips midnight (e.g. America/Havana,
   * America/Santiago) the first instant after the gap.
   */
  #startOfLocalDate(localMidnight: number): number {
    // The offsets in force a day before and after cover any change near that midnight.
    const offsets = new Set([
      this.#offset(localMidnight - DAY_MS),
      this.#offset(localMidnight),
      this.#offset(localMidnight + DAY_MS),
    ]);
    let best: number | undefined;
    for (const o of offsets) {
      const t = localMidnight - o;
      if (t + this.#offset(t) === localMidnight && (best === undefined || t < best)) best = t;
    }
    if (best !== undefined) return best;
    // Midnight does not exist that day: search the gap for the change (zones change on whole minutes).
    let lo = localMidnight - Math.max(...offsets);
    let hi = localMidnight - Math.min(...offsets);
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (mid + this.#offset(mid) >= localMidnight) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

/** Width of one bucket of {@link SpendHistory}: one minute, aligned to UTC minutes. */
export const SPEND_BUCKET_MS = 60_000;

/**
 * Spend over time for one budget, in one-minute buckets aligned to UTC minutes. Calendar
 * boundaries fall on whole minutes in every zone in use, so a calendar window counts exactly the
 * spend made at or after its start. A rolling window counts a bucket while its latest spend is in
 * the window, so it may keep up to a minute of spend that has just aged out (never less than the
 * truth: a budget errs on the side of the limit). Memory: one bucket per minute with spend, pruned
 * past the window.
 */
export class SpendHistory {
  /** Bucket start (ms), oldest first. */
  readonly #starts: number[] = [];
  /** Time of the first and of the latest spend in each bucket. */
  readonly #first: number[] = [];
  readonly #last: number[] = [];
  readonly #usd: number[] = [];
  /** Index of the oldest bucket not pruned (pruning moves it instead of shifting the arrays). */
  #head = 0;
  /**
   * USD of the buckets not pruned: what a window counts once it pruned up to its start (see
   * {@link windowSpend}), so a decision costs O(1), not a walk over up to 43,200 minutes.
   */
  #live = 0;

  /** Adds `usd` spent at `atMs`. Spend stamped before the newest bucket (a clock step back) joins it. */
  add(usd: number, atMs: number): void {
    if (!(usd > 0) || !Number.isFinite(atMs)) return;
    const bucket = Math.floor(atMs / SPEND_BUCKET_MS) * SPEND_BUCKET_MS;
    const n = this.#starts.length;
    this.#live += usd;
    if (n > this.#head && (this.#starts[n - 1] ?? 0) >= bucket) {
      this.#usd[n - 1] = (this.#usd[n - 1] ?? 0) + usd;
      this.#last[n - 1] = Math.max(this.#last[n - 1] ?? atMs, atMs);
      this.#first[n - 1] = Math.min(this.#first[n - 1] ?? atMs, atMs);
      return;
    }
    this.#starts.push(bucket);
    this.#first.push(atMs);
    this.#last.push(atMs);
    this.#usd.push(usd);
  }

  /**
   * USD spent at or after `startMs`: buckets whose latest spend is at or after `startMs` count
   * whole, so a bucket-aligned start is exact. O(1) when everything before `startMs` was pruned.
   */
  spentSince(startMs: number): number {
    if (this.#head >= this.#starts.length) return 0;
    if ((this.#last[this.#head] ?? 0) >= startMs) return this.#live;
    let sum = 0;
    for (let i = this.#starts.length - 1; i >= this.#head; i--) {
      if ((this.#last[i] ?? 0) < startMs) break;
      sum += this.#usd[i] ?? 0;
    }
    return sum;
  }

  /**
   * The time that decides when the oldest spend counted from `startMs` ages out of a rolling window:
   * the latest spend of the oldest counted bucket (the bucket counts until then + the window's
   * length; see {@link spentSince}); undefined when nothing is counted.
   */
  oldestSince(startMs: number): number | undefined {
    for (let i = this.#head; i < this.#starts.length; i++) {
      if ((this.#last[i] ?? 0) >= startMs) return this.#last[i];
    }
    return undefined;
  }

  /** Forgets buckets whose latest spend is before `beforeMs`. */
  prune(beforeMs: number): void {
    const head = this.#head;
    while (this.#head < this.#starts.length && (this.#last[this.#head] ?? 0) < beforeMs) this.#head++;
    if (this.#head !== head) {
      // Summed afresh rather than subtracted, so float error cannot build up over the process's life.
      let live = 0;
      for (let i = this.#head; i < this.#usd.length; i++) live += this.#usd[i] ?? 0;
      this.#live = live;
    }
    // Compact once the dead prefix is half the arrays, so memory follows the window, not the uptime.
    if (this.#head > 1024 && this.#head * 2 > this.#starts.length) {
      for (const a of [this.#starts, this.#first, this.#last, this.#usd]) a.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

/** Spend of one budget in its window at an instant, with the window's bounds. */
export interface WindowSpend extends WindowBounds {
  /** USD spent in the window (this process's spend only). */
  spentUsd: number;
}

/**
 * What `history` holds in the window `tracker` computes at `nowMs`, and when it resets: the one call
 * a budget decision needs for local spend. Prunes what no window can count any more.
 */
export function windowSpend(history: SpendHistory, tracker: WindowTracker, nowMs: number): WindowSpend {
  const first = tracker.at(nowMs);
  history.prune(first.startMs);
  const spentUsd = history.spentSince(first.startMs);
  if (tracker.window.kind === 'calendar') return { ...first, spentUsd };
  return { ...tracker.at(nowMs, history.oldestSince(first.startMs)), spentUsd };
}
