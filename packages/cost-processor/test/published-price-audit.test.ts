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

/** USD for a call from per-1M prices: uncached input, cache reads, 5m and 1h cache writes, output. */
function usdFrom(
  p: { input: number; read: number; write5m: number; write1h: number; output: number },
  t: { uncached: number; read: number; write5m: number; write1h: number; output: number },
): number {
  return (
    (t.uncached * p.input +
      t.read * p.read +
      t.write5m * p.write5m +
      t.write1h * p.write1h +
      t.output * p.output) /
    1_000_000
  );
}

/**
 * Claude Sonnet 4's published prices, USD per 1M tokens
 * (https://docs.anthropic.com/en/docs/about-claude/pricing#long-context-pricing): a request whose
 * input, cache reads and writes included, exceeds 200K tokens pays the long-context rates on all of
 * its tokens.
 */
const SONNET_4 = {
  standard: { input: 3, read: 0.3, write5m: 3.75, write1h: 6, output: 15 },
  longContext: { input: 6, read: 0.6, write5m: 7.5, write1h: 12, output: 22.5 },
} as const;

describe('Claude Sonnet 4 above 200K input tokens is priced at the published long-context rates', () => {
  it('charges a 300K-token anthropic/claude-sonnet-4-20250514 call $6 in and $22.50 out per 1M', () => {
    const r = priced(
      pricer.price(
        llm('anthropic/claude-sonnet-4-20250514', { input: 300_000, output: 10_000 }, { provider: 'router' }),
      ),
    );
    const expected = usdFrom(SONNET_4.longContext, {
      uncached: 300_000,
      read: 0,
      write5m: 0,
      write1h: 0,
      output: 10_000,
    });
    expect(micros(r.usd)).toBe(micros(expected));
    expect(micros(r.usd)).toBe(2_025_000);
    expect(r.matchedModel).toBe('claude-sonnet-4-0');
    expect(r.appliedRules).toEqual(['catalog-correction:anthropic-claude-sonnet-4-long-context']);
  });

  it('charges cache reads and 5-minute and 1-hour writes of a long-context call at the long-context rates', () => {
    const usage = {
      input: 400_000,
      cacheRead: 200_000,
      cacheWrite: 100_000,
      cacheWrite1h: 40_000,
      output: 20_000,
    };
    const r = priced(pricer.price(llm('claude-sonnet-4-20250514', usage, { provider: 'anthropic' })));
    const expected = usdFrom(SONNET_4.longContext, {
      uncached: 100_000,
      read: 200_000,
      write5m: 60_000,
      write1h: 40_000,
      output: 20_000,
    });
    expect(micros(r.usd)).toBe(micros(expected));
  });

  it('keeps the standard rates at exactly 200K input tokens', () => {
    const r = priced(
      pricer.price(
        llm(
          'claude-sonnet-4-20250514',
          { input: 200_000, cacheRead: 50_000, output: 5_000 },
          { provider: 'anthropic' },
        ),
      ),
    );
    const expected = usdFrom(SONNET_4.standard, {
      uncached: 150_000,
      read: 50_000,
      write5m: 0,
      write1h: 0,
      output: 5_000,
    });
    expect(micros(r.usd)).toBe(micros(expected));
  });

  it('halves the long-context price for a Batch API call', () => {
    const r = priced(
      pricer.price(
        llm(
          'claude-sonnet-4-20250514',
          { input: 250_000, output: 2_000 },
          { provider: 'anthropic', serviceTier: 'batch' },
        ),
      ),
    );
    const expected =
      usdFrom(SONNET_4.longContext, { uncached: 250_000, read: 0, write5m: 0, write1h: 0, output: 2_000 }) /
      2;
    expect(micros(r.usd)).toBe(micros(expected));
    expect(r.appliedRules).toEqual([
      'catalog-correction:anthropic-claude-sonnet-4-long-context',
      'anthropic-batch',
    ]);
  });

  it('lets an explicit card price win over the shipped correction', () => {
    const card = loadPriceCard({ models: { 'claude-sonnet-4-20250514': { input: 2, output: 10 } } });
    const r = priced(
      new TokenPricer(card).price(
        llm('claude-sonnet-4-20250514', { input: 300_000, output: 10_000 }, { provider: 'anthropic' }),
      ),
    );
    expect(r.source).toBe('explicit');
    expect(micros(r.usd)).toBe(micros((300_000 * 2 + 10_000 * 10) / 1_000_000));
  });
});

/**
 * Gemini 2.5 Pro's published prices, USD per 1M tokens (https://ai.google.dev/gemini-api/docs/pricing):
 * prompts above 200K tokens pay the higher tier; Batch Mode is 50% of the interactive price
 * (https://ai.google.dev/gemini-api/docs/batch-mode).
 */
const GEMINI_25_PRO = {
  upTo200k: { input: 1.25, read: 0.125, output: 10 },
  above200k: { input: 2.5, read: 0.25, output: 15 },
} as const;

describe('Gemini Batch Mode is half the interactive price', () => {
  it('prices a long-context gemini-2.5-pro batch call with cached input at half the published price', () => {
    const r = priced(
      pricer.price(
        llm(
          'gemini-2.5-pro',
          { input: 300_000, cacheRead: 200_000, output: 10_000 },
          { provider: 'gcp.gemini', serviceTier: 'batch' },
        ),
      ),
    );
    const p = GEMINI_25_PRO.above200k;
    const expected = (100_000 * p.input + 200_000 * p.read + 10_000 * p.output) / 1_000_000 / 2;
    expect(micros(r.usd)).toBe(micros(expected));
    expect(r.appliedRules).toEqual(['google-batch']);
    expect(r.source).toBe('multiplier');
  });

  it('prices a short gemini-2.5-pro batch call at half the lower tier', () => {
    const r = priced(
      pricer.price(
        llm(
          'gemini-2.5-pro',
          { input: 100_000, output: 10_000 },
          { provider: 'google', serviceTier: 'batch' },
        ),
      ),
    );
    const p = GEMINI_25_PRO.upTo200k;
    expect(micros(r.usd)).toBe(micros((100_000 * p.input + 10_000 * p.output) / 1_000_000 / 2));
  });
});
