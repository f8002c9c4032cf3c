import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

// gpt-4o: $2.50 / $10 per 1M input / output tokens (@pydantic/genai-prices 0.1.8).
const usd = (input: number, output: number) => (input * 2.5 + output * 10) / 1e6;

interface TenantRow {
  calls: number;
  input: number;
  output: number;
  usd: number;
}

describe('examples/multi-tenant', () => {
  it('attributes cost to each tenant and folds users past the cardinality cap into "other", saying so once on stderr', async () => {
    const run = await runExample('multi-tenant');
    const warnings = run.stderr.split('\n').filter((l) => l.includes('BurnrateWarning'));
    expect(warnings.map((l) => l.replace(/^\(node:\d+\) /, ''))).toEqual([
      'BurnrateWarning: burnrate: attribute "user" passed 5 values; new values become "other"',
    ]);
    expect(run.code).toBe(0);
    const s = run.summary as {
      calls: number;
      usersSeen: number;
      userLabelValues: string[];
      tenants: Record<string, TenantRow>;
      totalUsd: number;
    };
    expect(s.calls).toBe(28);
    expect(s.usersSeen).toBe(12);
    // Round-robin traffic: the first five users seen keep their ids; seven users share "other".
    expect(s.userLabelValues).toEqual([
      'acme-u1',
      'acme-u2',
      'globex-u1',
      'globex-u2',
      'initech-u1',
      'other',
    ]);
    // 400 output tokens per call, 18 input tokens per prompt.
    expect(s.tenants).toEqual({
      acme: { calls: 18, input: 324, output: 7200, usd: expect.any(Number) },
      globex: { calls: 8, input: 144, output: 3200, usd: expect.any(Number) },
      initech: { calls: 2, input: 36, output: 800, usd: expect.any(Number) },
    });
    for (const row of Object.values(s.tenants)) expect(row.usd).toBeCloseTo(usd(row.input, row.output), 9);
    expect(s.totalUsd).toBeCloseTo(usd(504, 11_200), 9);
    expect(run.stdout).toContain('  acme         18        324        7200  $0.0728');
    expect(run.stdout).toContain('  other        $0.0688');
    expect(run.stdout).toContain('total: $0.1133 (ledger), $0.1133 (scrape)');
  });
});
