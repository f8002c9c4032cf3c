/**
 * `@burnrate/cost-processor`: prices burnrate usage records from a price card and records the
 * dollar metrics, budgets, savings, reports and capacity. Currency: USD only.
 */

export * from './alerting/index.js';
export { type BudgetStatus, budgetStatuses } from './budgets/budget-status.js';
export { CapacityTracker, type DeploymentCapacity } from './capacity/capacity-tracker.js';
export { type CapacityInput, CapacityInputError, requiredInstances } from './capacity/required-instances.js';
export * from './dashboards/index.js';
export {
  attributesKey,
  COST_COMPONENTS,
  type CostComponent,
  CostLedger,
  emptyModelSpend,
  type GpuSpend,
  type LedgerSeries,
  type LedgerSnapshot,
  type ModelSpend,
  type TokenTotals,
  type UnpricedUsage,
} from './ledger/ledger.js';
export {
  type DefaultUnitPrices,
  defaultUnitPrices,
  normalizeGpuModel,
} from './price-card/default-gpu-prices.js';
export { formatIssue, PriceCardError, type PriceCardIssue } from './price-card/errors.js';
export {
  DEFAULT_BUDGET_THRESHOLDS,
  isPriceCard,
  loadPriceCard,
  parsePriceCard,
  parseWindow,
} from './price-card/load-price-card.js';
export { type PriceCardInput, priceCardSchema } from './price-card/schema.js';
export type {
  Budget,
  Deployment,
  ExplicitModelPrice,
  FixedCost,
  GpuPrice,
  MultiplierRule,
  NetworkPrice,
  PriceCard,
  TokenPricesPer1M,
  UnitPriceOrigin,
} from './price-card/types.js';
export {
  CATALOG_CORRECTIONS,
  CATALOG_VERSION,
  type CatalogCorrection,
  type CatalogMiss,
  type CatalogPrice,
  catalogPrice,
  catalogProviderOf,
  resolveCatalogProvider,
  toCatalogUsage,
} from './pricing/genai-prices-adapter.js';
export { explicitCost, normalizeServiceTier, TokenPricer } from './pricing/token-pricer.js';
export type {
  GpuPriced,
  GpuPriceResult,
  NetworkPriced,
  NetworkPriceResult,
  PriceSource,
  TokenPriced,
  TokenPriceResult,
  TokenPriceSource,
  Unpriced,
  UnpricedReason,
} from './pricing/types.js';
export {
  BYTES_PER_GB,
  gpuHourPrice,
  priceGpu,
  priceNetwork,
  resolveGpuKey,
  SECONDS_PER_MONTH,
  storagePrice,
} from './pricing/unit-pricers.js';
export {
  type CostLogger,
  type CostProcessor,
  type CostProcessorOptions,
  createCostProcessor,
} from './processor/create-cost-processor.js';
export { buildReport } from './report/build-report.js';
export { formatReport, formatUsd } from './report/format-report.js';
export {
  API_SHARE_THRESHOLD,
  GPU_SHARE_THRESHOLD,
  INT8_GPU_SAVINGS,
  recommend,
} from './report/recommendations.js';
export type { ComponentCost, CostReport, Recommendation } from './report/types.js';
