/**
 * The single source of truth for every metric and attribute name burnrate emits.
 * Dashboards, alert rules, docs and tests import these; never spell a name elsewhere.
 *
 * Names are OpenTelemetry names. The JS Prometheus exporter turns `.` into `_` and appends
 * `_total` to counters; {@link prometheusName} does the same so generated queries match.
 */

/** Usage metrics recorded by `@burnrate/sdk` (DESIGN §3). */
export const METRIC = {
  inputTokens: 'gen_ai.client.inference.usage.input_tokens',
  outputTokens: 'gen_ai.client.inference.usage.output_tokens',
  cacheReadTokens: 'gen_ai.client.inference.usage.cache_read.input_tokens',
  cacheWriteTokens: 'gen_ai.client.inference.usage.cache_write.input_tokens',
  reasoningTokens: 'gen_ai.client.inference.usage.reasoning.output_tokens',
  inferenceDuration: 'gen_ai.client.inference.duration',
  timeToFirstChunk: 'gen_ai.client.inference.time_to_first_chunk',
  /** Legacy GenAI histogram, opt-in through `legacyMetrics`. */
  legacyTokenUsage: 'gen_ai.client.token.usage',
  /** Legacy GenAI histogram, opt-in through `legacyMetrics`. */
  legacyOperationDuration: 'gen_ai.client.operation.duration',
  gpuTime: 'burnrate.gpu.time',
  gpuAllocated: 'burnrate.gpu.allocated',
  gpuUtilization: 'hw.gpu.utilization',
  gpuMemoryUsage: 'hw.gpu.memory.usage',
  storageUsage: 'burnrate.storage.usage',
  networkIo: 'burnrate.network.io',
  cacheRequests: 'burnrate.cache.requests',
  revenue: 'burnrate.revenue.usd',
} as const;

/** Dollar metrics recorded by `@burnrate/cost-processor` (DESIGN §3). */
export const COST_METRIC = {
  cost: 'burnrate.cost.usd',
  requestCost: 'burnrate.request.cost.usd',
  savings: 'burnrate.savings.usd',
  unpricedUsage: 'burnrate.unpriced.usage',
  gpuHourlyCost: 'burnrate.gpu.hourly_cost.usd',
  budgetLimit: 'burnrate.budget.limit.usd',
  price: 'burnrate.price.usd',
  priceCardInfo: 'burnrate.pricecard.info',
  requiredInstances: 'burnrate.capacity.required_instances',
} as const;

/** Attribute keys. GenAI keys follow the OpenTelemetry GenAI semantic conventions. */
export const ATTR = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  tokenModality: 'gen_ai.token.modality',
  tokenType: 'gen_ai.token.type',
  serviceTier: 'openai.response.service_tier',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  gpuModel: 'burnrate.gpu.model',
  gpuMarket: 'burnrate.gpu.market',
  workload: 'burnrate.workload',
  gpuId: 'hw.id',
  storageClass: 'burnrate.storage.class',
  networkDirection: 'network.io.direction',
  networkScope: 'burnrate.network.scope',
  cacheResult: 'burnrate.cache.result',
  costComponent: 'burnrate.cost.component',
  priceSource: 'burnrate.price.source',
  savingsStrategy: 'burnrate.savings.strategy',
  unpricedReason: 'burnrate.unpriced.reason',
  unit: 'burnrate.unit',
  tokenKind: 'burnrate.token.kind',
  budget: 'burnrate.budget',
  budgetWindow: 'burnrate.budget.window',
  deployment: 'burnrate.deployment',
  catalogVersion: 'burnrate.pricecard.catalog_version',
  cardChecksum: 'burnrate.pricecard.checksum',
  /** Date of the price card's shipped GPU/storage/network defaults (cost-processor). */
  cardDefaultsAsOf: 'burnrate.pricecard.defaults_as_of',
  /** Name of a fixed monthly cost (cost-processor, component `fixed`). */
  fixedCostName: 'burnrate.fixed_cost.name',
  /** Catalog model id or explicit price pattern that priced a call (cost-processor). */
  pricedModel: 'burnrate.price.model',
} as const;

/** Histogram bucket boundaries in seconds: 0.01 … 81.92, doubling (GenAI semconv advice). */
export const DURATION_BUCKETS_S: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Histogram bucket boundaries in tokens for the legacy `gen_ai.client.token.usage`. */
export const TOKEN_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** Histogram bucket boundaries in USD for `burnrate.request.cost.usd`: decades 1e-6 … 10. */
export const COST_BUCKETS_USD: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

/**
 * The Prometheus series name the JS Prometheus exporter (0.223) produces for an OpenTelemetry
 * metric name: `.` becomes `_`, counters get `_total`; no unit suffix is added.
 */
export function prometheusName(otelName: string, kind: 'counter' | 'gauge' | 'histogram' = 'gauge'): string {
  const base = otelName.replace(/[^a-zA-Z0-9_:]/g, '_');
  return kind === 'counter' ? `${base}_total` : base;
}
