import type { LlmUsageRecord } from '@burnrate/sdk';
import { describe, expect, it } from 'vitest';
import { GENAI_PRICES_CATALOG, type PriceCatalog } from '../src/internal/pricing/genai-prices-adapter.js';
import { PRICE_MEMO_LIMIT, TokenPricer } from '../src/internal/pricing/token-pricer.js';
import { loadPriceCard } from '../src/price-card/load-price-card.js';
import { createCostProcessor } from '../src/processor/create-cost-processor.js';
import { llm } from './helpers.js';

/** The genai-prices catalog with a count of every question the pricer asks it. */
function countingCatalog(): { catalog: PriceCatalog; calls: Record<keyof PriceCatalog, number> } {
  const calls = { resolveProvider: 0, lookupModel: 0, price: 0, providerOf: 0 };
  const catalog: PriceCatalog = {
    resolveProvider(...a) {
      calls.resolveProvider++;
      return GENAI_PRICES_CATALOG.resolveProvider(...a);
    },
    lookupModel(...a) {
      calls.lookupModel++;
      return GENAI_PRICES_CATALOG.lookupModel(...a);
    },
    price(...a) {
      calls.price++;
      return GENAI_PRICES_CATALOG.price(...a);
    },
    providerOf(...a) {
      calls.providerOf++;
      return GENAI_PRICES_CATALOG.providerOf(...a);
    },
  };
  return { catalog, calls };
}

/** A card exercising every resolution branch: explicit (globs, provider-bound, long context), aliases, multipliers with input bounds, tiers. */
const card = loadPriceCard({
  models: {
    'gpt-4': { per_tokens: 1000, input: 0.03, output: 0.06 },
    'my-llama-*': { input: 0.2, cached_input: 0.1, output: 0.6 },
    'house-long': {
      input: 1,
      cached_input: 0.5,
      cache_write: 1.25,
      output: 4,
      long_context: { threshold: 100_000, input: 2, cached_input: 1, cache_write: 2.5, output: 8 },
    },
    'azure-only': { provider: 'azure', input: 3, output: 9 },
  },
  aliases: { 'ft:gpt-4o:acme::*': 'gpt-4o', 'house-alias': 'my-llama-8b' },
  providers: { 'vllm.internal': 'openai', 'gw.internal': 'anthropic' },
  multipliers: [
    { name: 'negotiated', provider: 'openai', model: 'gpt-4o*', factor: 0.8 },
    { name: 'small-only', provider: 'anthropic', factor: 0.9, max_input_tokens: 50_000 },
    { name: 'flex-short', provider: 'openai', service_tier: 'flex', factor: 0.5, max_input_tokens: 100_000 },
    { name: 'house-batch', model: 'my-llama-*', service_tier: 'batch', factor: 0.5 },
  ],
});

const USAGES = [
  { input: 12, output: 2 },
  { input: 500_000, cacheRead: 400_000, output: 100_000, reasoning: 20_000 },
  { input: 60_000, cacheRead: 10_000, cacheWrite: 20_000, cacheWrite1h: 5000, output: 700 },
  { input: 250_000, cacheWrite: 30_000, output: 10 },
  { input: 0, output: 0 },
  { input: Number.NaN, cacheRead: -3, output: Number.POSITIVE_INFINITY },
];

const CALLS: readonly Partial<LlmUsageRecord>[] = [
  { requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18' },
  { requestModel: 'gpt-4o', serviceTier: 'flex' },
  { requestModel: 'gpt-4o', serviceTier: 'priority' },
  { requestModel: 'gpt-4o', serviceTier: 'batch' },
  { requestModel: 'gpt-4o', serviceTier: 'default' },
  { requestModel: 'gpt-4o', serviceTier: 'warp-speed' },
  { requestModel: 'gpt-4', responseModel: '' },
  { requestModel: 'ft:gpt-4o:acme::zz' },
  { requestModel: 'my-llama-8b', provider: 'vllm.internal', serviceTier: 'batch' },
  { requestModel: 'house-alias', provider: 'vllm.internal' },
  { requestModel: 'house-long', provider: 'vllm.internal' },
  { requestModel: 'azure-only', provider: 'azure.ai.openai' },
  { requestModel: 'azure-only' },
  { requestModel: 'claude-sonnet-4-20250514', provider: 'anthropic' },
  { requestModel: 'claude-3-5-haiku-latest', provider: 'gw.internal' },
  { requestModel: 'anthropic/claude-opus-4-6', provider: 'some-router' },
  { requestModel: 'deepseek-chat', provider: 'deepseek' },
  { requestModel: 'ft:gpt-4o-mini:acme::x' },
  { requestModel: 'llama3', provider: '127.0.0.1' },
  { requestModel: 'gemini-2.5-pro', provider: 'gcp.vertex_ai' },
  { requestModel: 'text-embedding-3-small', operation: 'embeddings' },
  { requestModel: '' },
  { requestModel: 'gpt-4o-mini', timeMs: Number.NaN },
  { requestModel: 42 as unknown as string },
  { requestModel: 'gpt-4o-mini', serviceTier: 7 as unknown as string },
];

describe('memoized token pricing', () => {
  it('gives exactly what the unmemoized path gives, on the first call of a model and on later ones', () => {
    const memoized = new TokenPricer(card);
    const reference = new TokenPricer(card, { memoLimit: 0 });
    for (const call of CALLS) {
      for (const u of USAGES) {
        const record = llm('x', u, call);
        const want = reference.price(record);
        for (let i = 0; i < 2; i++) {
          const got = memoized.price(record);
          expect(got, `${JSON.stringify(call)} ${JSON.stringify(u)}`).toStrictEqual(want);
          if (got.kind === 'priced' && want.kind === 'priced') {
            expect(Object.is(got.usd, want.usd)).toBe(true);
            expect(Object.is(got.promptCacheSavingsUsd, want.promptCacheSavingsUsd)).toBe(true);
            expect(Object.is(got.serviceTierSavingsUsd, want.serviceTierSavingsUsd)).toBe(true);
          }
        }
      }
    }
    expect(memoized.memoSize).toBeGreaterThan(0);
    expect(reference.memoSize).toBe(0);
  });

  it('asks the catalog once per model, not once or twice per call', () => {
    const { catalog, calls } = countingCatalog();
    const pricer = new TokenPricer(loadPriceCard(), { catalog });
    let usd = 0;
    for (let i = 0; i < 1000; i++) {
      const r = pricer.price(llm('gpt-4o-mini', { input: 1000 + i, cacheRead: i, output: 10 + (i % 7) }));
      if (r.kind === 'priced') usd += r.usd;
    }
    expect(calls.lookupModel).toBe(1);
    expect(calls.price).toBe(0);
    expect(calls.resolveProvider).toBe(1);
    expect(usd).toBeGreaterThan(0);

    // The same 1000 calls unmemoized: two catalog prices per call.
    const { catalog: slowCatalog, calls: slow } = countingCatalog();
    const unmemoized = new TokenPricer(loadPriceCard(), { catalog: slowCatalog, memoLimit: 0 });
    for (let i = 0; i < 1000; i++)
      unmemoized.price(llm('gpt-4o-mini', { input: 1000 + i, cacheRead: i, output: 10 + (i % 7) }));
    expect(slow.price).toBe(2000);
  });

  it('stays bounded under a flood of 100k distinct model names and prices each exactly', () => {
    const floodCard = loadPriceCard({
      models: { 'flood-*': { input: 0.37, cached_input: 0.11, output: 1.9 } },
    });
    const pricer = new TokenPricer(floodCard);
    const reference = new TokenPricer(floodCard, { memoLimit: 0 });
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      const record = llm(`flood-${i}`, { input: 100 + (i % 97), cacheRead: i % 13, output: i % 31 });
      const got = pricer.price(record);
      largest = Math.max(largest, pricer.memoSize);
      if (i % 997 === 0) expect(got).toStrictEqual(reference.price(record));
      expect(got.kind).toBe('priced');
    }
    expect(largest).toBeLessThanOrEqual(PRICE_MEMO_LIMIT);
    expect(pricer.memoSize).toBeLessThanOrEqual(PRICE_MEMO_LIMIT);
  });

  it('keeps the processor’s totals exact through a flood of 100k distinct model names', () => {
    const priceCard = { models: { 'flood-*': { input: 0.37, cached_input: 0.11, output: 1.9 } } };
    const costs = createCostProcessor({ priceCard, logger: { warn() {} } });
    const reference = new TokenPricer(loadPriceCard(priceCard), { memoLimit: 0 });
    let want = 0;
    let saved = 0;
    for (let i = 0; i < 100_000; i++) {
      const record = llm(`flood-${i}`, { input: 100 + (i % 97), cacheRead: i % 13, output: i % 31 });
      costs.onUsage(record);
      const r = reference.price(record);
      if (r.kind !== 'priced') throw new Error(r.detail);
      want += r.usd;
      if (r.promptCacheSavingsUsd > 0) saved += r.promptCacheSavingsUsd;
    }
    const report = costs.report();
    // Same additions in the same order: equal to the last bit, not merely close.
    expect(report.bySource.explicit).toBe(want);
    expect(report.savings.byStrategy['prompt_cache']).toBe(saved);
    expect(report.queries).toBe(100_000);
    // The report lists the first 1000 models by name and sums the rest in one `other` row.
    expect(report.models).toHaveLength(1001);
    expect(report.models.find((m) => m.model === 'flood-999')?.pricedCalls).toBe(1);
    expect(report.models.find((m) => m.model === 'other')?.pricedCalls).toBe(99_000);
  });
});
