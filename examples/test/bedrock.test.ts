import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

/**
 * AWS's published Bedrock on-demand prices, USD per token (aws.amazon.com/bedrock/pricing): Claude
 * 3.5 Haiku input $0.80, cache writes $1, cache reads $0.08, output $4 per 1M; Nova Lite $0.06 /
 * $0.24; Llama 3.1 8B Instruct $0.22 / $0.22.
 */
const HAIKU = { input: 0.8e-6, cacheWrite: 1e-6, cacheRead: 0.08e-6, output: 4e-6 };
const NOVA_LITE = { input: 0.06e-6, output: 0.24e-6 };
const LLAMA_8B = { input: 0.22e-6, output: 0.22e-6 };

interface Tokens {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

describe('examples/bedrock', () => {
  it('meters Converse with a cache write and read, a ConverseStream and two InvokeModel bodies, matching the simulator ledger and AWS prices', async () => {
    const run = await runExample('bedrock', [], {
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const tokens = { input: 5667, cacheRead: 2803, cacheWrite: 2803, output: 92 };
    expect(run.summary).toMatchObject({ calls: 5, ...tokens, ledger: { requests: 5, ...tokens } });
    const byModel = run.summary?.['ledgerByModel'] as Record<string, Tokens>;
    const haiku = [
      byModel['us.anthropic.claude-3-5-haiku-20241022-v1:0'],
      byModel[
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0'
      ],
    ];
    const nova = byModel['amazon.nova-lite-v1:0'] as Tokens;
    const llama = byModel['meta.llama3-1-8b-instruct-v1:0'] as Tokens;
    let expectedUsd =
      nova.input * NOVA_LITE.input +
      nova.output * NOVA_LITE.output +
      llama.input * LLAMA_8B.input +
      llama.output * LLAMA_8B.output;
    for (const t of haiku as Tokens[]) {
      expectedUsd +=
        (t.input - t.cacheRead - t.cacheWrite) * HAIKU.input +
        t.cacheWrite * HAIKU.cacheWrite +
        t.cacheRead * HAIKU.cacheRead +
        t.output * HAIKU.output;
    }
    expect(Math.round(expectedUsd * 1e8)).toBe(328_910);
    expect(run.summary?.['usd']).toBeCloseTo(expectedUsd, 12);
    expect(run.summary?.['scrapedUsd']).toBeCloseTo(expectedUsd, 12);
    expect(run.stdout).toMatch(
      /chat {19}us\.anthropic\.claude-3-5-haiku-20241022-v1:0 +input 2814 \(cache read {4}0, cache write 2803\) {2}output {2}21 {2}\$0\.0028958/,
    );
    expect(run.stdout).toMatch(
      /text_completion {8}meta\.llama3-1-8b-instruct-v1:0 +input {3}10 \(cache read {4}0, cache write {4}0\) {2}output {2}20 {2}\$0\.0000066/,
    );
  });
});
