import { COST_BUCKETS_USD, DURATION_BUCKETS_S, TOKEN_BUCKETS } from './buckets.js';
import { ATTR, COST_METRIC, METRIC } from './names.js';
import { prometheusName } from './prometheus/names.js';

/** The OpenTelemetry instrument kind of a metric. */
export type InstrumentKind = 'Counter' | 'UpDownCounter' | 'Histogram' | 'Gauge';

/** One metric of the contract: what it is, in which unit, with which attributes. */
export interface MetricSpec {
  /** OpenTelemetry name. */
  name: string;
  instrument: InstrumentKind;
  /** UCUM unit, as given to the instrument. */
  unit: string;
  description: string;
  /** Attribute keys beyond the caller's (feature, tenant, ...). */
  attributes: readonly string[];
  /** The package that records it. */
  recordedBy: '@burnrate/sdk' | '@burnrate/cost-processor';
  /** Explicit histogram bucket boundaries, in the instrument's unit (histograms only). */
  buckets?: readonly number[];
}

/**
 * The options an OpenTelemetry instrument is created with (structurally `MetricOptions` of
 * `@opentelemetry/api`, which this package does not depend on).
 */
export interface InstrumentOptions {
  unit: string;
  description: string;
  advice?: { explicitBucketBoundaries: number[] };
}

const GENAI = [
  ATTR.operationName,
  ATTR.providerName,
  ATTR.requestModel,
  ATTR.responseModel,
  ATTR.serverAddress,
  ATTR.serverPort,
  // Set on calls a budget downgraded or capped before they were sent.
  ATTR.budgetAction,
];
const GPU = [ATTR.gpuModel, ATTR.gpuMarket, ATTR.workload, ATTR.requestModel];
const sdk = '@burnrate/sdk' as const;
const cost = '@burnrate/cost-processor' as const;

/** The metric contract (DESIGN §3) as data: docs, dashboards and drift tests read it. */
export const METRIC_SPECS: readonly MetricSpec[] = [
  {
    name: METRIC.inputTokens,
    instrument: 'Counter',
    unit: '{token}',
    description: 'Input tokens, cached input included',
    attributes: GENAI,
    recordedBy: sdk,
  },
  {
    name: METRIC.outputTokens,
    instrument: 'Counter',
    unit: '{token}',
    description: 'Output tokens, reasoning included',
    attributes: GENAI,
    recordedBy: sdk,
  },
  {
    name: METRIC.cacheReadTokens,
    instrument: 'Counter',
    unit: '{token}',
    description: 'Input tokens read from the provider prompt cache',
    attributes: GENAI,
    recordedBy: sdk,
  },
  {
    name: METRIC.cacheWriteTokens,
    instrument: 'Counter',
    unit: '{token}',
    description: 'Input tokens written to the provider prompt cache',
    attributes: GENAI,
    recordedBy: sdk,
  },
  {
    name: METRIC.reasoningTokens,
    instrument: 'Counter',
    unit: '{token}',
    description: 'Reasoning output tokens',
    attributes: GENAI,
    recordedBy: sdk,
  },
  {
    name: METRIC.inferenceDuration,
    instrument: 'Histogram',
    buckets: DURATION_BUCKETS_S,
    unit: 's',
    description: 'Duration of a GenAI inference call, to its last chunk; error.type on failure',
    attributes: [...GENAI, ATTR.errorType],
    recordedBy: sdk,
  },
  {
    name: METRIC.timeToFirstChunk,
    instrument: 'Histogram',
    buckets: DURATION_BUCKETS_S,
    unit: 's',
    description: 'Time to the first chunk of a streaming GenAI call',
    attributes: GENAI,
    recordedBy: sdk,
  },
  {
    name: METRIC.legacyTokenUsage,
    instrument: 'Histogram',
    buckets: TOKEN_BUCKETS,
    unit: '{token}',
    description: 'Tokens per call (legacy GenAI metric; opt-in with legacyMetrics)',
    attributes: [...GENAI, ATTR.tokenType],
    recordedBy: sdk,
  },
  {
    name: METRIC.legacyOperationDuration,
    instrument: 'Histogram',
    buckets: DURATION_BUCKETS_S,
    unit: 's',
    description: 'GenAI operation duration (legacy GenAI metric; opt-in with legacyMetrics)',
    attributes: [...GENAI, ATTR.errorType],
    recordedBy: sdk,
  },
  {
    name: METRIC.gpuTime,
    instrument: 'Counter',
    unit: 's',
    description: 'GPU-seconds: wall time × GPUs',
    attributes: GPU,
    recordedBy: sdk,
  },
  {
    name: METRIC.gpuAllocated,
    instrument: 'UpDownCounter',
    unit: '{gpu}',
    description: 'GPUs held by reservations',
    attributes: GPU,
    recordedBy: sdk,
  },
  {
    name: METRIC.gpuUtilization,
    instrument: 'Gauge',
    unit: '1',
    description: 'GPU utilization (0–1) from nvidia-smi',
    attributes: [ATTR.gpuId, ATTR.gpuName, ATTR.gpuIndex, ATTR.hwType],
    recordedBy: sdk,
  },
  {
    name: METRIC.gpuMemoryUsage,
    instrument: 'Gauge',
    unit: 'By',
    description: 'GPU memory used, from nvidia-smi',
    attributes: [ATTR.gpuId, ATTR.gpuName, ATTR.gpuIndex, ATTR.hwType],
    recordedBy: sdk,
  },
  {
    name: METRIC.gpuPower,
    instrument: 'Gauge',
    unit: 'W',
    description: 'GPU power draw, from nvidia-smi (power.draw); absent where it prints [N/A]',
    attributes: [ATTR.gpuId, ATTR.gpuName, ATTR.gpuIndex, ATTR.hwType],
    recordedBy: sdk,
  },
  {
    name: METRIC.gpuEnergy,
    instrument: 'Counter',
    unit: 'J',
    description:
      "GPU energy consumed: nvidia-smi's energy counter where configured, else power.draw integrated between samples since the sampler started",
    attributes: [ATTR.gpuId, ATTR.gpuName, ATTR.gpuIndex, ATTR.hwType],
    recordedBy: sdk,
  },
  {
    name: METRIC.storageUsage,
    instrument: 'Gauge',
    unit: 'By',
    description: 'Bytes held in storage',
    attributes: [ATTR.storageClass],
    recordedBy: sdk,
  },
  {
    name: METRIC.networkIo,
    instrument: 'Counter',
    unit: 'By',
    description: 'Bytes moved over the network',
    attributes: [ATTR.networkDirection, ATTR.networkScope],
    recordedBy: sdk,
  },
  {
    name: METRIC.cacheRequests,
    instrument: 'Counter',
    unit: '{request}',
    description: 'Application response-cache lookups by result',
    attributes: [ATTR.cacheResult, ATTR.requestModel],
    recordedBy: sdk,
  },
  {
    name: METRIC.revenue,
    instrument: 'Counter',
    unit: '{USD}',
    description: 'Revenue attributed to LLM features',
    attributes: [],
    recordedBy: sdk,
  },
  {
    name: METRIC.telemetryDropped,
    instrument: 'Counter',
    unit: '{event}',
    description:
      'Telemetry burnrate dropped, by cause (processor: a processor threw or rejected); warned about once per cause on stderr',
    attributes: [ATTR.dropCause],
    recordedBy: sdk,
  },
  {
    name: METRIC.images,
    instrument: 'Counter',
    unit: '{image}',
    description:
      'Images made (images API; DALL·E is billed per image, gpt-image models by tokens). burnrate.* rather than gen_ai.client.inference.usage.*: the GenAI conventions define token usage only, so units they lack get names of our own',
    attributes: [...GENAI, ATTR.imageSize, ATTR.imageQuality],
    recordedBy: sdk,
  },
  {
    name: METRIC.audioDuration,
    instrument: 'Counter',
    unit: 's',
    description:
      'Seconds of input audio (transcriptions and translations; whisper-1 is billed per second). burnrate.*: the GenAI conventions define token usage only',
    attributes: GENAI,
    recordedBy: sdk,
  },
  {
    name: METRIC.characters,
    instrument: 'Counter',
    unit: '{character}',
    description:
      'Characters of input text (speech; tts-1 and tts-1-hd are billed per character). burnrate.*: the GenAI conventions define token usage only',
    attributes: GENAI,
    recordedBy: sdk,
  },
  {
    name: METRIC.toolCalls,
    instrument: 'Counter',
    unit: '{call}',
    description:
      'Built-in tool calls of Responses API calls by tool type (web_search, file_search: billed per call; code_interpreter: per container). burnrate.*: the GenAI conventions define token usage only',
    attributes: [...GENAI, ATTR.toolType],
    recordedBy: sdk,
  },
  {
    name: COST_METRIC.cost,
    instrument: 'Counter',
    unit: '{USD}',
    description:
      'Cost in USD by component (api, gpu, storage, network, fixed); GPU energy priced at the card’s $/kWh is gpu with burnrate.unit=kwh',
    attributes: [
      ATTR.costComponent,
      ATTR.unit,
      ATTR.priceSource,
      ATTR.pricedModel,
      ATTR.providerName,
      ATTR.requestModel,
      ATTR.responseModel,
      ATTR.serviceTier,
      ATTR.gpuModel,
      ATTR.gpuMarket,
      ATTR.workload,
      ATTR.storageClass,
      ATTR.networkScope,
      ATTR.networkDirection,
      ATTR.fixedCostName,
      ATTR.budgetAction,
      ATTR.metricOverflow,
    ],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.requestCost,
    instrument: 'Histogram',
    buckets: COST_BUCKETS_USD,
    unit: '{USD}',
    description: 'Cost of one LLM call (C_query)',
    attributes: [
      ATTR.operationName,
      ATTR.providerName,
      ATTR.requestModel,
      ATTR.priceSource,
      ATTR.budgetAction,
    ],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.savings,
    instrument: 'Counter',
    unit: '{USD}',
    description: 'Dollars saved, by strategy',
    attributes: [
      ATTR.savingsStrategy,
      ATTR.providerName,
      ATTR.requestModel,
      ATTR.responseModel,
      ATTR.serviceTier,
      ATTR.gpuModel,
      ATTR.gpuMarket,
      ATTR.workload,
      ATTR.metricOverflow,
    ],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.unpricedUsage,
    instrument: 'Counter',
    unit: '1',
    description:
      'Usage with no price, by reason and unit (token, gpu_second, byte, request, image, second, character, call, container); never counted as $0',
    attributes: [
      ATTR.unpricedReason,
      ATTR.unit,
      ATTR.providerName,
      ATTR.requestModel,
      ATTR.responseModel,
      ATTR.gpuModel,
      ATTR.gpuMarket,
      ATTR.workload,
      ATTR.storageClass,
      ATTR.networkScope,
      ATTR.networkDirection,
      ATTR.metricOverflow,
    ],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.gpuHourlyCost,
    instrument: 'Gauge',
    unit: '{USD}/h',
    description: 'Current USD per hour of the GPUs held by reservations',
    attributes: [ATTR.gpuModel, ATTR.gpuMarket],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.budgetLimit,
    instrument: 'Gauge',
    unit: '{USD}',
    description: 'Configured budget amounts, one series per budget',
    attributes: [ATTR.budget, ATTR.budgetWindow],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.budgetSpent,
    instrument: 'Gauge',
    unit: '{USD}',
    description:
      "USD a budget has spent in its current window, as its enforcement sees it (this process's, or the fleet's with budgets_source)",
    attributes: [ATTR.budget, ATTR.budgetWindow],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.budgetRemaining,
    instrument: 'Gauge',
    unit: '{USD}',
    description:
      'USD a budget has left in its window: amount − spent − reserved, never below 0 and never infinite (overspend shows as spent > limit)',
    attributes: [ATTR.budget, ATTR.budgetWindow],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.budgetReserved,
    instrument: 'Gauge',
    unit: '{USD}',
    description:
      'USD reserved against a budget for calls in flight (their estimates until their usage arrives)',
    attributes: [ATTR.budget, ATTR.budgetWindow],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.budgetDecisions,
    instrument: 'Counter',
    unit: '{call}',
    description:
      'Pre-call decisions of enforcing budgets, by budget and action (allow, block, downgrade, cap_output, warn)',
    attributes: [ATTR.budget, ATTR.budgetAction],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.budgetUnspent,
    instrument: 'Counter',
    unit: '{USD}',
    description:
      "USD budget enforcement kept from being spent: block (the refused calls' estimates), downgrade (usage at the requested model's price minus what was paid), cap_output (cut output tokens at the output price, an upper bound)",
    attributes: [ATTR.budget, ATTR.budgetAction],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.price,
    instrument: 'Gauge',
    unit: '{USD}',
    description: 'Price card prices in USD per unit (token, gpu_hour, gb_month, gb, month)',
    attributes: [
      ATTR.priceSource,
      ATTR.pricedModel,
      ATTR.tokenKind,
      ATTR.gpuModel,
      ATTR.gpuMarket,
      ATTR.storageClass,
      ATTR.networkScope,
      ATTR.networkDirection,
      ATTR.fixedCostName,
      ATTR.unit,
    ],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.priceCardInfo,
    instrument: 'Gauge',
    unit: '1',
    description: 'Price card in use: catalog version, checksum, defaults date (value 1)',
    attributes: [ATTR.catalogVersion, ATTR.cardChecksum, ATTR.cardDefaultsAsOf],
    recordedBy: cost,
  },
  {
    name: COST_METRIC.requiredInstances,
    instrument: 'Gauge',
    unit: '{instance}',
    description:
      'Instances needed for the observed QPS and latency: ceil(qps × latency / (batch × utilization))',
    attributes: [ATTR.deployment],
    recordedBy: cost,
  },
];

const SPEC_BY_NAME: ReadonlyMap<string, MetricSpec> = new Map(METRIC_SPECS.map((s) => [s.name, s]));

/** The spec of a metric of the contract; throws for a name that is not in {@link METRIC_SPECS}. */
export function specOf(name: string): MetricSpec {
  const spec = SPEC_BY_NAME.get(name);
  if (!spec) throw new Error(`burnrate: ${name} is not in METRIC_SPECS`);
  return spec;
}

/**
 * Instrument options for a metric of the contract: its unit and description, plus its bucket
 * advice for histograms (the SDK's default buckets are milliseconds). Throws for a name that is not
 * in {@link METRIC_SPECS} (a programming error, caught by the contract test).
 */
export function specOptions(name: string): InstrumentOptions {
  const spec = specOf(name);
  return {
    unit: spec.unit,
    description: spec.description,
    ...(spec.buckets && { advice: { explicitBucketBoundaries: [...spec.buckets] } }),
  };
}

/** The Prometheus series name the JS exporter produces for a spec (counters get `_total`). */
export function prometheusNameOf(spec: MetricSpec): string {
  return prometheusName(spec.name, spec.instrument === 'Counter' ? 'counter' : 'gauge');
}

/** Renders the metric reference as a Markdown table (docs/metrics.md is generated from this). */
export function renderMetricReference(specs: readonly MetricSpec[] = METRIC_SPECS): string {
  const rows = specs.map(
    (s) =>
      `| \`${s.name}\` | \`${prometheusNameOf(s)}\`${s.instrument === 'Histogram' ? ' (`_bucket`, `_sum`, `_count`)' : ''} | ${s.instrument} | \`${s.unit}\` | ${s.description} | ${s.attributes.map((a) => `\`${a}\``).join(', ') || '—'} | ${s.recordedBy} |`,
  );
  return [
    '# Metric reference',
    '',
    '<!-- Generated from packages/semconv/src/metric-specs.ts by `pnpm run gen:docs`; a test fails when this file drifts. -->',
    '',
    'OpenTelemetry names, and the Prometheus names the JS Prometheus exporter gives them (`.` → `_`, `_total`',
    'on counters, no unit suffix). Every metric also carries the caller attributes that pass the cardinality',
    'guard (default allow-list: feature, tenant, user, team, environment, service, route, workflow,',
    'experiment, variant).',
    '',
    '| OpenTelemetry name | Prometheus name | instrument | unit | what | attributes | recorded by |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
