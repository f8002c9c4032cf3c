import { budgetStatuses } from '../internal/budgets/budget-status.js';
import { COST_COMPONENTS, type CostComponent, type LedgerSnapshot } from '../internal/ledger/ledger.js';
import type { PriceCard } from '../price-card/types.js';
import { recommend } from './recommendations.js';
import type { ComponentCost, CostReport } from './types.js';

/** Builds a {@link CostReport} from a ledger snapshot taken at `nowMs`. */
export function buildReport(card: PriceCard, snap: LedgerSnapshot, nowMs: number): CostReport {
  const totalUsd = COST_COMPONENTS.reduce((sum, c) => sum + snap.byComponent[c], 0);
  const components = Object.fromEntries(
    COST_COMPONENTS.map((c) => [
      c,
      { usd: snap.byComponent[c], share: totalUsd > 0 ? snap.byComponent[c] / totalUsd : 0 },
    ]),
  ) as Record<CostComponent, ComponentCost>;
  const savingsTotal = Object.values(snap.savingsByStrategy).reduce((a, b) => a + b, 0);
  const report: CostReport = {
    currency: 'USD',
    fromMs: snap.startedAtMs,
    toMs: nowMs,
    totalUsd,
    components,
    bySource: snap.bySource,
    queries: snap.llmCalls,
    tokens: snap.tokens,
    models: snap.models.sort((a, b) => b.usd - a.usd),
    gpus: snap.gpus.sort((a, b) => b.usd - a.usd),
    savings: { totalUsd: savingsTotal, byStrategy: snap.savingsByStrategy },
    unpriced: snap.unpriced,
    responseCache: { hits: snap.cacheHits, misses: snap.cacheMisses },
    recommendations: recommend(card, snap, components),
    budgets: snap.costSeries ? budgetStatuses(card.budgets, snap.costSeries, snap.startedAtMs, nowMs) : [],
    priceCard: {
      checksum: card.checksum,
      catalogVersion: card.catalogVersion,
      defaultsAsOf: card.defaultsAsOf,
    },
  };
  if (snap.llmCalls > 0) {
    report.costPerQueryUsd = (totalUsd - components.fixed.usd) / snap.llmCalls;
    report.fullyLoadedCostPerQueryUsd = totalUsd / snap.llmCalls;
  }
  if (snap.revenueUsd !== undefined) {
    report.revenueUsd = snap.revenueUsd;
    if (totalUsd > 0) report.roiPercent = ((snap.revenueUsd - totalUsd) / totalUsd) * 100;
  }
  return report;
}
