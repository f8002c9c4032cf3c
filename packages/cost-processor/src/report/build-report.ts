import type { Comparison } from '../compare/compare.js';
import { budgetStatuses } from '../internal/budgets/budget-status.js';
import type { WindowSpend } from '../internal/budgets/budget-window.js';
import { COST_COMPONENTS, type CostComponent, type LedgerSnapshot } from '../internal/ledger/ledger.js';
import type { PriceCard } from '../price-card/types.js';
import { recommend } from './recommendations.js';
import type { ComponentCost, CostReport, FailedLlmCalls, ReportModel } from './types.js';

/** Seconds in the 30-day month of the monthly projection (and of fixed costs). */
const MONTH_S = 30 * 86_400;

/**
 * Builds a {@link CostReport} from a ledger snapshot taken at `nowMs`.
 *
 * @param failed the failed LLM calls among the snapshot's calls (they are not queries); failures
 *   of a model the snapshot does not list count in the total only.
 * @param windowSpend a budget's spend in its window at `nowMs` (calendar budgets report the current period).
 * @param comparisons measured deployment comparisons; the GPU recommendations use their dollars.
 */
export function buildReport(
  card: PriceCard,
  snap: LedgerSnapshot,
  nowMs: number,
  failed: readonly FailedLlmCalls[] = [],
  windowSpend?: (budget: string) => WindowSpend | undefined,
  comparisons: readonly Comparison[] = [],
): CostReport {
  const totalUsd = COST_COMPONENTS.reduce((sum, c) => sum + snap.byComponent[c], 0);
  const components = Object.fromEntries(
    COST_COMPONENTS.map((c) => [
      c,
      { usd: snap.byComponent[c], share: totalUsd > 0 ? snap.byComponent[c] / totalUsd : 0 },
    ]),
  ) as Record<CostComponent, ComponentCost>;
  const savingsTotal = Object.values(snap.savingsByStrategy).reduce((a, b) => a + b, 0);
  const failedCalls = Math.min(
    snap.llmCalls,
    failed.reduce((sum, f) => sum + f.calls, 0),
  );
  const queries = snap.llmCalls - failedCalls;
  const report: CostReport = {
    currency: 'USD',
    fromMs: snap.startedAtMs,
    toMs: nowMs,
    totalUsd,
    components,
    bySource: snap.bySource,
    queries,
    failedCalls,
    tokens: snap.tokens,
    models: withQueries(snap.models, failed).sort((a, b) => b.usd - a.usd),
    gpus: snap.gpus.sort((a, b) => b.usd - a.usd),
    savings: { totalUsd: savingsTotal, byStrategy: snap.savingsByStrategy },
    unpriced: snap.unpriced,
    responseCache: { hits: snap.cacheHits, misses: snap.cacheMisses },
    recommendations: recommend(card, snap, components, comparisons),
    budgets: snap.costSeries
      ? budgetStatuses(card.budgets, snap.costSeries, snap.startedAtMs, nowMs, windowSpend)
      : [],
    priceCard: {
      checksum: card.checksum,
      catalogVersion: card.catalogVersion,
      defaultsAsOf: card.defaultsAsOf,
    },
  };
  // One projection, over the period the spend covers (the same period the budgets project over).
  const periodS = (nowMs - snap.startedAtMs) / 1000;
  if (periodS > 0) report.projectedMonthlyUsd = (totalUsd / periodS) * MONTH_S;
  if (queries > 0) {
    report.costPerQueryUsd = (totalUsd - components.fixed.usd) / queries;
    report.fullyLoadedCostPerQueryUsd = totalUsd / queries;
  }
  if (snap.revenueUsd !== undefined) {
    report.revenueUsd = snap.revenueUsd;
    if (totalUsd > 0) report.roiPercent = ((snap.revenueUsd - totalUsd) / totalUsd) * 100;
  }
  return report;
}

/** The snapshot's models with their calls split into queries and failed calls. */
function withQueries(models: LedgerSnapshot['models'], failed: readonly FailedLlmCalls[]): ReportModel[] {
  const failedOf = new Map<string, number>();
  for (const f of failed) {
    const key = JSON.stringify([f.provider, f.model]);
    failedOf.set(key, (failedOf.get(key) ?? 0) + f.calls);
  }
  return models.map((m) => {
    const failedCalls = Math.min(m.calls, failedOf.get(JSON.stringify([m.provider, m.model])) ?? 0);
    return { ...m, queries: m.calls - failedCalls, failedCalls };
  });
}
