import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

// gpt-4o-mini: $0.15 / $0.60 per 1M input / output tokens (@pydantic/genai-prices 0.1.8).
const usd = (input: number, output: number) => (input * 0.15 + output * 0.6) / 1e6;

describe('examples/streaming', () => {
  it('meters every stream once, hides the usage chunk it asked for, and records opted-out and aborted streams as missing usage', async () => {
    const run = await runExample('streaming');
    // The opted-out and aborted streams were billed without usage: warned once, on stderr.
    expect(
      run.stderr
        .split('\n')
        .filter((l) => l.includes('BurnrateWarning'))
        .map((l) => l.replace(/^\(node:\d+\) /, '')),
    ).toEqual([
      'BurnrateWarning: burnrate: unpriced usage (usage_missing) for 127.0.0.1/gpt-4o-mini-2024-07-18: the provider sent no usage (stream without include_usage, or cut off); the call was billed but its tokens are unknown',
    ]);
    expect(run.code).toBe(0);
    const calls = run.summary?.['calls'] as Array<Record<string, unknown>>;
    expect(calls.map(({ usd: _, ...rest }) => rest)).toEqual([
      { name: '1. stream, no include_usage', records: 1, source: 'provider', input: 13, output: 40 },
      { name: '2. stream, include_usage: true', records: 1, source: 'provider', input: 13, output: 40 },
      { name: '3. stream split with tee()', records: 1, source: 'provider', input: 16, output: 40 },
      {
        name: '4. stream, include_usage: false (caller opted out)',
        records: 1,
        source: 'missing',
        input: 0,
        output: 0,
      },
      {
        name: '5. stream aborted after the first chunk',
        records: 1,
        source: 'missing',
        input: 0,
        output: 0,
        error: 'APIUserAbortError',
      },
      { name: '6. Responses API stream', records: 1, source: 'provider', input: 17, output: 24 },
    ]);
    const expected = [usd(13, 40), usd(13, 40), usd(16, 40), null, null, usd(17, 24)];
    calls.forEach((c, i) => {
      const e = expected[i];
      if (e === null || e === undefined) expect(c['usd']).toBeNull();
      else expect(c['usd']).toBeCloseTo(e, 12);
    });
    expect(run.summary?.['totalUsd']).toBeCloseTo(usd(59, 144), 12);
    // What burnrate metered equals what the simulator reported to the client; the opted-out stream
    // (40 output tokens) and the aborted one (800) were served and billed but never reported.
    expect(run.summary?.['ledger']).toEqual({
      served: { input: 83, output: 984 },
      reported: { input: 59, output: 144 },
      clientAborts: 1,
    });
    expect(run.stdout).toContain(
      'caller saw: 12 chunks, 0 without choices (the usage chunk burnrate asked for stays hidden)',
    );
    expect(run.stdout).toContain('caller saw: its own usage chunk: 13 in / 40 out');
    expect(run.stdout).toContain('two branches, identical text of 39 words each (recorded once)');
    expect(run.stdout).toMatch(
      /^unpriced: burnrate_unpriced_usage_total\{.*burnrate_unpriced_reason="usage_missing",burnrate_unit="request".*\} 2$/m,
    );
    expect(run.stdout).toContain('priced: $0.0000953 for 4 of 6 streams');
  });
});
