import { ATTR, COST_METRIC } from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';
import { LLM_COST_KEYS } from '../src/internal/ledger/ledger.js';
import { SeriesMap } from '../src/internal/ledger/series-map.js';
import { createCostProcessor } from '../src/processor/create-cost-processor.js';
import { llm, points, testMeter } from './helpers.js';

const owned = {
  [ATTR.providerName]: 'openai',
  [ATTR.requestModel]: 'gpt-4o-mini',
  [ATTR.costComponent]: 'api',
  [ATTR.priceSource]: 'catalog',
  [ATTR.pricedModel]: 'gpt-4o-mini',
};

describe('ledger series keys', () => {
  it('put one attribute set in one series, whether keyed from cached parts or from the merged set', () => {
    const series = new SeriesMap(LLM_COST_KEYS);
    const part = series.ownedPart(owned);
    const caller = { tenant: 'acme', feature: 'search' };
    const key = series.callerKey(caller);
    expect(key).toBeDefined();
    series.addSplit(caller, key ?? '', part, 1);
    // Same set, other insertion order, through the generic path.
    series.add({ ...owned, feature: 'search', tenant: 'acme' }, 2);
    // A caller that sets an owned key to the value the processor sets: still the same set.
    series.add({ tenant: 'acme', feature: 'search', ...owned, [ATTR.providerName]: 'openai' }, 4);
    expect([...series.values()]).toEqual([{ attributes: { ...caller, ...owned }, value: 7 }]);
  });

  it('key a call without caller attributes like the same set built in full', () => {
    const series = new SeriesMap(LLM_COST_KEYS);
    series.addSplit({}, series.callerKey({}) ?? '', series.ownedPart(owned), 1);
    series.add({ ...owned }, 2);
    expect([...series.values()]).toEqual([{ attributes: owned, value: 3 }]);
  });

  it('keep sets apart that differ in an owned key, its absence, or a caller value’s type', () => {
    const series = new SeriesMap(LLM_COST_KEYS);
    series.add(owned, 1);
    series.add({ ...owned, [ATTR.serviceTier]: 'flex' }, 1);
    series.add({ ...owned, [ATTR.responseModel]: '' }, 1);
    series.add({ ...owned, n: 1 }, 1);
    series.add({ ...owned, n: '1' }, 1);
    expect(series.callerKey({ [ATTR.priceSource]: 'explicit' })).toBeUndefined();
    expect([...series.values()]).toHaveLength(5);
  });

  it('merge a caller attribute that overrides a processor key into the series of the set it yields', async () => {
    const { meterProvider, reader } = testMeter();
    const costs = createCostProcessor({ meterProvider, logger: { warn() {} } });
    const u = { input: 1_000_000 };
    costs.onUsage(llm('gpt-4o-mini', u, { attributes: { feature: 'a' } }));
    // The processor's provider wins over the caller's, so this is the same attribute set.
    costs.onUsage(llm('gpt-4o-mini', u, { attributes: { feature: 'a', [ATTR.providerName]: 'other' } }));
    const cost = await points(reader, COST_METRIC.cost);
    expect(cost).toHaveLength(1);
    expect(cost[0]?.value).toBeCloseTo(0.3, 12);
    expect(cost[0]?.attributes[ATTR.providerName]).toBe('openai');
  });
});
