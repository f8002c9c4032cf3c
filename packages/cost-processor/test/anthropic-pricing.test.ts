import { normalizeAnthropicUsage } from '@burnrate/sdk';
import { describe, expect, it } from 'vitest';
import { TokenPricer } from '../src/internal/pricing/token-pricer.js';
import type { TokenPriced, TokenPriceResult } from '../src/internal/pricing/types.js';
import { loadPriceCard } from '../src/price-card/load-price-card.js';
import { llm, micros } from './helpers.js';

const pricer = new TokenPricer(loadPriceCard());

function priced(r: TokenPriceResult): TokenPriced {
  if (r.kind !== 'priced') throw new Error(`expected priced, got ${r.reason}: ${r.detail}`);
  return r;
}

/**
 * Anthropic's published prices, USD per 1M tokens (platform.claude.com pricing page): base input,
 * 5-minute cache writes (1.25× input), 1-hour cache writes (2× input), cache hits (0.1× input), output.
 */
const PUBLISHED = {
  'claude-sonnet-4': { input: 3, write5m: 3.75, write1h: 6, read: 0.3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, write5m: 1, write1h: 1.6, read: 0.08, output: 4 },
} as const;

/** One call as Anthropic reports it: `input_tokens` without the cache reads and writes. */
const REPORTED = {
  input_tokens: 1_000,
  cache_read_input_tokens: 20_000,
  cache_creation_input_tokens: 12_000,
  cache_creation: { ephemeral_5m_input_tokens: 8_000, ephemeral_1h_input_tokens: 4_000 },
  output_tokens: 2_000,
};

function publishedUsd(
  p: (typeof PUBLISHED)[keyof typeof PUBLISHED],
  write5m: number,
  write1h: number,
): number {
  return (
    (REPORTED.input_tokens * p.input +
      REPORTED.cache_read_input_tokens * p.read +
      write5m * p.write5m +
      write1h * p.write1h +
      REPORTED.output_tokens * p.output) /
    1_000_000
  );
}

function anthropicRecord(model: string, split1h = true) {
  const usage = normalizeAnthropicUsage(
    split1h
      ? REPORTED
      : { ...REPORTED, cache_creation: { ephemeral_5m_input_tokens: 12_000, ephemeral_1h_input_tokens: 0 } },
  );
  if (!usage) throw new Error('no usage');
  return llm(model, usage, { provider: 'anthropic' });
}

describe('Anthropic calls priced from the genai-prices 0.1.8 catalog match the published prices', () => {
  it('prices claude-sonnet-4 with cache reads, 5-minute and 1-hour cache writes at $0.093', () => {
    const r = priced(pricer.price(anthropicRecord('claude-sonnet-4-20250514')));
    const expected = publishedUsd(PUBLISHED['claude-sonnet-4'], 8_000, 4_000);
    expect(expected).toBeCloseTo(0.093, 12);
    expect(micros(r.usd)).toBe(micros(expected));
    expect(Math.round(r.usd * 100)).toBe(Math.round(expected * 100));
    expect(r.matchedModel).toBe('claude-sonnet-4-0');
    expect(r.providerId).toBe('anthropic');
    // 20k cache hits × ($3 − $0.30)/M
    expect(micros(r.promptCacheSavingsUsd)).toBe(54_000);
  });

  it('prices the same cache writes all at the 5-minute rate when none were written for an hour', () => {
    const r = priced(pricer.price(anthropicRecord('claude-sonnet-4-20250514', false)));
    const expected = publishedUsd(PUBLISHED['claude-sonnet-4'], 12_000, 0);
    expect(micros(expected)).toBe(84_000);
    expect(micros(r.usd)).toBe(84_000);
  });

  it('prices claude-3-5-haiku with the same usage at its own published rates', () => {
    const r = priced(pricer.price(anthropicRecord('claude-3-5-haiku-20241022')));
    const expected = publishedUsd(PUBLISHED['claude-3-5-haiku'], 8_000, 4_000);
    expect(micros(r.usd)).toBe(micros(expected));
    expect(micros(r.usd)).toBe(24_800);
  });

  it('charges 1-hour writes at an explicit card price’s single cache-write price', () => {
    const card = new TokenPricer(
      loadPriceCard({
        models: { 'claude-sonnet-4*': { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 } },
      }),
    );
    const r = priced(card.price(anthropicRecord('claude-sonnet-4-20250514')));
    expect(r.source).toBe('explicit');
    expect(micros(r.usd)).toBe(84_000);
  });
});
