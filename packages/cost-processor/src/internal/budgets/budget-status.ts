import type { Budget } from '../../price-card/types.js';
import type { LedgerSeries } from '../ledger/ledger.js';
import type { BudgetEnforcementStatus } from './budget-enforcer.js';
import type { WindowSpend } from './budget-window.js';

/** Where one budget stands, from the in-process ledger. */
export interface BudgetStatus {
  name: string;
  amountUsd: number;
  window: string;
  scope: Record<string, string>;
  /** USD spent by matching series over the report period. */
  spentUsd: number;
  /** spentUsd ÷ amountUsd. */
  share: number;
  /** Thresholds (fractions) already crossed, ascending. */
  crossed: number[];
  /**
   * USD the window would see at the period's average rate (spent ÷ period × window); equals
   * `spentUsd` once the period is as long as the window.
   */
  projectedUsd: number;
  /** False while the period is longer than the window: then `spentUsd` covers more than one window. */
  withinWindow: boolean;
  /**
   * Calendar windows: the current period's first instant (ms); `spentUsd` counts only spend made
   * at or after it, so it drops to 0 exactly at the boundary.
   */
  windowStartMs?: number;
  /** Calendar windows: the next boundary (ms), when the spend resets. */
  resetsAtMs?: number;
  /**
   * Budgets with `enforce`, in the processor's own report: what enforcement did since the process
   * started (calls blocked, downgraded, capped, warned, and the dollars they did not spend).
   */
  enforcement?: BudgetEnforcementStatus;
}

/** Label-style key (`gen_ai.request.model` → `gen_ai_request_model`), so scopes match either spelling. */
function labelKey(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Spend per budget: the cost series whose attributes match the budget's scope, over the period
 * `fromMs`–`toMs` (the ledger's life, not a rolling window: Prometheus' rules do the windowing).
 * A calendar budget, when `windowSpend` gives its spend in the window at `toMs`, counts only the
 * current day, week or month (it resets at the boundary in its time zone).
 */
export function budgetStatuses(
  budgets: readonly Budget[],
  costSeries: Iterable<LedgerSeries>,
  fromMs: number,
  toMs: number,
  windowSpend?: (name: string) => WindowSpend | undefined,
): BudgetStatus[] {
  const series = [...costSeries].map((s) => ({
    value: s.value,
    labels: new Map(Object.entries(s.attributes).map(([k, v]) => [labelKey(k), String(v)])),
  }));
  const periodS = Math.max(0, (toMs - fromMs) / 1000);
  return budgets.map((b) => {
    const w = b.calendar ? windowSpend?.(b.name) : undefined;
    if (b.calendar && w) return calendarStatus(b, w, fromMs, toMs);
    const scope = Object.entries(b.scope).map(([k, v]) => [labelKey(k), v] as const);
    const spentUsd = series
      .filter((s) => scope.every(([k, v]) => s.labels.get(k) === v))
      .reduce((sum, s) => sum + s.value, 0);
    const share = spentUsd / b.amountUsd;
    const withinWindow = periodS <= b.windowSeconds;
    return {
      name: b.name,
      amountUsd: b.amountUsd,
      window: b.window,
      scope: { ...b.scope },
      spentUsd,
      share,
      crossed: b.thresholds.filter((t) => share >= t),
      projectedUsd: withinWindow && periodS > 0 ? (spentUsd / periodS) * b.windowSeconds : spentUsd,
      withinWindow,
    };
  });
}

/** The status of a calendar budget from its spend in the current period. */
function calendarStatus(b: Budget, w: WindowSpend, fromMs: number, toMs: number): BudgetStatus {
  const share = w.spentUsd / b.amountUsd;
  // Projected over the period's real length (a DST day has 23 or 25 hours, a month 28 to 31 days).
  const periodS = ((w.resetsAtMs ?? toMs) - w.startMs) / 1000;
  const elapsedS = (toMs - Math.max(w.startMs, fromMs)) / 1000;
  const status: BudgetStatus = {
    name: b.name,
    amountUsd: b.amountUsd,
    window: b.window,
    scope: { ...b.scope },
    spentUsd: w.spentUsd,
    share,
    crossed: b.thresholds.filter((t) => share >= t),
    projectedUsd: elapsedS > 0 ? (w.spentUsd / elapsedS) * periodS : w.spentUsd,
    withinWindow: true,
    windowStartMs: w.startMs,
  };
  if (w.resetsAtMs !== undefined) status.resetsAtMs = w.resetsAtMs;
  return status;
}
