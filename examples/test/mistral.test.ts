import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

// Mistral's published prices in USD per token: mistral-small-latest input $0.10/M, output $0.30/M;
// Codestral input $0.30/M, output $0.90/M; mistral-embed $0.10/M. The simulator's counts are deterministic.
const PRICES: Record<string, { input: number; output: number }> = {
  'mistral-small-latest': { input: 0.1e-6, output: 0.3e-6 },
  'codestral-latest': { input: 0.3e-6, output: 0.9e-6 },
  'mistral-embed': { input: 0.1e-6, output: 0 },
};

describe('examples/mistral', () => {
  it('meters chat, a stream, FIM and embeddings, matching the simulator ledger and Mistral prices', async () => {
    const run = await runExample('mistral', [], { env: { MISTRAL_API_KEY: '' }, deadlineMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = run.summary as Record<string, unknown> & {
      byModel: Record<string, { input: number; output: number }>;
    };
    expect(summary.calls).toBe(4);
    expect(summary['ledger']).toEqual({ requests: 4, input: summary['input'], output: summary['output'] });
    let expectedUsd = 0;
    for (const [model, p] of Object.entries(PRICES)) {
      const t = summary.byModel[model];
      if (!t) throw new Error(`missing ${model}`);
      expect(t.input).toBeGreaterThan(0);
      expectedUsd += t.input * p.input + t.output * p.output;
    }
    expect(Math.abs((summary['usd'] as number) - expectedUsd)).toBeLessThan(1e-9);
    expect(Math.abs((summary['scrapedUsd'] as number) - expectedUsd)).toBeLessThan(1e-9);
    expect(run.stdout).toMatch(/chat \(stream\) +mistral-small-latest/);
  }, 90_000);
});
