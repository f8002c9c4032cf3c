import { PROM, selector } from '@burnrate/semconv';
import type { Budget, BudgetsSource } from '../../price-card/types.js';
import type { BudgetSpend } from './budget-spend.js';

/**
 * What a budget decision reads: the spend that counts against the budget now, its window, and
 * whether the card's `fail: closed` asks to block because the fleet's spend is unknown.
 */
export interface BudgetSpendReading {
  /** USD spent in the budget's window (the fleet's when `source` is `fleet`, else this replica's). */
  spentUsd: number;
  /** First instant (ms) of the window. */
  startMs: number;
  /** When the window's spend resets (next calendar boundary, or when the oldest spend ages out). */
  resetsAtMs: number | undefined;
  /** `fleet`: Prometheus' fleet spend at the last refresh + this replica's spend since; `local`: this replica's only. */
  source: 'fleet' | 'local';
  /**
   * True when the card's `budgets_source.fail` is `closed` and the fleet's spend is unknown (no
   * refresh answered yet, or the last one failed): the decision path should block the call.
   */
  failClosed: boolean;
}

/**
 * Where budget decisions read "spent so far". Synchronous reads (a decision runs before every
 * call); {@link refresh} is the only asynchronous part.
 *
 * How to use it from the decision path (the pre-call hook in the cost processor):
 *
 * ```ts
 * const r = spend.read(budget.name, clock());      // never throws; undefined for an unknown name
 * if (r.failClosed) → block (the card said fail: closed and Prometheus did not answer)
 * fits = r.spentUsd + reservedUsd + estimateUsd <= budget.amountUsd
 * BudgetExceededError.resetsAt = r.resetsAtMs === undefined ? undefined : new Date(r.resetsAtMs)
 * ```
 *
 * Settled costs reach it on their own: the processor feeds every priced dollar to the
 * {@link BudgetSpend} it was built on. Create it with {@link createBudgetSpendSource}: without
 * `budgets_source` in the card it reads local spend only.
 */
export interface BudgetSpendSource {
  /** The reading for budget `name` at `nowMs`; undefined for a name the card has not. Never throws. */
  read(name: string, nowMs: number): BudgetSpendReading | undefined;
  /** `read(name, nowMs).spentUsd`, 0 for an unknown name. */
  spentUsd(name: string, nowMs: number): number;
  /**
   * Reads the fleet's spend per budget from Prometheus now (the timer does it every `refresh`).
   * Resolves when done, never rejects; a refresh already running is shared. No-op without a source.
   */
  refresh(): Promise<void>;
  /** Starts the refresh timer (unref'd: it never keeps the process alive) and a first refresh. */
  start(): void;
  /** Stops the timer. */
  stop(): void;
}

/** What {@link createBudgetSpendSource} needs. */
export interface BudgetSpendSourceOptions {
  /** The processor's local spend per budget. */
  local: BudgetSpend;
  /** The card's `budgets_source`; local spend only when absent. */
  source: BudgetsSource | undefined;
  /** The processor's clock (ms since epoch). */
  clock: () => number;
  /** Warns once (the processor's once-per-key warnings). */
  warn: (key: string, message: string) => void;
  /** HTTP client; default global fetch. */
  fetch?: typeof fetch;
}

/** The fleet's spend of one budget as Prometheus answered at a refresh. */
interface FleetValue {
  /** USD in the window as Prometheus saw it at `atMs`. */
  usd: number;
  /** Clock time the query was sent. */
  atMs: number;
  /** Start of the window the query covered. */
  startMs: number;
  /** This replica's lifetime spend in the budget's scope at `atMs` (the unsent delta counts from it). */
  localTotalAtMs: number;
}

/**
 * The PromQL the fleet source sends for a budget: spend in the scope over the `rangeMs` before the
 * query's time, summed over every replica. A series that already existed when the range began
 * counts its `increase()` (counter resets handled; Prometheus extrapolates to the range's edges,
 * which can only overstate); a series that began inside the range (a replica, model or tenant new
 * since the window started) counts its highest value, which is exactly its spend: `increase()`
 * would lose what it spent before its first scrape and guess the rest.
 */
export function fleetSpendQuery(budget: Pick<Budget, 'scope'>, rangeMs: number): string {
  const series = selector(PROM.cost, budget.scope);
  // Whole milliseconds: right after a calendar boundary the range is that short, not a second.
  const range = `${Math.max(1, Math.ceil(rangeMs))}ms`;
  return (
    `(sum(increase(${series}[${range}]) and ${series} offset ${range}) or vector(0))` +
    ` + (sum(max_over_time(${series}[${range}]) unless ${series} offset ${range}) or vector(0))`
  );
}

/**
 * The spend source of a cost processor: local spend per budget, and with `budgets_source` the
 * fleet's spend read from Prometheus every `refresh` plus this replica's spend since that refresh.
 *
 * Overshoot bound (docs/budgets-calendar-windows.md): a replica does not see what other replicas
 * spent since Prometheus last scraped them before the last refresh, so N replicas can together
 * pass a budget by at most what they spend in one refresh interval plus one scrape interval, plus
 * the calls in flight when it is crossed.
 *
 * When Prometheus does not answer (or answers an error), budgets use this replica's spend only
 * and one warning says so (`fail: open`, the default); with `fail: closed` readings say
 * `failClosed` until a refresh answers again.
 */
export function createBudgetSpendSource(options: BudgetSpendSourceOptions): BudgetSpendSource {
  const { local, source, clock, warn } = options;
  const doFetch = options.fetch ?? globalThis.fetch;
  const budgets = local.budgets();
  const fleet = new Map<string, FleetValue>();
  /** Whether the last refresh answered for every budget. */
  let healthy = false;
  let inFlight: Promise<void> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const queryOne = async (budget: Budget, base: string): Promise<FleetValue> => {
    const atMs = clock();
    const w = local.window(budget.name, atMs);
    const startMs = w?.startMs ?? atMs;
    const localTotalAtMs = local.totalUsd(budget.name);
    const params = new URLSearchParams({ query: fleetSpendQuery(budget, atMs - startMs) });
    const timeoutMs = Math.min(10_000, Math.max(1_000, (source?.refreshSeconds ?? 30) * 1000));
    const response = await doFetch(`${base}/api/v1/query?${params.toString()}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => undefined)) as PromResponse | undefined;
    if (!response.ok || body?.status !== 'success') {
      throw new Error(`HTTP ${response.status}${body?.error ? `: ${body.error}` : ''}`);
    }
    const result = body.data?.result ?? [];
    let usd = 0;
    for (const r of result) usd += Number(r.value?.[1]);
    if (!Number.isFinite(usd) || usd < 0)
      throw new Error(`answered ${JSON.stringify(result)}, not a dollar sum`);
    return { usd, atMs, startMs, localTotalAtMs };
  };

  const refreshNow = async (): Promise<void> => {
    if (!source) return;
    const base = source.prometheusUrl.replace(/\/+$/, '');
    const results = await Promise.allSettled(budgets.map((b) => queryOne(b, base)));
    let failure: unknown;
    results.forEach((r, i) => {
      const name = budgets[i]?.name ?? '';
      if (r.status === 'fulfilled') fleet.set(name, r.value);
      else {
        failure ??= r.reason;
        // A stale fleet value would never age out: fall back to local spend for this budget.
        fleet.delete(name);
      }
    });
    healthy = failure === undefined;
    if (failure !== undefined) {
      const why =
        failure instanceof Error
          ? failure.cause instanceof Error
            ? `${failure.message} (${failure.cause.message})`
            : failure.message
          : String(failure);
      warn(
        'budgets-source-down',
        source.fail === 'closed'
          ? `budgets_source: cannot read the fleet's spend from ${source.prometheusUrl}: ${why}; fail: closed, so budget-enforced calls are blocked until it answers`
          : `budgets_source: cannot read the fleet's spend from ${source.prometheusUrl}: ${why}; budgets count this replica's spend only until it answers (fail: open)`,
      );
    }
  };

  const read = (name: string, nowMs: number): BudgetSpendReading | undefined => {
    const w = local.window(name, nowMs);
    if (!w) return undefined;
    const failClosed = source?.fail === 'closed' && !healthy;
    const f = fleet.get(name);
    if (!source || !f) return { ...w, source: 'local', failClosed };
    if (w.startMs > f.atMs) {
      // A calendar boundary passed since the refresh: its fleet value belongs to the last window,
      // and what this replica spent since the boundary is all that is known of the new one.
      return { ...w, source: 'fleet', failClosed };
    }
    const unsent = Math.max(0, local.totalUsd(name) - f.localTotalAtMs);
    // The fleet spent at least what this replica did, even before Prometheus scraped it.
    return { ...w, spentUsd: Math.max(f.usd + unsent, w.spentUsd), source: 'fleet', failClosed };
  };

  return {
    read(name, nowMs) {
      try {
        return read(name, nowMs);
      } catch {
        return undefined;
      }
    },
    spentUsd(name, nowMs) {
      return this.read(name, nowMs)?.spentUsd ?? 0;
    },
    refresh() {
      if (!source) return Promise.resolve();
      inFlight ??= refreshNow()
        .catch(() => undefined)
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
    start() {
      if (!source || timer !== undefined || budgets.length === 0) return;
      void this.refresh();
      timer = setInterval(() => void this.refresh(), source.refreshSeconds * 1000);
      timer.unref?.();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}

/** The part of Prometheus' `/api/v1/query` answer read here. */
interface PromResponse {
  status?: string;
  error?: string;
  data?: { result?: Array<{ value?: [number, string] }> };
}
