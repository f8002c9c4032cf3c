import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

// Published per-token prices (@pydantic/genai-prices catalog): gpt-4o-mini $0.15 / $0.60 per 1M
// input / output tokens; text-embedding-3-small $0.02 per 1M input tokens.
const PRICE: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15e-6, output: 0.6e-6 },
  'text-embedding-3-small': { input: 0.02e-6, output: 0 },
};

interface Ledger {
  requests: number;
  models: Record<string, { input: number; output: number }>;
}

describe('examples/ai-sdk', () => {
  it('meters generateText, streamText and embedMany through the middlewares, matching the ledger and catalog prices', async () => {
    const run = await runExample('ai-sdk');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const ledger = run.summary?.['ledger'] as Ledger;
    expect(ledger.requests).toBe(3);
    expect(Object.keys(ledger.models).sort()).toEqual(['gpt-4o-mini', 'text-embedding-3-small']);
    const tokens = Object.values(ledger.models);
    expect(run.summary).toMatchObject({
      calls: 3,
      input: tokens.reduce((s, t) => s + t.input, 0),
      output: tokens.reduce((s, t) => s + t.output, 0),
    });
    // 24 + 17 output tokens asked for, and served.
    expect(ledger.models['gpt-4o-mini']?.output).toBe(41);
    const expectedUsd = Object.entries(ledger.models).reduce((s, [m, t]) => {
      const p = PRICE[m] as { input: number; output: number };
      return s + t.input * p.input + t.output * p.output;
    }, 0);
    expect(run.summary?.['usd']).toBeCloseTo(expectedUsd, 9);
    expect(run.summary?.['scrapedUsd']).toBeCloseTo(expectedUsd, 9);
    expect(run.stdout).toMatch(/chat {12}openai {2}gpt-4o-mini-2024-07-18 +input {2}11 {2}output {2}24/);
    expect(run.stdout).toMatch(
      /chat \(stream\) {3}openai {2}gpt-4o-mini-2024-07-18 +input {2}13 {2}output {2}17/,
    );
    expect(run.stdout).toMatch(/embeddings {6}openai {2}text-embedding-3-small +input {3}5 {2}output {3}0/);
    expect(run.stdout).toMatch(
      /^ {2}burnrate_cost_usd_total\{feature="support",tenant="acme",gen_ai_provider_name="openai",.*burnrate_price_source="catalog"/m,
    );
  });
});
