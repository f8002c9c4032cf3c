import { createManualClock, createUsageRecorder } from '@burnrate/sdk';
import { COST_METRIC } from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';
import { createCostProcessor } from '../src/index.js';
import { llm, points, reservation, testMeter, total } from './helpers.js';

describe('a cost processor added to a recorder', () => {
  it('accrues fixed and storage costs on the recorder clock when it was given none', async () => {
    const { meterProvider, reader } = testMeter();
    const clock = createManualClock(Date.UTC(2026, 11, 1));
    const costs = createCostProcessor({ priceCard: { fixed: [{ name: 'cluster', usd_per_month: 300 }] } });
    const recorder = createUsageRecorder({ meterProvider, clock, processors: [costs] });
    recorder.storage.set(1e9, { storageClass: 'default' });
    clock.advance(86_400_000);
    // 300 $/month over one day of a 30-day month; 1 GB at the default 0.10 $/GB-month for a day.
    expect(costs.report().components.fixed.usd).toBeCloseTo(10, 10);
    expect(costs.report().components.storage.usd).toBeCloseTo(0.1 / 30, 12);
    expect(total(await points(reader, COST_METRIC.cost))).toBeCloseTo(10 + 0.1 / 30, 10);
  });

  it('keeps an explicit clock over the recorder clock', () => {
    const { meterProvider } = testMeter();
    const recorderClock = createManualClock(0);
    const own = createManualClock(0);
    const costs = createCostProcessor({
      priceCard: { fixed: [{ name: 'cluster', usd_per_month: 300 }] },
      clock: own,
    });
    createUsageRecorder({ meterProvider, clock: recorderClock, processors: [costs] });
    recorderClock.advance(86_400_000);
    expect(costs.report().components.fixed.usd).toBe(0);
    own.advance(86_400_000);
    expect(costs.report().components.fixed.usd).toBeCloseTo(10, 10);
  });

  it('reports the $/h of reserved GPUs from their lifecycle records, not from zero-second GPU records', async () => {
    const { meterProvider, reader } = testMeter();
    const clock = createManualClock(0);
    const costs = createCostProcessor({ priceCard: { gpu: { l4: { reserved: 0.5 } } } });
    const recorder = createUsageRecorder({
      meterProvider,
      clock,
      gpuAccrualIntervalMs: 0,
      processors: [costs],
    });
    const release = recorder.gpu.reserve({ gpu: 'l4', count: 2, market: 'reserved' });
    expect(total(await points(reader, COST_METRIC.gpuHourlyCost))).toBe(1);
    clock.advance(3_600_000);
    release();
    expect(total(await points(reader, COST_METRIC.gpuHourlyCost))).toBe(0);
    // Two L4 for one hour at 0.50 $/h.
    expect(costs.report().components.gpu.usd).toBeCloseTo(1, 12);
    costs.onUsage(reservation('held', 'l4', 4, 'reserved'));
    expect(total(await points(reader, COST_METRIC.gpuHourlyCost))).toBe(2);
  });
});

describe('budgets can always fire: the attributes they are scoped on are kept by the recorder guard', () => {
  /** A gpt-4o call of 1M input tokens ($2.50) by the caller attributes in effect. */
  const call = (recorder: ReturnType<typeof createUsageRecorder>, attributes: Record<string, string>) =>
    recorder.recordLlm({
      ...llm('gpt-4o', { input: 1_000_000 }),
      attributes: recorder.captureAttributes(attributes),
    });

  it('keeps a scope key the allow-list does not name, so a budget on customer=acme sees its spend', async () => {
    const { meterProvider, reader } = testMeter();
    const costs = createCostProcessor({
      priceCard: { budgets: [{ name: 'acme', amount: 100, window: '30d', scope: { customer: 'acme' } }] },
    });
    const recorder = createUsageRecorder({ meterProvider, processors: [costs], logger: { warn: () => {} } });
    call(recorder, { customer: 'acme', feature: 'search' });
    call(recorder, { customer: 'acme', feature: 'chat' });
    expect(total(await points(reader, COST_METRIC.cost), { customer: 'acme' })).toBeCloseTo(5, 12);
  });

  it('keeps the scoped user of a per-user budget even past the cap of distinct values', async () => {
    const { meterProvider, reader } = testMeter();
    const costs = createCostProcessor({
      priceCard: { budgets: [{ name: 'zoe', amount: 10, window: '1d', scope: { user: 'zoe' } }] },
    });
    const recorder = createUsageRecorder({
      meterProvider,
      processors: [costs],
      cardinality: { maxValuesPerAttribute: 3 },
      logger: { warn: () => {} },
    });
    for (const user of ['a', 'b', 'c', 'd', 'zoe']) call(recorder, { user });
    const cost = await points(reader, COST_METRIC.cost);
    expect(total(cost, { user: 'zoe' })).toBeCloseTo(2.5, 12);
    // The cap still holds for everyone else: zoe took one of the three places, so c and d are other.
    expect(total(cost, { user: 'other' })).toBeCloseTo(5, 12);
  });
});
