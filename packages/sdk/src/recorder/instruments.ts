import type { Counter, Gauge, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { DURATION_BUCKETS_S, METRIC, TOKEN_BUCKETS } from '../semconv.js';

/** The usage instruments of DESIGN §3, created once per recorder. */
export interface UsageInstruments {
  inputTokens: Counter;
  outputTokens: Counter;
  cacheReadTokens: Counter;
  cacheWriteTokens: Counter;
  reasoningTokens: Counter;
  duration: Histogram;
  timeToFirstChunk: Histogram;
  legacyTokenUsage?: Histogram;
  legacyOperationDuration?: Histogram;
  gpuTime: Counter;
  gpuAllocated: UpDownCounter;
  storage: Gauge;
  network: Counter;
  cacheRequests: Counter;
  revenue: Counter;
}

/** Creates the usage instruments on `meter`, with bucket advice in the instruments' own units. */
export function createUsageInstruments(meter: Meter, legacy: boolean): UsageInstruments {
  const tokens = (name: string, description: string): Counter =>
    meter.createCounter(name, { unit: '{token}', description });
  const seconds = { unit: 's', advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] } };
  return {
    inputTokens: tokens(METRIC.inputTokens, 'Input tokens, cached input included'),
    outputTokens: tokens(METRIC.outputTokens, 'Output tokens, reasoning included'),
    cacheReadTokens: tokens(METRIC.cacheReadTokens, 'Input tokens read from the provider prompt cache'),
    cacheWriteTokens: tokens(METRIC.cacheWriteTokens, 'Input tokens written to the provider prompt cache'),
    reasoningTokens: tokens(METRIC.reasoningTokens, 'Reasoning output tokens'),
    duration: meter.createHistogram(METRIC.inferenceDuration, {
      ...seconds,
      description: 'Duration of a GenAI inference call, to its last chunk',
    }),
    timeToFirstChunk: meter.createHistogram(METRIC.timeToFirstChunk, {
      ...seconds,
      description: 'Time to the first chunk of a streaming GenAI call',
    }),
    legacyTokenUsage: legacy
      ? meter.createHistogram(METRIC.legacyTokenUsage, {
          unit: '{token}',
          description: 'Tokens used per call (legacy GenAI metric)',
          advice: { explicitBucketBoundaries: [...TOKEN_BUCKETS] },
        })
      : undefined,
    legacyOperationDuration: legacy
      ? meter.createHistogram(METRIC.legacyOperationDuration, {
          ...seconds,
          description: 'GenAI operation duration (legacy GenAI metric)',
        })
      : undefined,
    gpuTime: meter.createCounter(METRIC.gpuTime, { unit: 's', description: 'GPU-seconds: wall time × GPUs' }),
    gpuAllocated: meter.createUpDownCounter(METRIC.gpuAllocated, {
      unit: '{gpu}',
      description: 'GPUs held by reservations',
    }),
    storage: meter.createGauge(METRIC.storageUsage, { unit: 'By', description: 'Bytes held in storage' }),
    network: meter.createCounter(METRIC.networkIo, {
      unit: 'By',
      description: 'Bytes moved over the network',
    }),
    cacheRequests: meter.createCounter(METRIC.cacheRequests, {
      unit: '{request}',
      description: 'Application response-cache lookups by result',
    }),
    revenue: meter.createCounter(METRIC.revenue, {
      unit: '{USD}',
      description: 'Revenue attributed to LLM features',
    }),
  };
}
