import type {
  Attributes,
  GpuReservationRecord,
  GpuUsageRecord,
  LlmUsageRecord,
  StorageUsageRecord,
  TokenUsage,
} from '@burnrate/sdk';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** A MetricReader that only collects on demand. */
export class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** A private MeterProvider with an on-demand reader. */
export function testMeter(): { meterProvider: MeterProvider; reader: TestReader } {
  const reader = new TestReader();
  return { meterProvider: new MeterProvider({ readers: [reader] }), reader };
}

/** One data point of a collected metric. */
export interface Point {
  attributes: Attributes;
  value: number;
  /** Histogram bucket counts and sum, for histograms. */
  histogram?: { sum: number; count: number; boundaries: number[] };
}

/** Collects and returns the points of one metric by name. */
export async function points(reader: TestReader, name: string): Promise<Point[]> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new Error(`collection errors: ${errors.join(', ')}`);
  return pointsOf(resourceMetrics, name);
}

function pointsOf(rm: ResourceMetrics, name: string): Point[] {
  const out: Point[] = [];
  for (const scope of rm.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const dp of metric.dataPoints) {
        const v = dp.value as unknown;
        if (typeof v === 'number') out.push({ attributes: dp.attributes as Attributes, value: v });
        else {
          const h = v as { sum: number; count: number; buckets: { boundaries: number[] } };
          out.push({
            attributes: dp.attributes as Attributes,
            value: h.sum,
            histogram: { sum: h.sum, count: h.count, boundaries: h.buckets.boundaries },
          });
        }
      }
    }
  }
  return out;
}

/** Sums the points whose attributes include `match`. */
export function total(ps: readonly Point[], match: Attributes = {}): number {
  return ps
    .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + p.value, 0);
}

/** Builds a normalized TokenUsage. */
export function usage(u: Partial<TokenUsage>): TokenUsage {
  return { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, ...u };
}

/** A hand-made LLM record (OpenAI chat by default). */
export function llm(
  model: string,
  u: Partial<TokenUsage>,
  extra: Partial<LlmUsageRecord> = {},
): LlmUsageRecord {
  return {
    kind: 'llm',
    timeMs: Date.UTC(2026, 10, 20),
    attributes: {},
    provider: 'openai',
    operation: 'chat',
    requestModel: model,
    usage: usage(u),
    usageSource: 'provider',
    durationS: 1,
    streaming: false,
    ...extra,
  };
}

/** A hand-made GPU record. */
export function gpu(
  gpuModel: string,
  gpuSeconds: number,
  extra: Partial<GpuUsageRecord> = {},
): GpuUsageRecord {
  return {
    kind: 'gpu',
    timeMs: Date.UTC(2026, 10, 20),
    attributes: {},
    gpu: gpuModel,
    count: 1,
    market: 'on_demand',
    gpuSeconds,
    ...extra,
  };
}

/** A hand-made reservation lifecycle record (id `r1`). */
export function reservation(
  event: GpuReservationRecord['event'],
  gpuModel: string,
  count: number,
  market: GpuReservationRecord['market'],
): GpuReservationRecord {
  return {
    kind: 'gpu_reservation',
    event,
    id: 'r1',
    timeMs: 0,
    attributes: {},
    gpu: gpuModel,
    count,
    market,
  };
}

/** A hand-made storage level record. */
export function storageLevel(
  bytes: number,
  storageClass = 'default',
  attributes: Attributes = {},
): StorageUsageRecord {
  return { kind: 'storage', timeMs: 0, attributes, storageClass, bytes };
}

/** A manual clock in ms. */
export function manualClock(startMs = Date.UTC(2026, 10, 20)): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let t = startMs;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** Dollars as integer micro-dollars, for exact comparisons. */
export function micros(usd: number): number {
  return Math.round(usd * 1e6);
}
