import { describe, expect, it } from 'vitest';
import { createCostProcessor } from '../src/processor/create-cost-processor.js';
import { formatReport, formatUsd } from '../src/report/format-report.js';
import { gpu, llm, manualClock, micros, testMeter } from './helpers.js';

/** The seed example: A100 at $2.50/h, gpt-4 at a flat $0.03 per 1K tokens. */
function seedProcessor() {
  const { meterProvider } = testMeter();
  const clock = manualClock();
  const processor = createCostProcessor({
    meterProvider,
    clock: clock.now,
    priceCard: {
      gpu: { a100: { on_demand: 2.5, spot: 0.9 } },
      models: { 'gpt-4': { per_tokens: 1000, input: 0.03, output: 0.03 } },
    },
  });
  return { processor, clock };
}

describe('the cost report', () => {
  it('reports 24 A100 hours + 50,000 gpt-4 tokens as $61.50 with a 97.6 % GPU share', () => {
    const { processor } = seedProcessor();
    processor.onUsage(gpu('a100', 24 * 3600));
    processor.onUsage(llm('gpt-4', { input: 30_000, output: 20_000 }));
    const report = processor.report();
    expect(micros(report.totalUsd)).toBe(61_500_000);
    expect(micros(report.components.gpu.usd)).toBe(60_000_000);
    expect(micros(report.components.api.usd)).toBe(1_500_000);
    expect(report.components.gpu.share).toBeCloseTo(0.97561, 5);
    expect(report.queries).toBe(1);
    expect(micros(report.costPerQueryUsd ?? 0)).toBe(61_500_000);
    expect(report.bySource).toEqual({ card: 60, explicit: 1.5 });
  });

  it('recommends INT8, a cheaper GPU, dynamic batching and spot with the dollars each would save', () => {
    const { processor } = seedProcessor();
    processor.onUsage(gpu('a100', 24 * 3600));
    processor.onUsage(llm('gpt-4', { input: 30_000, output: 20_000 }));
    const recs = processor.report().recommendations;
    expect(recs.map((r) => r.id)).toEqual([
      'gpu.int8_quantization',
      'gpu.cheaper_gpu',
      'gpu.dynamic_batching',
      'gpu.spot',
    ]);
    expect(recs.every((r) => r.rule === 'gpu share 97.6 % > 50.0 %')).toBe(true);
    expect(micros(recs[0]?.estimatedSavingsUsd ?? 0)).toBe(30_000_000); // half of $60
    expect(micros(recs[1]?.estimatedSavingsUsd ?? 0)).toBe(24 * 1_970_000); // A100 $2.50 → T4 $0.53
    expect(recs[2]?.estimatedSavingsUsd).toBeUndefined();
    expect(micros(recs[3]?.estimatedSavingsUsd ?? 0)).toBe(24 * 1_600_000); // $2.50 → $0.90 spot
  });

  it('recommends caching, an open model and batching when API spend is over 30 %', () => {
    const { processor } = seedProcessor();
    processor.onUsage(llm('gpt-4o', { input: 4_000_000 }));
    const recs = processor.report().recommendations;
    expect(recs.map((r) => r.id)).toEqual(['api.caching', 'api.open_model', 'api.batching']);
    expect(micros(recs[2]?.estimatedSavingsUsd ?? 0)).toBe(5_000_000); // $10 of standard catalog spend at half price
  });

  it('computes ROI from recorded revenue', () => {
    const { processor } = seedProcessor();
    processor.onUsage(llm('gpt-4', { input: 100_000 })); // $3
    processor.onUsage({ kind: 'revenue', timeMs: 0, attributes: {}, usd: 12 });
    const report = processor.report();
    expect(report.revenueUsd).toBe(12);
    expect(report.roiPercent).toBeCloseTo(300, 10);
  });

  it('formats a readable table with totals, shares, unpriced usage and recommendations', () => {
    const { processor, clock } = seedProcessor();
    processor.onUsage(gpu('a100', 24 * 3600));
    processor.onUsage(llm('gpt-4', { input: 30_000, output: 20_000 }));
    processor.onUsage(llm('mystery-model', { input: 10, output: 5 }));
    clock.advance(3_600_000);
    const text = formatReport(processor.report());
    expect(text).toContain('total: $61.50');
    expect(text).toMatch(/gpu\s+\$60\.00\s+97\.6 %/);
    expect(text).toMatch(/api\s+\$1\.50\s+2\.4 %/);
    expect(text).toContain('UNPRICED usage');
    expect(text).toMatch(/openai\/mystery-model\s+1\s+10\s+5\s+UNPRICED/);
    expect(text).toContain('Quantize self-hosted models to INT8');
    expect(text).toContain('(60.0 min)');
  });
});

describe('formatUsd', () => {
  it('prints cents from a cent up and two significant digits below, never a cheap call as $0.00', () => {
    expect([0, 12.5, 1234.5, 0.01, 0.0073, 0.000091, 0.00000002, 0.0000004].map(formatUsd)).toEqual([
      '$0.00',
      '$12.50',
      '$1,234.50',
      '$0.01',
      '$0.0073',
      '$0.000091',
      '$0.000000020',
      '$0.00000040',
    ]);
  });
});

describe('budget status in the report', () => {
  it('sums the spend matching each budget scope, the share used, thresholds crossed and the spend projected over the window', () => {
    const { meterProvider } = testMeter();
    const clock = manualClock();
    const processor = createCostProcessor({
      meterProvider,
      clock: clock.now,
      priceCard: {
        budgets: [
          { name: 'all', amount: 100, window: '1d' },
          {
            name: 'search',
            amount: 4,
            window: '1d',
            scope: { feature: 'search' },
            thresholds: [0.5, 0.8, 1],
          },
          { name: 'acme-search', amount: 50, window: '1h', scope: { feature: 'search', tenant: 'acme' } },
        ],
      },
    });
    // gpt-4o: $2.50 per 1M input, $10 per 1M output.
    processor.onUsage(
      llm('gpt-4o', { input: 1_000_000 }, { attributes: { feature: 'search', tenant: 'acme' } }),
    );
    processor.onUsage(
      llm('gpt-4o', { output: 100_000 }, { attributes: { feature: 'search', tenant: 'globex' } }),
    );
    processor.onUsage(
      llm('gpt-4o', { output: 500_000 }, { attributes: { feature: 'chat', tenant: 'acme' } }),
    );
    clock.advance(2 * 3_600_000);
    const budgets = processor.report().budgets;
    expect(budgets.map((b) => [b.name, b.spentUsd, b.crossed, b.withinWindow])).toEqual([
      ['all', 8.5, [], true],
      ['search', 3.5, [0.5, 0.8], true],
      ['acme-search', 2.5, [], false],
    ]);
    // 2 hours of a 1-day window: $3.50 in 2 h → $42 over the day.
    expect(budgets[1]?.projectedUsd).toBeCloseTo(42, 10);
    expect(budgets[1]?.share).toBeCloseTo(0.875, 12);
    expect(formatReport(processor.report())).toContain(
      'search                   feature=search  $3.50    $4.00/1d  87.5 %              $42.00/1d  50 %, 80 %',
    );
  });
});
