/**
 * `@burnrate/cost-processor`: prices burnrate usage records from a price card and records the
 * dollar metrics; the report and capacity functions read what it accounted. Currency: USD only.
 * What is not exported here lives in `src/internal/` and is not public.
 */

export {
  type BudgetExceededDetails,
  BudgetExceededError,
} from './budgets/budget-exceeded-error.js';
export type { DeploymentCapacity } from './capacity/capacity-tracker.js';
export { type CapacityInput, CapacityInputError, requiredInstances } from './capacity/required-instances.js';
export {
  apiCandidate,
  CompareInputError,
  type DeploymentRef,
  deploymentCandidate,
  findDeployment,
  parseDeploymentRef,
} from './compare/candidates.js';
export {
  type ApiCandidate,
  type BeforeAfterRow,
  type BreakEven,
  breakEven,
  type CandidateCost,
  type CompareCandidate,
  type CompareWorkload,
  type Comparison,
  compare,
  costOf,
  type DeploymentCandidate,
  HOURS_PER_MONTH,
} from './compare/compare.js';
export { measuredAlternatives } from './compare/measured-alternatives.js';
export type {
  BudgetAction,
  BudgetEnforcementStatus,
} from './internal/budgets/budget-enforcer.js';
export type { BudgetSpendReading } from './internal/budgets/fleet-spend.js';
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
export type { SelectorMatcher } from './price-card/label-selector.js';
export { DEFAULT_DEPLOYMENT_ALERTS, loadPriceCard, parsePriceCard } from './price-card/load-price-card.js';
export type { PriceCardInput } from './price-card/schema.js';
export type {
  Budget,
  BudgetEnforcement,
  BudgetsSource,
  Deployment,
  DeploymentAlerts,
  DeploymentGpu,
  DeploymentServer,
  PriceCard,
  ServingEngine,
} from './price-card/types.js';
export {
  type ContainerPrice,
  type ImagePrice,
  type ModelUnitPrice,
  type ToolCallPrice,
  UNIT_PRICE_SOURCES,
  type UnitPriceFrom,
  type UnitPriceTable,
  unitPriceTable,
} from './price-card/unit-prices.js';
export type { UnitPricesInput } from './price-card/unit-prices-schema.js';
export {
  type CostProcessor,
  type CostProcessorOptions,
  createCostProcessor,
} from './processor/create-cost-processor.js';
export { buildReport } from './report/build-report.js';
export { formatReport, formatUsd } from './report/format-report.js';
export type { ComponentCost, CostReport, Recommendation } from './report/types.js';
