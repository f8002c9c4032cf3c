import { ATTR, COST_METRIC, METRIC } from '../names.js';

/**
 * The Prometheus series name the JS Prometheus exporter (0.223) writes for an OpenTelemetry metric
 * name: characters outside `[a-zA-Z0-9_:]` become `_`, counters get `_total`; no unit suffix.
 */
export function prometheusName(otelName: string, kind: 'counter' | 'gauge' | 'histogram' = 'gauge'): string {
  const base = otelName.replace(/[^a-zA-Z0-9_:]/g, '_');
  return kind === 'counter' ? `${base}_total` : base;
}

/**
 * The Prometheus label name the exporter writes for an attribute key: characters outside
 * `[a-zA-Z0-9_]` become `_`, and a leading digit gets a `_` prefix.
 */
export function labelName(attributeKey: string): string {
  const name = attributeKey.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

const histogram = (name: string, suffix: '_bucket' | '_count' | '_sum'): string =>
  `${prometheusName(name, 'histogram')}${suffix}`;

/** Series names of the contract as Prometheus sees them; rules, dashboards and the CLI query these. */
export const PROM = {
  cost: prometheusName(COST_METRIC.cost, 'counter'),
  requestCostBucket: histogram(COST_METRIC.requestCost, '_bucket'),
  requestCostSum: histogram(COST_METRIC.requestCost, '_sum'),
  requestCostCount: histogram(COST_METRIC.requestCost, '_count'),
  savings: prometheusName(COST_METRIC.savings, 'counter'),
  unpriced: prometheusName(COST_METRIC.unpricedUsage, 'counter'),
  gpuHourlyCost: prometheusName(COST_METRIC.gpuHourlyCost),
  budgetLimit: prometheusName(COST_METRIC.budgetLimit),
  budgetSpent: prometheusName(COST_METRIC.budgetSpent),
  budgetRemaining: prometheusName(COST_METRIC.budgetRemaining),
  budgetReserved: prometheusName(COST_METRIC.budgetReserved),
  budgetDecisions: prometheusName(COST_METRIC.budgetDecisions, 'counter'),
  budgetUnspent: prometheusName(COST_METRIC.budgetUnspent, 'counter'),
  price: prometheusName(COST_METRIC.price),
  priceCardInfo: prometheusName(COST_METRIC.priceCardInfo),
  requiredInstances: prometheusName(COST_METRIC.requiredInstances),
  inputTokens: prometheusName(METRIC.inputTokens, 'counter'),
  outputTokens: prometheusName(METRIC.outputTokens, 'counter'),
  cacheReadTokens: prometheusName(METRIC.cacheReadTokens, 'counter'),
  cacheWriteTokens: prometheusName(METRIC.cacheWriteTokens, 'counter'),
  reasoningTokens: prometheusName(METRIC.reasoningTokens, 'counter'),
  inferenceDurationBucket: histogram(METRIC.inferenceDuration, '_bucket'),
  inferenceDurationCount: histogram(METRIC.inferenceDuration, '_count'),
  inferenceDurationSum: histogram(METRIC.inferenceDuration, '_sum'),
  gpuTime: prometheusName(METRIC.gpuTime, 'counter'),
  gpuAllocated: prometheusName(METRIC.gpuAllocated),
  gpuUtilization: prometheusName(METRIC.gpuUtilization),
  gpuPower: prometheusName(METRIC.gpuPower),
  gpuEnergy: prometheusName(METRIC.gpuEnergy, 'counter'),
  cacheRequests: prometheusName(METRIC.cacheRequests, 'counter'),
  revenue: prometheusName(METRIC.revenue, 'counter'),
} as const;

/** Prometheus label names of the contract's attribute keys, plus the labels rules add. */
export const LABEL = {
  component: labelName(ATTR.costComponent),
  provider: labelName(ATTR.providerName),
  requestModel: labelName(ATTR.requestModel),
  responseModel: labelName(ATTR.responseModel),
  serviceTier: labelName(ATTR.serviceTier),
  operation: labelName(ATTR.operationName),
  priceSource: labelName(ATTR.priceSource),
  savingsStrategy: labelName(ATTR.savingsStrategy),
  unpricedReason: labelName(ATTR.unpricedReason),
  unit: labelName(ATTR.unit),
  gpuModel: labelName(ATTR.gpuModel),
  gpuMarket: labelName(ATTR.gpuMarket),
  workload: labelName(ATTR.workload),
  networkScope: labelName(ATTR.networkScope),
  cacheResult: labelName(ATTR.cacheResult),
  budget: labelName(ATTR.budget),
  budgetWindow: labelName(ATTR.budgetWindow),
  budgetAction: labelName(ATTR.budgetAction),
  deployment: labelName(ATTR.deployment),
  /** `error.type` of a failed call (on the inference-duration histogram). */
  errorType: labelName(ATTR.errorType),
  /** Labels of `burnrate_pricecard_info`: the card a process prices with. */
  cardChecksum: labelName(ATTR.cardChecksum),
  catalogVersion: labelName(ATTR.catalogVersion),
  cardDefaultsAsOf: labelName(ATTR.cardDefaultsAsOf),
  /** Caller attribute `feature` (not an OpenTelemetry name: the application chooses it). */
  feature: 'feature',
  /** Caller attribute `tenant`. */
  tenant: 'tenant',
  /** Direction of tokens on the deployment rules: `input` or `output`. */
  tokenType: labelName(ATTR.tokenType),
  /** Alert label: the budget threshold as a percentage, e.g. `80`. */
  threshold: 'burnrate_budget_threshold',
} as const;

/** Names of the generated recording rules (`level:metric:operations`, as Prometheus recommends). */
export const RECORDING_RULE = {
  costPerSecond: 'burnrate:cost_usd:rate5m',
  costPerHour: 'burnrate:cost_usd_per_hour:rate5m',
  costPerHourByComponent: 'burnrate:cost_usd_per_hour_by_component:rate5m',
  costPerHourByModel: 'burnrate:cost_usd_per_hour_by_model:rate5m',
  costPerHourByFeature: 'burnrate:cost_usd_per_hour_by_feature:rate5m',
  costPerHourByTenant: 'burnrate:cost_usd_per_hour_by_tenant:rate5m',
  costPerQuery: 'burnrate:request_cost_usd:mean5m',
  savingsPerHourByStrategy: 'burnrate:savings_usd_per_hour_by_strategy:rate5m',
  budgetSpend: 'burnrate_budget:spend_usd:window',
  budgetBurnRate1h: 'burnrate_budget:burn_rate:1h',
  /** A self-hosted deployment's GPU cost: GPU count × the card's $/GPU-hour for its market. */
  deploymentCostPerHour: 'burnrate:deployment_cost_usd_per_hour',
  /** Tokens the deployment's engine served per second, by `gen_ai_token_type` (input/output). */
  deploymentTokensPerSecond: 'burnrate:deployment_tokens_per_second',
  /** The deployment's whole cost charged to the tokens it served, per 1M tokens, by direction. */
  deploymentCostPer1mTokens: 'burnrate:deployment_cost_usd_per_1m_tokens',
  /** Share of the deployment in use, 0–1: GPU utilization, or running requests ÷ batch_size. */
  deploymentBusyRatio: 'burnrate:deployment_busy_ratio',
  /** The deployment's cost × (1 − busy ratio): dollars per hour paid for idle GPUs. */
  deploymentIdleCostPerHour: 'burnrate:deployment_idle_cost_usd_per_hour',
  /** A tenant's share of a deployment's cost, by its share of the model's tokens. */
  tenantSelfhostedCostPerHour: 'burnrate:tenant_selfhosted_cost_usd_per_hour',
} as const;
