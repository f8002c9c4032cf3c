import { METRIC, specOptions } from '@burnrate/semconv';
import type { Counter, Gauge, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';

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
  images: Counter;
  audioDuration: Counter;
  characters: Counter;
  toolCalls: Counter;
}

/** Creates the usage instruments on `meter`; histograms get the contract's bucket advice (seconds, tokens). */
export function createUsageInstruments(meter: Meter, legacy: boolean): UsageInstruments {
  const counter = (name: string): Counter => meter.createCounter(name, specOptions(name));
  const seconds = (name: string): Histogram => meter.createHistogram(name, specOptions(name));
  return {
    inputTokens: counter(METRIC.inputTokens),
    outputTokens: counter(METRIC.outputTokens),
    cacheReadTokens: counter(METRIC.cacheReadTokens),
    cacheWriteTokens: counter(METRIC.cacheWriteTokens),
    reasoningTokens: counter(METRIC.reasoningTokens),
    duration: seconds(METRIC.inferenceDuration),
    timeToFirstChunk: seconds(METRIC.timeToFirstChunk),
    legacyTokenUsage: legacy
      ? meter.createHistogram(METRIC.legacyTokenUsage, specOptions(METRIC.legacyTokenUsage))
      : undefined,
    legacyOperationDuration: legacy ? seconds(METRIC.legacyOperationDuration) : undefined,
    gpuTime: counter(METRIC.gpuTime),
    gpuAllocated: meter.createUpDownCounter(METRIC.gpuAllocated, specOptions(METRIC.gpuAllocated)),
    storage: meter.createGauge(METRIC.storageUsage, specOptions(METRIC.storageUsage)),
    network: counter(METRIC.networkIo),
    cacheRequests: counter(METRIC.cacheRequests),
    revenue: counter(METRIC.revenue),
    images: counter(METRIC.images),
    audioDuration: counter(METRIC.audioDuration),
    characters: counter(METRIC.characters),
    toolCalls: counter(METRIC.toolCalls),
  };
}
