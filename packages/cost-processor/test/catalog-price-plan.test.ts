import type { TokenUsage } from '@burnrate/sdk';
import { findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { evaluateCatalogPlan } from '../src/internal/pricing/catalog-price-plan.js';
import {
  catalogPrice,
  lookupCatalogModel,
  toCatalogTokens,
} from '../src/internal/pricing/genai-prices-adapter.js';

/** Every provider of the pinned genai-prices 0.1.8 catalog (its data is not exported as a list). */
const PROVIDERS = [
  'anthropic',
  'arcee',
  'avian',
  'aws',
  'azure',
  'baseten',
  'cerebras',
  'cloudflare',
  'cohere',
  'cursor',
  'deepseek',
  'doubleword',
  'fireworks',
  'github-copilot',
  'google',
  'groq',
  'huggingface_cerebras',
  'huggingface_fireworks-ai',
  'huggingface_groq',
  'huggingface_hyperbolic',
  'huggingface_nebius',
  'huggingface_novita',
  'huggingface_nscale',
  'huggingface_ovhcloud',
  'huggingface_publicai',
  'huggingface_sambanova',
  'huggingface_together',
  'minimax',
  'mistral',
  'modal',
  'moonshotai',
  'novita',
  'openai',
  'openrouter',
  'ovhcloud',
  'perplexity',
  'quicksilverpro',
  'together',
  'typesafe',
  'voyageai',
  'x-ai',
  'zai',
  'zhipuai',
];

const u = (x: Partial<TokenUsage>): TokenUsage => ({
  input: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  ...x,
});

/** Small and large calls, every cache kind, long contexts across tier thresholds, odd values. */
const USAGES: readonly TokenUsage[] = [
  u({ input: 12, output: 2 }),
  u({ input: 500_000, cacheRead: 400_000, output: 100_000 }),
  u({
    input: 250_000,
    cacheRead: 10_000,
    cacheWrite: 30_000,
    cacheWrite1h: 20_000,
    output: 5000,
    reasoning: 300,
  }),
  u({ input: 200_000, cacheWrite: 200_000, cacheWrite1h: 200_000, output: 1 }),
  u({ input: 3, cacheRead: 5, cacheWrite: 1, reasoning: 7 }),
  u({ input: 199_999.5, cacheRead: 0.25, cacheWrite: 0.1, cacheWrite1h: 0.05, output: 1e-7 }),
  // Fractions whose sum depends on the order genai-prices adds the cached parts in.
  u({ input: 5, cacheRead: 0.115, cacheWrite: 1.738, cacheWrite1h: 0.826, output: 1 }),
  u({ input: 1e15 + 1, cacheRead: 1e14 + 3, cacheWrite: 7, cacheWrite1h: 3, output: 1e12 }),
  u({ input: Number.NaN, cacheRead: -1, cacheWrite: Number.POSITIVE_INFINITY, output: -5 }),
];

/** Times across the catalog's start dates and peak / off-peak hours, and invalid ones. */
const TIMES: readonly number[] = [
  Date.UTC(2023, 0, 1),
  Date.UTC(2025, 5, 1, 3, 30),
  Date.UTC(2025, 5, 1, 17),
  Date.UTC(2026, 11, 1, 16, 29, 59, 999),
  Date.UTC(2026, 11, 1, 16, 30),
  Date.UTC(2026, 11, 1, 0, 30, 0, 500),
  Number.NaN,
  1e20,
];

describe('compiled catalog prices', () => {
  it('price every model of the pinned catalog bit-for-bit like genai-prices (with and without cache reads)', () => {
    let models = 0;
    let compared = 0;
    const mismatches: string[] = [];
    for (const id of PROVIDERS) {
      const provider = findProvider({ providerId: id });
      expect(provider?.id).toBe(id);
      for (const model of provider?.models ?? []) {
        const hit = lookupCatalogModel(id, model.id);
        // Some ids do not match their own model's match rule (the catalog prices them under another id).
        if (hit.kind !== 'model') continue;
        models += 1;
        expect(hit.plan, `${id}/${model.id} compiles`).toBeDefined();
        if (!hit.plan) continue;
        const times = hit.plan.conditional ? TIMES : TIMES.slice(0, 1);
        for (const usage of USAGES) {
          for (const timeMs of times) {
            for (const withoutCacheReads of [false, true]) {
              const call = withoutCacheReads ? { ...usage, cacheRead: 0 } : usage;
              const expected = catalogPrice(call, id, model.id, new Date(timeMs));
              const got = evaluateCatalogPlan(hit.plan, toCatalogTokens(usage, withoutCacheReads), timeMs);
              compared += 1;
              // undefined: the plan hands the call back to genai-prices (an invalid time, here).
              if (got === undefined) {
                expect(Number.isNaN(new Date(timeMs).getTime())).toBe(true);
                continue;
              }
              const want = 'usd' in expected ? expected.usd : expected.kind;
              if (!Object.is(got, want))
                mismatches.push(`${id}/${model.id} ${JSON.stringify(call)} @${timeMs}: ${got} ≠ ${want}`);
            }
          }
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(models).toBeGreaterThan(1500);
    expect(compared).toBeGreaterThan(20_000);
  });

  it('prices the corrected Claude Sonnet 4 from the shipped correction, long context included', () => {
    const hit = lookupCatalogModel('anthropic', 'claude-sonnet-4-20250514');
    expect(hit).toMatchObject({ kind: 'model', matchedModel: 'claude-sonnet-4-0' });
    if (hit.kind !== 'model' || !hit.plan) throw new Error('expected a compiled plan');
    expect(hit.correction).toBe('catalog-correction:anthropic-claude-sonnet-4-long-context');
    const long = u({ input: 300_000, output: 1000 });
    const expected = catalogPrice(long, 'anthropic', 'claude-sonnet-4-20250514', new Date(TIMES[0] ?? 0));
    expect(expected).toMatchObject({ correction: hit.correction });
    expect(evaluateCatalogPlan(hit.plan, toCatalogTokens(long), TIMES[0] ?? 0)).toBe(
      'usd' in expected ? expected.usd : Number.NaN,
    );
  });
});
