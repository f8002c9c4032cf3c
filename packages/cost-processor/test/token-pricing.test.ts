import { describe, expect, it } from 'vitest';
import { TokenPricer } from '../src/internal/pricing/token-pricer.js';
import type { TokenPriced, TokenPriceResult } from '../src/internal/pricing/types.js';
import { loadPriceCard } from '../src/price-card/load-price-card.js';
import { llm, micros } from './helpers.js';

const defaults = new TokenPricer(loadPriceCard());

function priced(r: TokenPriceResult): TokenPriced {
  if (r.kind !== 'priced') throw new Error(`expected priced, got ${r.reason}: ${r.detail}`);
  return r;
}

describe('catalog prices (genai-prices 0.1.8) for the issue cases', () => {
  it('prices gpt-4o at $12.50 for 1M input + 1M output tokens', () => {
    const r = priced(defaults.price(llm('gpt-4o', { input: 1_000_000, output: 1_000_000 })));
    expect(micros(r.usd)).toBe(12_500_000);
    expect(r.source).toBe('catalog');
    expect(r.matchedModel).toBe('gpt-4o');
  });

  it('prices gpt-4o-mini at $0.105 for 500k input of which 400k cached + 100k output', () => {
    const r = priced(
      defaults.price(llm('gpt-4o-mini', { input: 500_000, cacheRead: 400_000, output: 100_000 })),
    );
    // 100k × $0.15/M + 400k × $0.075/M + 100k × $0.60/M
    expect(micros(r.usd)).toBe(105_000);
    // 400k cached tokens × ($0.15 − $0.075)/M
    expect(micros(r.promptCacheSavingsUsd)).toBe(30_000);
  });

  it('prices o3 at $0.042 for 1k input + 5k output of which 4k reasoning (reasoning not counted twice)', () => {
    const r = priced(defaults.price(llm('o3', { input: 1000, output: 5000, reasoning: 4000 })));
    expect(micros(r.usd)).toBe(42_000);
  });

  it('prices text-embedding-3-small at $0.02 for 1M tokens', () => {
    const r = priced(
      defaults.price(llm('text-embedding-3-small', { input: 1_000_000 }, { operation: 'embeddings' })),
    );
    expect(micros(r.usd)).toBe(20_000);
  });

  it('prices a dated response model through the catalog family (gpt-4o-2024-08-06 → gpt-4o)', () => {
    const r = priced(
      defaults.price(
        llm('gpt-4o', { input: 1_000_000, output: 1_000_000 }, { responseModel: 'gpt-4o-2024-08-06' }),
      ),
    );
    expect(r.matchedModel).toBe('gpt-4o');
    expect(micros(r.usd)).toBe(12_500_000);
  });
});

describe('other providers and token kinds', () => {
  it('prices Anthropic cache writes at 1.25× and cache reads at 0.1× of claude-sonnet-4-5 input', () => {
    const r = priced(
      defaults.price(
        llm(
          'claude-sonnet-4-5',
          { input: 100_000, cacheRead: 50_000, cacheWrite: 20_000, output: 10_000 },
          { provider: 'anthropic' },
        ),
      ),
    );
    // 30k × $3 + 50k × $0.30 + 20k × $3.75 + 10k × $15, per 1M
    expect(micros(r.usd)).toBe(90_000 + 15_000 + 75_000 + 150_000);
    expect(micros(r.promptCacheSavingsUsd)).toBe(50_000 * 2.7);
  });

  it('applies the long-context tier of claude-sonnet-4-5 above 200k input tokens, per call', () => {
    const r = priced(
      defaults.price(
        llm('claude-sonnet-4-5', { input: 300_000, output: 1_000_000 }, { provider: 'anthropic' }),
      ),
    );
    // $6/M input and $22.50/M output above 200k
    expect(micros(r.usd)).toBe(1_800_000 + 22_500_000);
  });

  it('maps the azure.ai.openai provider name to the azure catalog', () => {
    const r = priced(
      defaults.price(
        llm('gpt-4o-mini', { input: 1_000_000, output: 1_000_000 }, { provider: 'azure.ai.openai' }),
      ),
    );
    expect(r.providerId).toBe('azure');
    expect(micros(r.usd)).toBe(750_000);
  });

  it('splits provider/model names itself when the provider is a router host', () => {
    const r = priced(
      defaults.price(
        llm(
          'openai/gpt-4o-mini',
          { input: 1_000_000, output: 1_000_000 },
          { provider: 'llm-gateway.internal' },
        ),
      ),
    );
    expect(r.providerId).toBe('openai');
    expect(micros(r.usd)).toBe(750_000);
  });

  it('raises input to cache read + cache write when a record under-reports it, instead of failing', () => {
    const r = priced(defaults.price(llm('gpt-4o-mini', { input: 100, cacheRead: 1000, output: 0 })));
    expect(micros(r.usd)).toBe(75); // 1000 cached tokens × $0.075/M
  });
});

describe('service tiers', () => {
  it('prices OpenAI flex at half the standard price (gpt-5, $0.625 + $5 per 1M)', () => {
    const r = priced(
      defaults.price(llm('gpt-5', { input: 1_000_000, output: 1_000_000 }, { serviceTier: 'flex' })),
    );
    expect(micros(r.usd)).toBe(5_625_000);
    expect(r.source).toBe('multiplier');
    expect(micros(r.serviceTierSavingsUsd)).toBe(5_625_000);
    expect(r.appliedRules).toEqual(['openai-flex']);
  });

  it('prices OpenAI priority for gpt-4o at $4.25 input, $2.125 cached, $17 output per 1M', () => {
    const r = priced(
      defaults.price(
        llm(
          'gpt-4o',
          { input: 1_000_000, cacheRead: 500_000, output: 1_000_000 },
          { serviceTier: 'priority' },
        ),
      ),
    );
    expect(micros(r.usd)).toBe(micros(0.5 * 4.25 + 0.5 * 2.125 + 17));
    expect(r.serviceTierSavingsUsd).toBe(0);
  });

  it('prices OpenAI priority for gpt-4o-mini at $0.25 input and $1.00 output per 1M', () => {
    const r = priced(
      defaults.price(
        llm('gpt-4o-mini', { input: 1_000_000, output: 1_000_000 }, { serviceTier: 'priority' }),
      ),
    );
    expect(micros(r.usd)).toBe(1_250_000);
  });

  it('prices priority calls above 128k input tokens at standard rates (priority excludes long context)', () => {
    const r = priced(defaults.price(llm('gpt-5', { input: 200_000 }, { serviceTier: 'priority' })));
    expect(micros(r.usd)).toBe(250_000);
  });

  it('treats service tier "default" as standard', () => {
    const r = priced(defaults.price(llm('gpt-4o', { input: 1_000_000 }, { serviceTier: 'default' })));
    expect(micros(r.usd)).toBe(2_500_000);
    expect(r.source).toBe('catalog');
  });

  it('reports a tier without a known price as unpriced rather than guessing', () => {
    const r = defaults.price(llm('o3-pro', { input: 1000, output: 1000 }, { serviceTier: 'priority' }));
    expect(r).toMatchObject({ kind: 'unpriced', reason: 'unknown_service_tier' });
  });
});

describe('resolution order: explicit → multiplier → catalog → unpriced', () => {
  const card = loadPriceCard({
    models: {
      'gpt-4': { per_tokens: 1000, input: 0.03, output: 0.03 },
      'my-llama-*': { input: 0.2, output: 0.6 },
      'ft:gpt-4o-mini:acme::*': { input: 0.3, cached_input: 0.15, output: 1.2 },
    },
    aliases: { 'ft:gpt-4o:acme::*': 'gpt-4o' },
    providers: { 'vllm.internal': 'openai' },
    multipliers: [{ name: 'negotiated', provider: 'openai', model: 'gpt-4o*', factor: 0.8 }],
  });
  const pricer = new TokenPricer(card);

  it('uses an explicit per-1K price before the catalog (gpt-4 at $0.03/1K for 50,000 tokens = $1.50)', () => {
    const r = priced(pricer.price(llm('gpt-4', { input: 25_000, output: 25_000 })));
    expect(r.source).toBe('explicit');
    expect(micros(r.usd)).toBe(1_500_000);
  });

  it('matches explicit globs against the model name, here on a mapped self-hosted host', () => {
    const r = priced(
      pricer.price(
        llm('my-llama-8b', { input: 1_000_000, output: 1_000_000 }, { provider: 'vllm.internal' }),
      ),
    );
    expect(r.matchedModel).toBe('my-llama-*');
    expect(micros(r.usd)).toBe(800_000);
  });

  it('prices a fine-tune from its explicit entry', () => {
    const r = priced(
      pricer.price(
        llm('ft:gpt-4o-mini:acme::abc123', { input: 1_000_000, cacheRead: 1_000_000, output: 1_000_000 }),
      ),
    );
    expect(micros(r.usd)).toBe(1_350_000);
  });

  it('applies a negotiated multiplier to the catalog price and says so in the source', () => {
    const r = priced(pricer.price(llm('gpt-4o', { input: 1_000_000, output: 1_000_000 })));
    expect(r.source).toBe('multiplier');
    expect(r.appliedRules).toEqual(['negotiated']);
    expect(micros(r.usd)).toBe(10_000_000);
  });

  it('prices an aliased fine-tune at its base model, multipliers included', () => {
    const r = priced(pricer.price(llm('ft:gpt-4o:acme::zz', { input: 1_000_000 })));
    expect(r.matchedModel).toBe('gpt-4o');
    expect(micros(r.usd)).toBe(2_000_000);
  });

  it('combines a negotiated discount with the batch tier (0.8 × 0.5)', () => {
    const r = priced(pricer.price(llm('gpt-4o', { input: 1_000_000 }, { serviceTier: 'batch' })));
    expect(micros(r.usd)).toBe(1_000_000);
    expect(micros(r.serviceTierSavingsUsd)).toBe(1_000_000);
  });
});

describe('unpriced usage', () => {
  it('reports an unknown fine-tune as unpriced (unknown_model), never $0', () => {
    const r = defaults.price(llm('ft:gpt-4o-mini:acme::x', { input: 1000, output: 1000 }));
    expect(r.kind).toBe('unpriced');
    if (r.kind === 'unpriced') {
      expect(r.reason).toBe('unknown_model');
      expect(r.detail).toContain('fine-tuned');
    }
  });

  it('reports an unmapped host as unknown_provider with the providers: fix', () => {
    const r = defaults.price(llm('llama3', { input: 10, output: 10 }, { provider: '127.0.0.1' }));
    expect(r).toMatchObject({ kind: 'unpriced', reason: 'unknown_provider' });
    if (r.kind === 'unpriced') expect(r.detail).toContain('providers:');
  });
});
