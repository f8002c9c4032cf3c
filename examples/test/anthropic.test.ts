import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

// Claude Sonnet 4, Anthropic's published prices in USD per 1M tokens: input $3, 5-minute cache writes
// $3.75, cache hits $0.30, output $15. The simulator's token counts are deterministic.
const SONNET_4 = { input: 3e-6, cacheWrite5m: 3.75e-6, cacheRead: 0.3e-6, output: 15e-6 };

describe('examples/anthropic', () => {
  it('meters a cache write, a cache read and a streamed call, matching the simulator ledger and Anthropic prices', async () => {
    const run = await runExample('anthropic');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const tokens = { input: 8446, cacheRead: 5606, cacheWrite: 2803, output: 65 };
    expect(run.summary).toEqual({
      calls: 3,
      ...tokens,
      usd: expect.any(Number),
      scrapedUsd: expect.any(Number),
      ledger: { requests: 3, ...tokens },
    });
    // 2803 cache-write tokens once (the system prompt), read twice; 37 uncached input tokens.
    expect(tokens.cacheRead).toBe(2 * tokens.cacheWrite);
    const uncached = tokens.input - tokens.cacheRead - tokens.cacheWrite;
    expect(uncached).toBe(37);
    const expectedUsd =
      uncached * SONNET_4.input +
      tokens.cacheRead * SONNET_4.cacheRead +
      tokens.cacheWrite * SONNET_4.cacheWrite5m +
      tokens.output * SONNET_4.output;
    expect(Math.round(expectedUsd * 1e8)).toBe(1_327_905);
    expect(run.summary?.['usd']).toBeCloseTo(expectedUsd, 12);
    expect(run.summary?.['scrapedUsd']).toBeCloseTo(expectedUsd, 12);
    expect(run.stdout).toMatch(
      /chat {10}claude-sonnet-4-20250514 +input 2814 \(cache read {4}0, cache write 2803\) {2}output {2}24 {2}\$0\.0109042/,
    );
    expect(run.stdout).toMatch(
      /chat \(stream\) claude-sonnet-4-20250514 +input 2816 \(cache read 2803, cache write {4}0\) {2}output {2}17 {2}\$0\.0011349/,
    );
    expect(run.stdout).toContain('stream: final message with 17 output tokens');
  });
});
