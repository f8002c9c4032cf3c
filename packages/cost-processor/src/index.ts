/**
 * `@burnrate/cost-processor`: prices burnrate usage records from a price card and records the
 * dollar metrics; the report and capacity functions read what it accounted. Currency: USD only.
 * What is not exported here lives in `src/internal/` and is not public; `burnrate compare`'s
 * computation is the `@burnrate/cost-processor/compare` entry point.
 */

export {
  type BudgetExceededDetails,
  BudgetExceededError,
} from './budgets/budget-exceeded-error.js';
export type { DeploymentCapacity } from './capacity/capacity-tracker.js';
export { type CapacityInput, CapacityInputError, requiredInstances } from './capacity/required-instances.js';
export type {
  BudgetAction,
  BudgetEnforcementStatus,
} from './internal/budgets/budget-enforcer.js';
export {
  COST_COMPONENTS,
  type CostComponent,
  emptyModelSpend,
  type GpuSpend,
  type LedgerSnapshot,
  type ModelSpend,
  type UnpricedUsage,
} from './internal/ledger/ledger.js';
export { catalogProviderOf, resolveCatalogProvider } from './internal/pricing/genai-prices-adapter.js';
export type { PriceSource, TokenPriceResult, UnpricedReason } from './internal/pricing/types.js';
export { resolveGpuKey } from './internal/pricing/unit-pricers.js';
export { PriceCardError, type PriceCardIssue } from './price-card/errors.js';
export { loadPriceCard, parsePriceCard } from './price-card/load-price-card.js';
export type { PriceCardInput } from './price-card/schema.js';
export type { Budget, Deployment, PriceCard } from './price-card/types.js';
export {
  type CostProcessor,
  type CostProcessorOptions,
  createCostProcessor,
} from './processor/create-cost-processor.js';
export { buildReport } from './report/build-report.js';
export { formatReport, formatUsd } from './report/format-report.js';
export type { ComponentCost, CostReport, Recommendation } from './report/types.js';
