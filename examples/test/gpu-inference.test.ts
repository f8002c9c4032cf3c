import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

interface GpuSummary {
  simulatedHours: number;
  gpuSeconds: { l4Reserved: number; a100Spot: number };
  gpuUsd: { l4Reserved: number; a100Spot: number };
  savingsUsd: { reserved: number; spot: number };
  selfHosted: { requests: number; tokens: number; usdPer1M: number };
  embeddedTokens: number;
  api: { requests: number; tokens: number; usd: number };
  totalUsd: number;
  selfHostedLedger: { requests: number; input: number; output: number; embeddings: number };
}

describe('examples/gpu-inference', () => {
  it('turns reserved and tracked GPU time on a manual clock into GPU dollars and the self-hosted cost per 1M tokens', async () => {
    const run = await runExample('gpu-inference');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const s = run.summary as unknown as GpuSummary;
    expect(s.simulatedHours).toBe(9.5);
    // 2 L4 × 8 h reserved; 4 A100 × 1.5 h spot.
    expect(s.gpuSeconds).toEqual({ l4Reserved: 2 * 8 * 3600, a100Spot: 4 * 1.5 * 3600 });
    // $0.50/h reserved L4 from the example's card; $1.30/h spot A100-80GB from the shipped defaults.
    expect(s.gpuUsd.l4Reserved).toBeCloseTo(16 * 0.5, 9);
    expect(s.gpuUsd.a100Spot).toBeCloseTo(6 * 1.3, 9);
    // Savings against on-demand ($0.80/h L4, $3.43/h A100-80GB).
    expect(s.savingsUsd.reserved).toBeCloseTo(16 * (0.8 - 0.5), 9);
    expect(s.savingsUsd.spot).toBeCloseTo(6 * (3.43 - 1.3), 9);
    // The tokens burnrate metered on the self-hosted endpoint are the ones its server served.
    const ledger = s.selfHostedLedger;
    expect(ledger).toEqual({ requests: 220, input: 6000, output: 40000, embeddings: 3200 });
    expect(s.embeddedTokens).toBe(ledger.embeddings);
    expect(s.selfHosted.requests).toBe(200);
    expect(s.selfHosted.tokens).toBe(ledger.input - ledger.embeddings + ledger.output);
    expect(s.selfHosted.usdPer1M).toBeCloseTo((8 / 42_800) * 1e6, 6);
    // 40 gpt-4o-mini calls: 560 input, 8000 output tokens at $0.15 / $0.60 per 1M.
    expect(s.api.requests).toBe(40);
    expect(s.api.tokens).toBe(8560);
    expect(s.api.usd).toBeCloseTo((560 * 0.15 + 8000 * 0.6) / 1e6, 12);
    expect(s.totalUsd).toBeCloseTo(8 + 7.8 + 0.004884, 9);

    expect(run.stdout).toContain('clock:       simulated — a manual clock');
    expect(run.stdout).toMatch(
      /^ {2}burnrate_gpu_hourly_cost_usd\{burnrate_gpu_model="l4",burnrate_gpu_market="reserved".*\} 1$/m,
    );
    expect(run.stdout).toMatch(/^ {2}burnrate_gpu_time_total\{.*burnrate_gpu_model="l4".*\} 57600$/m);
    expect(run.stdout).toMatch(/^ {2}burnrate_gpu_time_total\{.*burnrate_workload="batch_embed".*\} 21600$/m);
    expect(run.stdout).toContain('  l4 reserved         16.00 GPU-hours × $0.50 = $8.00');
    expect(run.stdout).toContain('  a100-80gb spot      6.00 GPU-hours × $1.30 = $7.80');
    expect(run.stdout).toContain(
      '  self-hosted llama-3.1-8b-instruct: $8.00 ÷ 42800 tokens × 1e6 = $186.92 per 1M tokens',
    );
    expect(run.stdout).toContain('total: $15.80');
  });
});
