import type { Counter, Gauge, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { specOptions } from '../metric-specs.js';
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
  const counter = (name: string): Counter => meter.createCounter(name, specOptions(name));
  const seconds = (name: string): Histogram =>
    meter.createHistogram(name, specOptions(name, DURATION_BUCKETS_S));
  return {
    inputTokens: counter(METRIC.inputTokens),
    outputTokens: counter(METRIC.outputTokens),
    cacheReadTokens: counter(METRIC.cacheReadTokens),
    cacheWriteTokens: counter(METRIC.cacheWriteTokens),
    reasoningTokens: counter(METRIC.reasoningTokens),
    duration: seconds(METRIC.inferenceDuration),
    timeToFirstChunk: seconds(METRIC.timeToFirstChunk),
    legacyTokenUsage: legacy
      ? meter.createHistogram(METRIC.legacyTokenUsage, specOptions(METRIC.legacyTokenUsage, TOKEN_BUCKETS))
      : undefined,
    legacyOperationDuration: legacy ? seconds(METRIC.legacyOperationDuration) : undefined,
    gpuTime: counter(METRIC.gpuTime),
    gpuAllocated: meter.createUpDownCounter(METRIC.gpuAllocated, specOptions(METRIC.gpuAllocated)),
    storage: meter.createGauge(METRIC.storageUsage, specOptions(METRIC.storageUsage)),
    network: counter(METRIC.networkIo),
    cacheRequests: counter(METRIC.cacheRequests),
    revenue: counter(METRIC.revenue),
  };
}
