import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

// Published per-token price (@pydantic/genai-prices catalog): gpt-4o-mini $0.15 / $0.60 per 1M
// input / output tokens. Every call of the example is gpt-4o-mini.
const GPT_4O_MINI = { input: 0.15e-6, output: 0.6e-6 };

describe('examples/langchain', () => {
  it('meters ChatOpenAI invoke and stream through the handler and records a call seen by two layers once', async () => {
    const run = await runExample('langchain');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const ledger = run.summary?.['ledger'] as { requests: number; input: number; output: number };
    expect(ledger.requests).toBe(3);
    expect(run.summary).toMatchObject({
      calls: 3,
      input: ledger.input,
      output: ledger.output,
      // Two runs recorded by the handler (ls_provider openai), the layered one by the client wrapper.
      recordedBy: ['openai', 'openai', '127.0.0.1'],
    });
    const expectedUsd = ledger.input * GPT_4O_MINI.input + ledger.output * GPT_4O_MINI.output;
    expect(run.summary?.['usd']).toBeCloseTo(expectedUsd, 9);
    expect(run.summary?.['scrapedUsd']).toBeCloseTo(expectedUsd, 9);
    expect(run.stdout).toMatch(
      /chat \(stream\) {3}openai {4}gpt-4o-mini-2024-07-18 +input {2}13 {2}output {2}24/,
    );
  });
});
