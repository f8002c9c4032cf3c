import Anthropic from '@anthropic-ai/sdk';
import { METRIC } from '@burnrate/semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsageRecorder, instrumentAnthropic, withAttributes } from '../../src/index.js';
import { type AnthropicFixture, anthropicFixture, cachedSystem } from '../helpers/anthropic-fixture.js';
import { points, sumWhere, throwingMeterProvider, throwingProcessor, total } from '../helpers/metrics.js';

/** One mixed call; returns what the caller saw, without ids. */
async function mixedCall(client: Anthropic, i: number): Promise<unknown> {
  const tenant = ['acme', 'globex', 'initech'][i % 3] as string;
  const question = [{ role: 'user' as const, content: `question ${i}` }];
  return withAttributes({ feature: i % 2 ? 'search' : 'chat', tenant }, async () => {
    switch (i % 6) {
      case 0: {
        const m = await client.messages.create({
          model: 'claude-sonnet-4-0',
          max_tokens: 8 + (i % 7),
          messages: question,
        });
        return m.content;
      }
      case 1: {
        const s = await client.messages.create({
          model: 'claude-sonnet-4-0',
          max_tokens: 1024,
          system: cachedSystem(),
          messages: question,
          stream: true,
        });
        let text = '';
        for await (const e of s)
          if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
        return text;
      }
      case 2: {
        const m = await client.messages.create({
          model: 'claude-3-5-haiku-latest',
          max_tokens: 1024,
          system: cachedSystem('1h'),
          messages: question,
        });
        return m.content;
      }
      case 3: {
        const final = await client.messages
          .stream({ model: 'claude-opus-4-1', max_tokens: 1024, messages: question })
          .finalMessage();
        return final.content;
      }
      case 4: {
        const m = await client.messages.create({
          model: 'claude-sonnet-4-0',
          max_tokens: 40,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          messages: question,
        });
        return m.content;
      }
      default: {
        return client.messages
          .create({ model: 'claude-sonnet-4-0:fault=429', max_tokens: 10, messages: question })
          .then(
            () => 'ok',
            (e: unknown) => (e as Error).constructor.name,
          );
      }
    }
  });
}

describe('Anthropic reconciliation with the simulator ledger', () => {
  let f: AnthropicFixture;
  beforeEach(async () => {
    f = await anthropicFixture();
  });
  afterEach(() => f.close());

  it('counts exactly the tokens the simulator served across 120 concurrent mixed calls', async () => {
    await Promise.all(Array.from({ length: 120 }, (_, i) => mixedCall(f.client, i)));
    const ledger = f.sim.ledger();
    expect(ledger.served.totals.requests).toBe(100);
    expect(ledger.errors).toEqual({ '429': 20 });
    expect(ledger.reported.totals).toEqual(ledger.served.totals);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(ledger.served.totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(ledger.served.totals.output);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(ledger.served.totals.cached_input);
    expect(await total(f.reader, METRIC.cacheWriteTokens)).toBe(ledger.served.totals.cache_write);
    expect(await total(f.reader, METRIC.reasoningTokens)).toBe(ledger.served.totals.reasoning);
    expect(ledger.served.totals.cached_input).toBeGreaterThan(0);
    expect(ledger.served.totals.cache_write).toBeGreaterThan(0);
    expect(ledger.served.totals.reasoning).toBeGreaterThan(0);

    const input = await points(f.reader, METRIC.inputTokens);
    for (const [model, tally] of Object.entries(ledger.served.models)) {
      expect(sumWhere(input, { 'gen_ai.request.model': model })).toBe(tally.input);
    }
    const byTenant = ['acme', 'globex', 'initech'].map((t) => sumWhere(input, { tenant: t }));
    expect(byTenant.reduce((a, b) => a + b)).toBe(ledger.served.totals.input);
    expect(f.records.filter((r) => r.errorType === 'RateLimitError')).toHaveLength(20);
  });

  it('returns identical results with a throwing processor and a throwing meter', async () => {
    const recorder = createUsageRecorder({
      meterProvider: throwingMeterProvider(),
      processors: [throwingProcessor],
    });
    const client = instrumentAnthropic(
      new Anthropic({ baseURL: f.sim.anthropicUrl, apiKey: 'sk-ant-test', maxRetries: 0 }),
      { recorder },
    );
    const got = await Promise.all(Array.from({ length: 12 }, (_, i) => mixedCall(client, i)));
    f.sim.resetPromptCache();
    const want = await Promise.all(Array.from({ length: 12 }, (_, i) => mixedCall(f.bare, i)));
    expect(got).toEqual(want);
    expect(got.filter((r) => r === 'RateLimitError')).toHaveLength(2);
  });
});
