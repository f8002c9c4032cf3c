import { ATTR, COST_METRIC, METRIC, prometheusName } from '@burnrate/semconv';

/** The Prometheus label name the JS exporter writes for an attribute key (`.` → `_`). */
export function labelName(attributeKey: string): string {
  const name = attributeKey.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

const histogram = (name: string, suffix: '_count' | '_sum'): string =>
  `${prometheusName(name, 'histogram')}${suffix}`;

/** Series the CLI reads, named from the metric contract exactly as the JS Prometheus exporter writes them. */
export const SERIES = {
  cost: prometheusName(COST_METRIC.cost, 'counter'),
  requestCostCount: histogram(COST_METRIC.requestCost, '_count'),
  savings: prometheusName(COST_METRIC.savings, 'counter'),
  unpriced: prometheusName(COST_METRIC.unpricedUsage, 'counter'),
  inputTokens: prometheusName(METRIC.inputTokens, 'counter'),
  outputTokens: prometheusName(METRIC.outputTokens, 'counter'),
  cacheReadTokens: prometheusName(METRIC.cacheReadTokens, 'counter'),
  cacheWriteTokens: prometheusName(METRIC.cacheWriteTokens, 'counter'),
  reasoningTokens: prometheusName(METRIC.reasoningTokens, 'counter'),
  durationCount: histogram(METRIC.inferenceDuration, '_count'),
  durationSum: histogram(METRIC.inferenceDuration, '_sum'),
  gpuTime: prometheusName(METRIC.gpuTime, 'counter'),
  cacheRequests: prometheusName(METRIC.cacheRequests, 'counter'),
  revenue: prometheusName(METRIC.revenue, 'counter'),
} as const;

/** Label names the CLI groups and filters by. */
export const LABELS = {
  component: labelName(ATTR.costComponent),
  priceSource: labelName(ATTR.priceSource),
  provider: labelName(ATTR.providerName),
  requestModel: labelName(ATTR.requestModel),
  responseModel: labelName(ATTR.responseModel),
  serviceTier: labelName(ATTR.serviceTier),
  savingsStrategy: labelName(ATTR.savingsStrategy),
  unpricedReason: labelName(ATTR.unpricedReason),
  unit: labelName(ATTR.unit),
  gpuModel: labelName(ATTR.gpuModel),
  gpuMarket: labelName(ATTR.gpuMarket),
  networkScope: labelName(ATTR.networkScope),
  cacheResult: labelName(ATTR.cacheResult),
} as const;
