import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

// gpt-4o-mini: $0.15 / $0.60 per 1M input / output tokens; text-embedding-3-small: $0.02 per 1M
// (@pydantic/genai-prices 0.1.8). The simulator's token counts are deterministic.
const GPT_4O_MINI = { input: 0.15e-6, output: 0.6e-6 };
const EMBEDDING_3_SMALL = 0.02e-6;

describe('examples/openai-basic', () => {
  it('meters a plain, a streaming and an embeddings call, matching the simulator ledger and catalog prices', async () => {
    const run = await runExample('openai-basic');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.summary).toEqual({
      calls: 3,
      input: 29,
      output: 41,
      usd: expect.any(Number),
      scrapedUsd: expect.any(Number),
      ledger: { requests: 3, input: 29, output: 41 },
    });
    // chat 11 + stream 13 input tokens, 24 + 17 output; embeddings 5 input tokens.
    const expectedUsd = 24 * GPT_4O_MINI.input + 41 * GPT_4O_MINI.output + 5 * EMBEDDING_3_SMALL;
    expect(run.summary?.['usd']).toBeCloseTo(expectedUsd, 12);
    expect(run.summary?.['scrapedUsd']).toBeCloseTo(expectedUsd, 12);
    expect(run.stdout).toMatch(
      /chat {12}gpt-4o-mini-2024-07-18 +input {2}11 {2}output {2}24 {2}\$0\.0000161 {2}usage: provider/,
    );
    expect(run.stdout).toMatch(
      /chat \(stream\) {3}gpt-4o-mini-2024-07-18 +input {2}13 {2}output {2}17 {2}\$0\.0000121 {2}usage: provider/,
    );
    expect(run.stdout).toContain(
      'stream: 7 chunks, every one with a choice (no usage chunk reached the caller)',
    );
    expect(run.stdout).toMatch(
      /^ {2}burnrate_cost_usd_total\{feature="support",tenant="acme",.*burnrate_cost_component="api"/m,
    );
    expect(run.stdout).toMatch(
      /^ {2}gen_ai_client_inference_usage_output_tokens_total\{.*gen_ai_request_model="gpt-4o-mini".*\} 41$/m,
    );
  });
});
