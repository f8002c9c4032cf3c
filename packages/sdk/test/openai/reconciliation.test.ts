import { METRIC } from '@burnrate/semconv';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsageRecorder, instrumentOpenAI, withAttributes } from '../../src/index.js';
import { points, sumWhere, throwingMeterProvider, throwingProcessor, total } from '../helpers/metrics.js';
import { LONG_SYSTEM_PROMPT, type OpenAIFixture, openaiFixture } from '../helpers/openai-fixture.js';

/** One mixed call; returns what the caller saw, without ids and timestamps. */
async function mixedCall(client: OpenAI, i: number): Promise<unknown> {
  const tenant = ['acme', 'globex', 'initech'][i % 3] as string;
  return withAttributes({ feature: i % 2 ? 'search' : 'chat', tenant }, async () => {
    switch (i % 5) {
      case 0: {
        const r = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `question ${i}` }],
          max_tokens: 8 + (i % 7),
        });
        return r.choices[0]?.message.content;
      }
      case 1: {
        const s = await client.chat.completions.create({
          model: 'gpt-4o',
          messages: [
            { role: 'system', content: LONG_SYSTEM_PROMPT },
            { role: 'user', content: `q${i}` },
          ],
          stream: true,
          max_tokens: 10,
        });
        let text = '';
        for await (const c of s) text += c.choices[0]?.delta.content ?? '';
        return text;
      }
      case 2: {
        const r = await client.responses.create({
          model: 'o4-mini',
          input: `think ${i}`,
          max_output_tokens: 50,
        });
        return r.output_text;
      }
      case 3: {
        const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: `doc ${i}` });
        return r.data[0]?.embedding.length;
      }
      default: {
        const s = await client.responses.create({
          model: 'gpt-4.1-nano',
          input: `stream ${i}`,
          stream: true,
        });
        let n = 0;
        for await (const _ of s) n++;
        return n;
      }
    }
  });
}

describe('reconciliation with the simulator ledger', () => {
  let f: OpenAIFixture;
  beforeEach(async () => {
    f = await openaiFixture();
  });
  afterEach(() => f.close());

  it('counts exactly the tokens the simulator served across 200 concurrent mixed calls', async () => {
    await Promise.all(Array.from({ length: 200 }, (_, i) => mixedCall(f.client, i)));
    const ledger = f.sim.ledger();
    expect(ledger.served.totals.requests).toBe(200);
    expect(ledger.reported.totals).toEqual(ledger.served.totals);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(ledger.served.totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(ledger.served.totals.output);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(ledger.served.totals.cached_input);
    expect(await total(f.reader, METRIC.reasoningTokens)).toBe(ledger.served.totals.reasoning);
    expect(ledger.served.totals.cached_input).toBeGreaterThan(0);
    expect(ledger.served.totals.reasoning).toBeGreaterThan(0);

    const input = await points(f.reader, METRIC.inputTokens);
    for (const [model, tally] of Object.entries(ledger.served.models)) {
      expect(sumWhere(input, { 'gen_ai.request.model': model })).toBe(tally.input);
    }
    const byTenant = ['acme', 'globex', 'initech'].map((t) => sumWhere(input, { tenant: t }));
    expect(byTenant.reduce((a, b) => a + b)).toBe(ledger.served.totals.input);
  });

  it('returns identical results with a throwing processor and a throwing meter', async () => {
    const recorder = createUsageRecorder({
      meterProvider: throwingMeterProvider(),
      processors: [throwingProcessor],
    });
    const client = instrumentOpenAI(new OpenAI({ baseURL: f.sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
      recorder,
    });
    const got = await Promise.all(Array.from({ length: 10 }, (_, i) => mixedCall(client, i)));
    const want = await Promise.all(Array.from({ length: 10 }, (_, i) => mixedCall(f.bare, i)));
    expect(got).toEqual(want);
  });
});
