import { createManualClock } from '@burnrate/sdk';
import { ATTR, COST_BUCKETS_USD, COST_METRIC, METRIC_SPECS } from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';
import { type CostProcessorOptions, createCostProcessor } from '../src/processor/create-cost-processor.js';
import {
  gpu,
  llm,
  manualClock,
  micros,
  points,
  reservation,
  storageLevel,
  testMeter,
  total,
} from './helpers.js';

function setup(priceCard: CostProcessorOptions['priceCard'] = {}) {
  const { meterProvider, reader } = testMeter();
  const clock = manualClock();
  const warnings: string[] = [];
  const processor = createCostProcessor({
    priceCard,
    meterProvider,
    clock: clock.now,
    logger: { warn: (m) => warnings.push(m) },
  });
  return { processor, reader, clock, warnings };
}

describe('burnrate.cost.usd and burnrate.request.cost.usd', () => {
  it('records API dollars with model, provider, price source and caller attributes', async () => {
    const { processor, reader } = setup();
    processor.onUsage(
      llm(
        'gpt-4o',
        { input: 1_000_000, output: 1_000_000 },
        { responseModel: 'gpt-4o-2024-08-06', attributes: { feature: 'search' } },
      ),
    );
    const cost = await points(reader, COST_METRIC.cost);
    expect(cost).toHaveLength(1);
    expect(cost[0]?.attributes).toEqual({
      feature: 'search',
      [ATTR.costComponent]: 'api',
      [ATTR.providerName]: 'openai',
      [ATTR.requestModel]: 'gpt-4o',
      [ATTR.responseModel]: 'gpt-4o-2024-08-06',
      [ATTR.priceSource]: 'catalog',
      [ATTR.pricedModel]: 'gpt-4o',
    });
    expect(micros(cost[0]?.value ?? 0)).toBe(12_500_000);
  });

  it('records each call in the request-cost histogram with dollar buckets', async () => {
    const { processor, reader } = setup();
    processor.onUsage(llm('gpt-4o-mini', { input: 1000, output: 1000 }));
    processor.onUsage(llm('gpt-4o-mini', { input: 1000, output: 1000 }));
    const [h] = await points(reader, COST_METRIC.requestCost);
    expect(h?.histogram?.count).toBe(2);
    expect(micros(h?.histogram?.sum ?? 0)).toBe(1500); // 2 × (1000 × 0.15 + 1000 × 0.60) / 1M
    expect(h?.histogram?.boundaries).toEqual([...COST_BUCKETS_USD]);
  });

  it('prices GPU time by model and market: 2 H100-hours on demand = $13.76', async () => {
    const { processor, reader } = setup();
    processor.onUsage(gpu('H100', 7200, { workload: 'training' }));
    const cost = await points(reader, COST_METRIC.cost);
    expect(
      total(cost, { [ATTR.costComponent]: 'gpu', [ATTR.gpuModel]: 'H100', [ATTR.gpuMarket]: 'on_demand' }),
    ).toBeCloseTo(13.76, 10);
    expect(cost[0]?.attributes[ATTR.priceSource]).toBe('default');
  });

  it('prices network egress per GB and scope', async () => {
    const { processor, reader } = setup();
    processor.onUsage({
      kind: 'network',
      timeMs: 0,
      attributes: {},
      direction: 'transmit',
      scope: 'internet',
      bytes: 50e9,
    });
    processor.onUsage({
      kind: 'network',
      timeMs: 0,
      attributes: {},
      direction: 'receive',
      scope: 'internet',
      bytes: 50e9,
    });
    const cost = await points(reader, COST_METRIC.cost);
    expect(total(cost, { [ATTR.costComponent]: 'network' })).toBeCloseTo(4.5, 10);
  });
});

describe('savings', () => {
  it('counts spot savings as GPU-seconds × (on-demand − spot)', async () => {
    const { processor, reader } = setup();
    processor.onUsage(gpu('a100-80gb', 36_000, { market: 'spot' }));
    const cost = await points(reader, COST_METRIC.cost);
    expect(total(cost, { [ATTR.costComponent]: 'gpu' })).toBeCloseTo(13.0, 10); // 10 h × $1.30
    const savings = await points(reader, COST_METRIC.savings);
    expect(total(savings, { [ATTR.savingsStrategy]: 'spot' })).toBeCloseTo(21.3, 10); // 10 h × ($3.43 − $1.30)
  });

  it('counts prompt-cache savings and flex-tier savings per call', async () => {
    const { processor, reader } = setup();
    processor.onUsage(llm('gpt-4o-mini', { input: 500_000, cacheRead: 400_000, output: 100_000 }));
    processor.onUsage(llm('o3', { input: 1_000_000 }, { serviceTier: 'flex' }));
    const savings = await points(reader, COST_METRIC.savings);
    expect(micros(total(savings, { [ATTR.savingsStrategy]: 'prompt_cache' }))).toBe(30_000);
    expect(micros(total(savings, { [ATTR.savingsStrategy]: 'flex' }))).toBe(1_000_000);
  });

  it('values a response-cache hit at the average cost of that model’s calls so far', async () => {
    const { processor, reader } = setup();
    processor.onUsage(llm('gpt-4o', { input: 1_000_000 }));
    processor.onUsage(llm('gpt-4o', { input: 3_000_000 }));
    processor.onUsage({ kind: 'cache', timeMs: 0, attributes: {}, result: 'hit', model: 'gpt-4o' });
    const savings = await points(reader, COST_METRIC.savings);
    expect(micros(total(savings, { [ATTR.savingsStrategy]: 'response_cache' }))).toBe(5_000_000);
  });

  it('values a response-cache hit named by the requested model when the provider answered with a dated model', async () => {
    const { processor, reader } = setup();
    processor.onUsage(llm('gpt-4o-mini', { input: 1_000_000 }, { responseModel: 'gpt-4o-mini-2024-07-18' }));
    processor.onUsage({ kind: 'cache', timeMs: 0, attributes: {}, result: 'hit', model: 'gpt-4o-mini' });
    const savings = await points(reader, COST_METRIC.savings);
    expect(micros(total(savings, { [ATTR.savingsStrategy]: 'response_cache' }))).toBe(150_000);
    expect(processor.report().savings.byStrategy['response_cache']).toBeCloseTo(0.15, 9);
  });
});

describe('unpriced usage', () => {
  it('counts an unknown model as unpriced tokens, not $0, and warns once', async () => {
    const { processor, reader, warnings } = setup();
    processor.onUsage(llm('ft:gpt-4o-mini:acme::x', { input: 100, output: 50 }));
    processor.onUsage(llm('ft:gpt-4o-mini:acme::x', { input: 100, output: 50 }));
    expect(await points(reader, COST_METRIC.cost)).toEqual([]);
    const unpriced = await points(reader, COST_METRIC.unpricedUsage);
    expect(total(unpriced, { [ATTR.unpricedReason]: 'unknown_model', [ATTR.unit]: 'token' })).toBe(300);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ft:gpt-4o-mini:acme::x');
    expect(processor.report().unpriced).toEqual([
      expect.objectContaining({
        reason: 'unknown_model',
        unit: 'token',
        subject: 'openai/ft:gpt-4o-mini:acme::x',
        amount: 300,
      }),
    ]);
  });

  it('counts GPU-seconds of a GPU without a price for its market as unpriced', async () => {
    const { processor, reader } = setup();
    processor.onUsage(gpu('h100', 3600, { market: 'reserved' }));
    const unpriced = await points(reader, COST_METRIC.unpricedUsage);
    expect(total(unpriced, { [ATTR.unpricedReason]: 'no_price_for_market', [ATTR.unit]: 'gpu_second' })).toBe(
      3600,
    );
  });

  it('counts a stream that ended without usage as one unpriced request', async () => {
    const { processor, reader } = setup();
    processor.onUsage(
      llm('gpt-4o', {}, { usageSource: 'missing', streaming: true, errorType: 'APIUserAbortError' }),
    );
    const unpriced = await points(reader, COST_METRIC.unpricedUsage);
    expect(total(unpriced, { [ATTR.unpricedReason]: 'usage_missing', [ATTR.unit]: 'request' })).toBe(1);
  });

  it('records a streaming call rejected with 429 as an error, not as billed usage with unknown tokens', async () => {
    const { processor, reader } = setup();
    for (const errorType of ['RateLimitError', 'InternalServerError', 'APIConnectionError']) {
      processor.onUsage(
        llm('gpt-4o', {}, { usageSource: 'missing', streaming: true, served: false, errorType }),
      );
    }
    expect(await points(reader, COST_METRIC.unpricedUsage)).toEqual([]);
    expect(await points(reader, COST_METRIC.cost)).toEqual([]);
    const report = processor.report();
    expect(report.unpriced).toEqual([]);
    expect(report.totalUsd).toBe(0);
  });

  it('counts a served call whose usage is unknown as one unpriced request: a cut-off stream, an aborted one, an unparsable 200 body', async () => {
    const { processor, reader } = setup();
    processor.onUsage(
      llm('gpt-4o', {}, { usageSource: 'missing', streaming: true, served: true, errorType: 'TypeError' }),
    );
    processor.onUsage(
      llm(
        'gpt-4o',
        {},
        { usageSource: 'missing', streaming: true, served: true, errorType: 'APIUserAbortError' },
      ),
    );
    processor.onUsage(
      llm('gpt-4o', {}, { usageSource: 'missing', streaming: false, served: true, errorType: 'SyntaxError' }),
    );
    const unpriced = await points(reader, COST_METRIC.unpricedUsage);
    expect(total(unpriced, { [ATTR.unpricedReason]: 'usage_missing', [ATTR.unit]: 'request' })).toBe(3);
  });

  it('prices the usage of a stream the caller aborted after its usage arrived', async () => {
    const aborted = setup().processor;
    const completed = setup().processor;
    const usage = { input: 1000, cacheRead: 0, cacheWrite: 0, output: 500, reasoning: 0 };
    aborted.onUsage(llm('gpt-4o', usage, { streaming: true, served: true, errorType: 'APIUserAbortError' }));
    completed.onUsage(llm('gpt-4o', usage, { streaming: true, served: true }));
    expect(aborted.report().unpriced).toEqual([]);
    expect(aborted.report().totalUsd).toBeGreaterThan(0);
    expect(aborted.report().totalUsd).toBe(completed.report().totalUsd);
  });

  it('never throws from onUsage, even for a malformed record', () => {
    const { processor } = setup();
    expect(() => processor.onUsage({ kind: 'llm' } as never)).not.toThrow();
    expect(() => processor.onUsage({ kind: 'weird' } as never)).not.toThrow();
  });
});

describe('accrual over time (fake clock)', () => {
  it('integrates storage bytes × time between levels: 100 GB for 15 days then 200 GB for 15 days = $15', async () => {
    const { processor, reader, clock } = setup({ storage: { default: 0.1 } });
    processor.onUsage(storageLevel(100e9));
    clock.advance(15 * 86_400_000);
    processor.onUsage(storageLevel(200e9));
    clock.advance(15 * 86_400_000);
    const cost = await points(reader, COST_METRIC.cost);
    expect(total(cost, { [ATTR.costComponent]: 'storage', [ATTR.storageClass]: 'default' })).toBeCloseTo(
      15,
      10,
    );
  });

  it('takes the sdk recorder’s Clock object as its clock, like a plain function', async () => {
    const { meterProvider, reader } = testMeter();
    const clock = createManualClock(Date.UTC(2026, 10, 20));
    const processor = createCostProcessor({ priceCard: { storage: { default: 0.1 } }, meterProvider, clock });
    processor.onUsage(storageLevel(300e9));
    clock.advance(10 * 86_400_000);
    const cost = await points(reader, COST_METRIC.cost);
    expect(total(cost, { [ATTR.costComponent]: 'storage' })).toBeCloseTo(10, 10);
  });

  it('accrues fixed monthly costs per second of a 30-day month', async () => {
    const { processor, reader, clock } = setup({ fixed: [{ name: 'vector-db', usd_per_month: 600 }] });
    clock.advance(86_400_000); // one day
    const cost = await points(reader, COST_METRIC.cost);
    expect(total(cost, { [ATTR.costComponent]: 'fixed', [ATTR.fixedCostName]: 'vector-db' })).toBeCloseTo(
      20,
      10,
    );
    clock.advance(86_400_000);
    expect(processor.report().components.fixed.usd).toBeCloseTo(40, 10);
  });
});

describe('gauges', () => {
  it('reports the $/h of GPUs held by reservations until released', async () => {
    const { processor, reader } = setup({ gpu: { h100: { reserved: 4 } } });
    processor.onUsage(reservation('held', 'h100', 8, 'reserved'));
    processor.onUsage(gpu('h100', 60, { count: 8, market: 'reserved', reservationId: 'r1' }));
    const held = await points(reader, COST_METRIC.gpuHourlyCost);
    expect(held).toEqual([
      { attributes: { [ATTR.gpuModel]: 'h100', [ATTR.gpuMarket]: 'reserved' }, value: 32 },
    ]);
    processor.onUsage(gpu('h100', 30, { count: 8, market: 'reserved', reservationId: 'r1' }));
    processor.onUsage(reservation('released', 'h100', 8, 'reserved'));
    expect(await points(reader, COST_METRIC.gpuHourlyCost)).toEqual([
      { attributes: { [ATTR.gpuModel]: 'h100', [ATTR.gpuMarket]: 'reserved' }, value: 0 },
    ]);
  });

  it('exposes one budget-limit series per budget, the card info and the card prices', async () => {
    const { processor, reader } = setup({
      models: { 'gpt-4': { per_tokens: 1000, input: 0.03, output: 0.06 } },
      budgets: [
        { name: 'monthly', amount: 1000, window: '30d' },
        { name: 'search-daily', amount: 20, window: '1d', scope: { feature: 'search' } },
      ],
    });
    expect(await points(reader, COST_METRIC.budgetLimit)).toEqual([
      { attributes: { [ATTR.budget]: 'monthly', [ATTR.budgetWindow]: '30d' }, value: 1000 },
      { attributes: { [ATTR.budget]: 'search-daily', [ATTR.budgetWindow]: '1d' }, value: 20 },
    ]);
    expect(await points(reader, COST_METRIC.priceCardInfo)).toEqual([
      {
        attributes: {
          [ATTR.catalogVersion]: '0.1.8',
          [ATTR.cardChecksum]: processor.priceCard.checksum,
          [ATTR.cardDefaultsAsOf]: processor.priceCard.defaultsAsOf,
        },
        value: 1,
      },
    ]);
    const prices = await points(reader, COST_METRIC.price);
    expect(total(prices, { [ATTR.pricedModel]: 'gpt-4', [ATTR.tokenKind]: 'output' })).toBeCloseTo(
      0.00006,
      12,
    );
    expect(total(prices, { [ATTR.gpuModel]: 'a100-80gb', [ATTR.gpuMarket]: 'on_demand' })).toBe(3.43);
  });

  it('computes required instances per deployment from observed QPS and latency', async () => {
    const { processor, reader } = setup({
      deployments: [
        { name: 'chat', batch_size: 4, utilization_target: 0.5, model: 'llama-*', window_seconds: 10 },
      ],
    });
    for (let i = 0; i < 100; i++)
      processor.onUsage(llm('llama-3.1-8b', { input: 10, output: 10 }, { provider: 'openai', durationS: 2 }));
    processor.onUsage(llm('gpt-4o', { input: 10 }, { durationS: 50 }));
    // 10 QPS × 2 s / (4 × 0.5) = 10
    expect(await points(reader, COST_METRIC.requiredInstances)).toEqual([
      { attributes: { [ATTR.deployment]: 'chat' }, value: 10 },
    ]);
    expect(processor.capacity()).toEqual([
      { deployment: 'chat', qps: 10, latencySeconds: 2, requiredInstances: 10 },
    ]);
  });
});

describe('the metric contract', () => {
  it('creates every cost instrument with the unit and description of its spec in @burnrate/sdk', async () => {
    const { meterProvider, reader } = testMeter();
    const processor = createCostProcessor({
      meterProvider,
      priceCard: {
        // An enforcing budget, so burnrate.budget.decisions has series too.
        budgets: [{ name: 'all', amount: 10, window: '1d', enforce: { action: 'warn' } }],
        deployments: [{ name: 'd', batch_size: 1, utilization_target: 0.5 }],
        models: { 'my-model': { input: 1, output: 2 } },
        storage: { vector_db: 0.25 },
        network: { internet: 0.09 },
        fixed: [{ name: 'cluster', usd_per_month: 300 }],
      },
    });
    processor.onUsage(
      llm('gpt-4o', { input: 2000, cacheRead: 1024, output: 10 }, { responseModel: 'gpt-4o-2024-08-06' }),
    );
    processor.onUsage(llm('gpt-4o-mini', { input: 1000, output: 10 }, { serviceTier: 'batch' }));
    processor.onUsage(llm('no-such-model', { input: 1, output: 1 }));
    processor.onUsage(reservation('held', 'h100', 1, 'spot'));
    processor.onUsage(gpu('h100', 3600, { market: 'spot', reservationId: 'r1' }));
    processor.onUsage(gpu('no-such-gpu', 60));
    processor.onUsage(storageLevel(1e9, 'vector_db'));
    processor.onUsage({
      kind: 'network',
      timeMs: 0,
      attributes: {},
      direction: 'transmit',
      scope: 'internet',
      bytes: 1e6,
    });
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const seen = metrics.map((m) => m.descriptor);
    const specs = METRIC_SPECS.filter((s) => s.recordedBy === '@burnrate/cost-processor');
    expect(seen.map((d) => d.name).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const d of seen) {
      const spec = specs.find((s) => s.name === d.name);
      expect([d.name, d.unit, d.description]).toEqual([spec?.name, spec?.unit, spec?.description]);
    }
    // docs/metrics.md lists each metric's attributes from the spec: every key recorded is listed.
    for (const m of metrics) {
      const listed = new Set(specs.find((s) => s.name === m.descriptor.name)?.attributes);
      const keys = new Set(m.dataPoints.flatMap((p) => Object.keys(p.attributes)));
      expect([m.descriptor.name, [...keys].filter((k) => !listed.has(k))]).toEqual([m.descriptor.name, []]);
    }
  });
});

describe('GPU names as nvidia-smi prints them', () => {
  it('prices NVIDIA A100-SXM4-80GB, A100-PCIE-40GB, H100 80GB HBM3 and Tesla T4 at their table prices', () => {
    const { processor } = setup();
    for (const name of [
      'NVIDIA A100-SXM4-80GB',
      'NVIDIA A100-PCIE-40GB',
      'NVIDIA H100 80GB HBM3',
      'Tesla T4',
    ]) {
      processor.onUsage(gpu(name, 3600));
    }
    // One on-demand hour each: a100-80gb 3.43, a100-40gb 2.74, h100 6.88, t4 0.53 (DESIGN §4 table).
    expect(
      processor
        .report()
        .gpus.map((g) => [g.gpu, g.usd])
        .sort(),
    ).toEqual(
      [
        ['a100-40gb', 2.74],
        ['a100-80gb', 3.43],
        ['h100', 6.88],
        ['t4', 0.53],
      ].sort(),
    );
    expect(processor.report().unpriced).toEqual([]);
  });
});

describe('default warnings', () => {
  it('warns about an unknown model once on stderr as a BurnrateWarning, without any logger set up', async () => {
    const seen: Array<{ name: string; message: string }> = [];
    const onWarning = (w: Error) => seen.push({ name: w.name, message: w.message });
    process.on('warning', onWarning);
    try {
      const { meterProvider } = testMeter();
      const processor = createCostProcessor({ meterProvider });
      processor.onUsage(llm('no-such-model-x', { input: 10, output: 10 }));
      processor.onUsage(llm('no-such-model-x', { input: 10, output: 10 }));
      await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
      // Other tests' processors warn on this process too; keep this model's warnings.
      const ours = seen.filter((w) => w.name === 'BurnrateWarning' && w.message.includes('no-such-model-x'));
      expect(ours.map((w) => w.message)).toEqual([
        'burnrate: unpriced usage (unknown_model) for openai/no-such-model-x: model "no-such-model-x" is not in the genai-prices 0.1.8 catalog for provider openai; add it under `models:` with its price, or alias it with `aliases:`',
      ]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
