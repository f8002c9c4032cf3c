import { metrics } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  type BurnrateLogger,
  createManualClock,
  createUsageRecorder,
  type ProcessorContext,
  type UsageProcessor,
} from '../src/index.js';
import { privateMeter } from './helpers/metrics.js';

/** A processor that keeps the context it was started with and the kinds of records it got. */
function probe(): UsageProcessor & { contexts: ProcessorContext[]; kinds: string[] } {
  const contexts: ProcessorContext[] = [];
  const kinds: string[] = [];
  return {
    contexts,
    kinds,
    start: (ctx) => contexts.push(ctx),
    onUsage: (r) => kinds.push(r.kind),
  };
}

const silent: BurnrateLogger = { warn: () => {} };

describe('processors attach themselves to the recorder they are added to', () => {
  it('starts a processor given at construction once, with the recorder provider, clock and logger, before any record', () => {
    const { meterProvider } = privateMeter();
    const clock = createManualClock(5_000);
    const p = probe();
    const recorder = createUsageRecorder({ meterProvider, clock, logger: silent, processors: [p] });
    expect(p.contexts).toHaveLength(1);
    const [ctx] = p.contexts as [ProcessorContext];
    expect(ctx.meterProvider).toBe(meterProvider);
    expect(recorder.meterProvider).toBe(meterProvider);
    expect(ctx.meterProviderIsReal).toBe(true);
    expect(ctx.clock.now()).toBe(5_000);
    expect(ctx.logger).toBe(silent);
    expect(p.kinds).toEqual([]);
    recorder.revenue.add(1);
    expect(p.kinds).toEqual(['revenue']);
  });

  it('starts a processor added later with addProcessor the same way, and tells it which processors came before', () => {
    const { meterProvider } = privateMeter();
    const first = probe();
    const second = probe();
    const recorder = createUsageRecorder({ meterProvider, logger: silent, processors: [first] });
    recorder.addProcessor(second);
    expect(first.contexts[0]?.peers()).toEqual([]);
    expect(second.contexts[0]?.peers()).toEqual([first]);
    expect(second.contexts[0]?.meterProvider).toBe(meterProvider);
  });

  it('says the provider is not real when the recorder falls back to the global no-op provider', () => {
    const p = probe();
    const recorder = createUsageRecorder({ logger: silent, processors: [p] });
    expect(recorder.meterProvider).toBe(metrics.getMeterProvider());
    expect(p.contexts[0]?.meterProviderIsReal).toBe(false);
  });

  it('keeps recording when a processor start throws, and still hands that processor its records', () => {
    const { meterProvider } = privateMeter();
    const kinds: string[] = [];
    const throwing: UsageProcessor = {
      start: () => {
        throw new Error('boom');
      },
      onUsage: (r) => kinds.push(r.kind),
    };
    const recorder = createUsageRecorder({ meterProvider, logger: silent, processors: [throwing] });
    recorder.revenue.add(2);
    expect(kinds).toEqual(['revenue']);
  });
});
