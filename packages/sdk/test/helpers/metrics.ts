import type { MeterProvider as ApiMeterProvider, Attributes, Meter } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

/** A reader that exports nothing: tests call `collect()` themselves. */
export class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** A private MeterProvider and its reader, for one test. */
export function privateMeter(): { meterProvider: MeterProvider; reader: TestReader } {
  const reader = new TestReader();
  return { meterProvider: new MeterProvider({ readers: [reader] }), reader };
}

/** Collected data points of one metric, by attributes. */
export interface Point {
  attributes: Attributes;
  value: number;
  /** For histograms: count and sum. */
  count?: number;
}

/** Collects now and returns the data points of `name` (empty when the metric is absent). */
export async function points(reader: MetricReader, name: string): Promise<Point[]> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  return pointsIn(resourceMetrics, name);
}

/** The data points of `name` in already collected metrics. */
export function pointsIn(rm: ResourceMetrics, name: string): Point[] {
  const out: Point[] = [];
  for (const scope of rm.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const dp of metric.dataPoints as DataPoint<number | Histogram>[]) {
        if (typeof dp.value === 'number') out.push({ attributes: dp.attributes, value: dp.value });
        else out.push({ attributes: dp.attributes, value: dp.value.sum ?? 0, count: dp.value.count });
      }
    }
  }
  return out;
}

/** Sum of the values (histograms: sums) of `name` whose attributes include `where`. */
export async function total(reader: MetricReader, name: string, where: Attributes = {}): Promise<number> {
  return sumWhere(await points(reader, name), where);
}

/** Sum of the values of points whose attributes include `where`. */
export function sumWhere(pts: Point[], where: Attributes = {}): number {
  return pts
    .filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v))
    .reduce((s, p) => s + p.value, 0);
}

/** A MeterProvider whose instruments throw on every call: telemetry that fails as badly as it can. */
export function throwingMeterProvider(): ApiMeterProvider {
  const instrument = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('meter bug');
      },
    },
  );
  return { getMeter: () => new Proxy({} as Meter, { get: () => () => instrument }) };
}

/** A processor whose onUsage always throws. */
export const throwingProcessor = {
  onUsage(): void {
    throw new Error('processor bug');
  },
};
