import { describe, expect, it } from 'vitest';
import { createCostProcessor } from '../src/processor/create-cost-processor.js';
import { formatReport } from '../src/report/format-report.js';
import { gpu, llm, manualClock, testMeter } from './helpers.js';

// Known inputs: L4 at the shipped $0.80/h on demand and $0.38/h spot; batch 8 at 70 %; the
// capacity tracker's default 60 s window, so N calls in it are N / 60 queries/s.
const L4 = 0.8;
const L4_SPOT = 0.38;
const deployment = (name: string, variant: string, count: number) => ({
  name,
  model: 'llama-3.1-8b',
  scope: { variant },
  batch_size: 8,
  utilization_target: 0.7,
  gpu: { model: 'L4', count, market: 'on_demand' as const },
});

function processorWithTraffic(int8Calls: number) {
  const clock = manualClock();
  const processor = createCostProcessor({
    meterProvider: testMeter().meterProvider,
    clock: clock.now,
    priceCard: { deployments: [deployment('fp16-2xl4', 'fp16', 2), deployment('int8-1xl4', 'int8', 1)] },
  });
  // Two hours of the FP16 deployment's two L4s: all of the spend is GPU.
  processor.onUsage(gpu('l4', 2 * 2 * 3600, { count: 2 }));
  // 240 FP16 calls of 1.2 s in the window (4 queries/s) and INT8 canary calls of 0.9 s.
  for (let i = 0; i < 240; i++) {
    processor.onUsage(
      llm('llama-3.1-8b', { input: 800, output: 200 }, { durationS: 1.2, attributes: { variant: 'fp16' } }),
    );
  }
  for (let i = 0; i < int8Calls; i++) {
    processor.onUsage(
      llm('llama-3.1-8b', { input: 800, output: 200 }, { durationS: 0.9, attributes: { variant: 'int8' } }),
    );
  }
  return processor;
}

describe('GPU recommendations from measured deployment comparisons', () => {
  it('says what INT8 on 1×L4 and spot save per month at the observed QPS, from the capacity formula', () => {
    const report = processorWithTraffic(60).report();
    const byId = Object.fromEntries(report.recommendations.map((r) => [r.id, r]));
    // At 4 queries/s: ceil(4 × 1.2 / 5.6) = 1 instance of 2 L4s against ceil(4 × 0.9 / 5.6) = 1 of 1 L4.
    const int8 = byId['gpu.int8_quantization'];
    expect(int8?.estimatedMonthlySavingsUsd).toBeCloseTo((2 * L4 - L4) * 720, 9);
    expect(int8?.estimatedSavingsUsd).toBeUndefined();
    expect(int8?.action).toBe(
      'Serve int8-1xl4 (1 × 1 L4 on_demand) instead of fp16-2xl4 (1 × 2 L4 on_demand): $576.00/month less at the observed 4 queries/s.',
    );
    expect(int8?.basis).toContain('latencies 1.2 s → 0.9 s');
    // The same two L4s on spot: (2 × 0.80 − 2 × 0.38) × 720.
    expect(byId['gpu.spot']?.estimatedMonthlySavingsUsd).toBeCloseTo((2 * L4 - 2 * L4_SPOT) * 720, 9);
    expect(byId['gpu.spot']?.action).toContain('Serve fp16-2xl4@spot (1 × 2 L4 spot) instead of fp16-2xl4');
    // No deployment on another GPU model was measured: the cheaper-GPU estimate keeps its basis.
    expect(byId['gpu.cheaper_gpu']?.estimatedMonthlySavingsUsd).toBeUndefined();
    expect(formatReport(report)).toContain('(saves ~$576.00/month)');
  });

  it('falls back to the seed’s 50 % INT8 estimate when no alternative deployment served traffic', () => {
    const report = processorWithTraffic(0).report();
    const int8 = report.recommendations.find((r) => r.id === 'gpu.int8_quantization');
    expect(int8?.estimatedMonthlySavingsUsd).toBeUndefined();
    expect(int8?.estimatedSavingsUsd).toBeCloseTo(report.components.gpu.usd * 0.5, 12);
    expect(int8?.action).toContain('Quantize self-hosted models to INT8');
  });
});
