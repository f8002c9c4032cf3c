import type { BudgetStatus } from '../internal/budgets/budget-status.js';
import type {
  CostComponent,
  GpuSpend,
  ModelSpend,
  TokenTotals,
  UnpricedUsage,
} from '../internal/ledger/ledger.js';
import type { PriceSource } from '../internal/pricing/types.js';

/** Spend on one component and its share of the total. */
export interface ComponentCost {
  usd: number;
  /** Fraction of the total in [0, 1]; 0 when the total is 0. */
  share: number;
}

/** A recommendation from the report rules (DESIGN §5). */
export interface Recommendation {
  /** Stable id, e.g. `gpu.int8_quantization`. */
  id: string;
  /** The rule that fired, e.g. `gpu share 97.6 % > 50 %`. */
  rule: string;
  /** What to do. */
  action: string;
  /** USD the action would have saved over the report period, when the data allows an estimate. */
  estimatedSavingsUsd?: number;
  /**
   * USD per 30-day month the action saves at the observed QPS, from a measured comparison of two
   * deployments (`compare`); set instead of {@link estimatedSavingsUsd} when there is one.
   */
  estimatedMonthlySavingsUsd?: number;
  /** How the estimate was made. */
  basis?: string;
}

/**
 * What "query" means in the report (N_queries and C_query of DESIGN §1): one LLM call that did not
 * fail. A user request that makes several calls (an embedding and a chat completion, a tool loop)
 * counts as several queries. A failed call (one that ended with `error.type`: a 429, a 500, a
 * stream cut off) is not a query; it is counted in `failedCalls`, and whatever the provider billed
 * for it stays in the dollars, so the queries served carry the cost of the calls that failed.
 */
export const QUERY_DEFINITION = 'one query = one successful LLM call';

/** Failed LLM calls (ended with `error.type`) of one provider and model, which are not queries. */
export interface FailedLlmCalls {
  provider: string;
  /** The model as the ledger keys it: the response model, else the requested one. */
  model: string;
  calls: number;
}

/** Spend on one model, with its calls split into queries and failed calls. */
export interface ReportModel extends ModelSpend {
  /** Calls that did not fail: `calls − failedCalls`. */
  queries: number;
  /** Calls that ended with `error.type` (not queries). */
  failedCalls: number;
}

/** The cost report (from the in-process ledger). All amounts in USD. */
export interface CostReport {
  currency: 'USD';
  /** Period covered, ms since epoch. */
  fromMs: number;
  toMs: number;
  totalUsd: number;
  components: Record<CostComponent, ComponentCost>;
  /** USD by price source. */
  bySource: Partial<Record<PriceSource, number>>;
  /**
   * Projected spend of a 30-day month at the rate of the period: total / (toMs − fromMs) × 30 days.
   * Undefined for a period of 0 (a report of `/metrics` totals, whose start is not known).
   */
  projectedMonthlyUsd?: number;
  /** N_queries: LLM calls that did not fail (one query = one successful LLM call). */
  queries: number;
  /** LLM calls that ended with `error.type`: not queries, their billed dollars (if any) in the total. */
  failedCalls: number;
  /** (total − fixed) / queries: C_query; undefined without queries. */
  costPerQueryUsd?: number;
  /** total / queries, fixed costs included; undefined without queries. */
  fullyLoadedCostPerQueryUsd?: number;
  tokens: TokenTotals;
  /** Spend by model; `calls` counts every call, `queries + failedCalls`. */
  models: ReportModel[];
  gpus: GpuSpend[];
  savings: { totalUsd: number; byStrategy: Record<string, number> };
  unpriced: UnpricedUsage[];
  responseCache: { hits: number; misses: number };
  /** Revenue recorded, if any. */
  revenueUsd?: number;
  /** (revenue − cost) / cost × 100, when revenue was recorded and cost > 0. */
  roiPercent?: number;
  recommendations: Recommendation[];
  /** Spend against each budget of the card over the period (empty without budgets or cost series). */
  budgets: BudgetStatus[];
  /** The price card the dollars were priced with. */
  priceCard: ReportPriceCard;
}

/** The price card a report's dollars were priced with. */
export interface ReportPriceCard {
  /** The card's checksum; `""` when not known (see `origin`). */
  checksum: string;
  /** The `@pydantic/genai-prices` version of its catalog; `""` when not known. */
  catalogVersion: string;
  /** Date of its shipped GPU/storage/network defaults; `""` when not known. */
  defaultsAsOf: string;
  /**
   * Where these came from when the report was not built in the process that priced the calls, e.g.
   * `as served by the app` (its `burnrate.pricecard.info` series) or `read from card.yaml`. Absent
   * in the processor's own report, whose card priced every dollar in it.
   */
  origin?: string;
}
