/**
 * The single source of truth for every metric and attribute name burnrate emits. Every other
 * package, the rules, dashboards, docs and tests import these; a test fails when a metric name is
 * spelled anywhere else. Names are OpenTelemetry names; `prometheus/names.ts` spells them the way
 * the JS Prometheus exporter writes them.
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
  /** GPU power draw in W (OpenTelemetry's common `hw.power`, with `hw.type` = `gpu`). */
  gpuPower: 'hw.power',
  /** GPU energy consumed in J (OpenTelemetry's common `hw.energy`, with `hw.type` = `gpu`). */
  gpuEnergy: 'hw.energy',
  storageUsage: 'burnrate.storage.usage',
  networkIo: 'burnrate.network.io',
  cacheRequests: 'burnrate.cache.requests',
  revenue: 'burnrate.revenue.usd',
  /** Telemetry burnrate dropped (a processor that threw, ...), by cause: what `/metrics` is missing. */
  telemetryDropped: 'burnrate.telemetry.dropped',
  /** Images made by LLM calls (images API), by size and quality. */
  images: 'burnrate.usage.images',
  /** Seconds of input audio of LLM calls (transcriptions, translations). */
  audioDuration: 'burnrate.usage.audio.duration',
  /** Characters of input text of LLM calls (speech). */
  characters: 'burnrate.usage.characters',
  /** Built-in tool calls of LLM calls (Responses API web search, file search, code interpreter), by tool type. */
  toolCalls: 'burnrate.usage.tool_calls',
} as const;

/** Dollar metrics recorded by `@burnrate/cost-processor` (DESIGN §3). */
export const COST_METRIC = {
  cost: 'burnrate.cost.usd',
  requestCost: 'burnrate.request.cost.usd',
  savings: 'burnrate.savings.usd',
  unpricedUsage: 'burnrate.unpriced.usage',
  gpuHourlyCost: 'burnrate.gpu.hourly_cost.usd',
  budgetLimit: 'burnrate.budget.limit.usd',
  /** USD a budget has spent in its current window (in-process enforcement). */
  budgetSpent: 'burnrate.budget.spent.usd',
  /** USD a budget has left in its window: amount − spent − reserved, never below 0. */
  budgetRemaining: 'burnrate.budget.remaining.usd',
  /** USD reserved against a budget for calls in flight. */
  budgetReserved: 'burnrate.budget.reserved.usd',
  /** Pre-call budget decisions, by budget and action. */
  budgetDecisions: 'burnrate.budget.decisions',
  /** USD budget enforcement kept from being spent, by budget and action (block, downgrade, cap_output). */
  budgetUnspent: 'burnrate.budget.unspent.usd',
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
  /** GPU product name as nvidia-smi reports it (`hw.gpu.*` gauges). */
  gpuName: 'hw.name',
  /** GPU index on its host as nvidia-smi reports it (`hw.gpu.*` gauges). */
  gpuIndex: 'hw.gpu.index',
  /** Hardware component type (`gpu` on the nvidia-smi sampler's series), OpenTelemetry's `hw.type`. */
  hwType: 'hw.type',
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
  /**
   * What a budget did to a call: `allow`, `block`, `downgrade`, `cap_output`, `warn` (on
   * `burnrate.budget.decisions`; `downgrade` and `cap_output` also on the call's own metrics).
   */
  budgetAction: 'burnrate.budget.action',
  deployment: 'burnrate.deployment',
  catalogVersion: 'burnrate.pricecard.catalog_version',
  cardChecksum: 'burnrate.pricecard.checksum',
  /** Date of the price card's shipped GPU/storage/network defaults (cost-processor). */
  cardDefaultsAsOf: 'burnrate.pricecard.defaults_as_of',
  /** Name of a fixed monthly cost (cost-processor, component `fixed`). */
  fixedCostName: 'burnrate.fixed_cost.name',
  /** Why telemetry was dropped: `processor` (a processor threw or rejected), ... */
  dropCause: 'burnrate.telemetry.cause',
  /**
   * Set on the one series that sums the label sets past a metric's series bound (the same attribute
   * the OpenTelemetry SDK uses for its own overflow series).
   */
  metricOverflow: 'otel.metric.overflow',
  /** Catalog model id or explicit price pattern that priced a call (cost-processor). */
  pricedModel: 'burnrate.price.model',
  /** Built-in tool type of a tool call (`web_search`, `file_search`, `code_interpreter`, ...). */
  toolType: 'burnrate.tool.type',
  /** Image size as requested or returned (`1024x1024`, ...). */
  imageSize: 'burnrate.image.size',
  /** Image quality as requested or returned (`standard`, `hd`, `low`, `medium`, `high`). */
  imageQuality: 'burnrate.image.quality',
} as const;
