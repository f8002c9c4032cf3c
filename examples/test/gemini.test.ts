import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

// Gemini API published prices in USD per token (standard tier, text): gemini-2.5-flash input $0.30/M,
// output (thinking included) $2.50/M; gemini-2.0-flash input $0.10/M, cached input $0.025/M, output
// $0.40/M. The simulator's token counts are deterministic.
const FLASH_25 = { input: 0.3e-6, output: 2.5e-6 };
const FLASH_20 = { input: 0.1e-6, cached: 0.025e-6, output: 0.4e-6 };

describe('examples/gemini', () => {
  it('meters thinking, automatic function calling, a stream and an implicit cache hit, matching the ledger and Google prices', async () => {
    // Empty keys keep the example on the local simulator whatever the environment holds.
    const run = await runExample('gemini', [], { env: { GEMINI_API_KEY: '' }, deadlineMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = run.summary as Record<string, unknown> & {
      byModel: Record<string, { input: number; cacheRead: number; output: number }>;
    };
    // Six model requests: one thinking call, two inside the function-calling loop, a stream, two cached.
    expect(summary.calls).toBe(6);
    expect(summary['ledger']).toEqual({
      requests: 6,
      input: summary['input'],
      cacheRead: summary['cacheRead'],
      output: summary['output'],
      reasoning: summary['reasoning'],
    });
    const a = summary.byModel['gemini-2.5-flash'];
    const b = summary.byModel['gemini-2.0-flash'];
    if (!a || !b) throw new Error('missing model counters');
    expect(a.cacheRead).toBe(0);
    expect(b.cacheRead).toBeGreaterThanOrEqual(1024);
    const expectedUsd =
      a.input * FLASH_25.input +
      a.output * FLASH_25.output +
      (b.input - b.cacheRead) * FLASH_20.input +
      b.cacheRead * FLASH_20.cached +
      b.output * FLASH_20.output;
    expect(Math.abs((summary['usd'] as number) - expectedUsd)).toBeLessThan(1e-9);
    expect(Math.abs((summary['scrapedUsd'] as number) - expectedUsd)).toBeLessThan(1e-9);
    expect(run.stdout).toContain('function calling: 3 turns in the history');
  }, 90_000);
});
