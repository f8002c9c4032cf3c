import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { LABEL, PROM } from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';
import { withAttributes } from '../../src/index.js';
import { bedrockFixture, longSystemText, sumOf } from './bedrock-fixture.js';

/** AWS's published prices, USD per 1M tokens: input, cache write, cache read, output (Nova writes at input). */
const PRICES: Record<string, { input: number; write: number; read: number; output: number }> = {
  'us.anthropic.claude-3-5-haiku-20241022-v1:0': { input: 0.8, write: 1, read: 0.08, output: 4 },
  'anthropic.claude-3-5-haiku-20241022-v1:0': { input: 0.8, write: 1, read: 0.08, output: 4 },
  'amazon.nova-lite-v1:0': { input: 0.06, write: 0.06, read: 0.015, output: 0.24 },
  'meta.llama3-1-8b-instruct-v1:0': { input: 0.22, write: 0.22, read: 0.22, output: 0.22 },
  'amazon.titan-text-express-v1': { input: 0.2, write: 0.2, read: 0.2, output: 0.6 },
};

async function drain(it: AsyncIterable<unknown> | undefined): Promise<number> {
  let n = 0;
  for await (const _ of it ?? []) n += 1;
  return n;
}

/** One call of the mix: every command, every body family, cached and uncached prompts. */
async function mixedCall(client: BedrockRuntimeClient, i: number): Promise<void> {
  const text = `question ${i}`;
  switch (i % 6) {
    case 0:
      await client.send(
        new ConverseCommand({
          modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
          system: [{ text: longSystemText() }, { cachePoint: { type: 'default' } }],
          messages: [{ role: 'user', content: [{ text }] }],
        }),
      );
      return;
    case 1:
      await drain(
        (
          await client.send(
            new ConverseStreamCommand({
              modelId: 'amazon.nova-lite-v1:0',
              messages: [{ role: 'user', content: [{ text }] }],
            }),
          )
        ).stream,
      );
      return;
    case 2:
      await client.send(
        new InvokeModelCommand({
          modelId: 'meta.llama3-1-8b-instruct-v1:0',
          body: JSON.stringify({ prompt: text, max_gen_len: 10 + (i % 7) }),
        }),
      );
      return;
    case 3:
      await drain(
        (
          await client.send(
            new InvokeModelWithResponseStreamCommand({
              modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
              body: JSON.stringify({
                anthropic_version: 'bedrock-2023-05-31',
                max_tokens: 200,
                messages: [{ role: 'user', content: text }],
              }),
            }),
          )
        ).body,
      );
      return;
    case 4:
      await drain(
        (
          await client.send(
            new InvokeModelWithResponseStreamCommand({
              modelId: 'amazon.titan-text-express-v1',
              body: JSON.stringify({ inputText: text }),
            }),
          )
        ).body,
      );
      return;
    default:
      await client.send(
        new InvokeModelCommand({
          modelId: 'amazon.nova-lite-v1:0',
          body: JSON.stringify({
            system: [{ text: longSystemText() }, { cachePoint: { type: 'default' } }],
            messages: [{ role: 'user', content: [{ text }] }],
          }),
        }),
      );
  }
}

describe('instrumentBedrock: reconciliation', () => {
  it('reconciles 60 concurrent mixed Bedrock calls (ten of each command and body family) with the simulator ledger per model and token kind, and prices them at the published prices', async () => {
    const f = await bedrockFixture();
    try {
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          withAttributes({ tenant: ['acme', 'globex'][i % 2] as string }, () => mixedCall(f.client, i)),
        ),
      );
      const ledger = f.sim.ledger();
      expect(ledger.served.totals.requests).toBe(60);
      expect(ledger.served.totals.cached_input).toBeGreaterThan(0);
      const series = await f.scrape();
      let expectedUsd = 0;
      for (const [model, t] of Object.entries(ledger.served.models)) {
        const where = { [LABEL.requestModel]: model };
        expect([
          model,
          sumOf(series, PROM.inputTokens, where),
          sumOf(series, PROM.cacheReadTokens, where),
          sumOf(series, PROM.cacheWriteTokens, where),
          sumOf(series, PROM.outputTokens, where),
        ]).toEqual([model, t.input, t.cached_input, t.cache_write, t.output]);
        const p = PRICES[model];
        if (!p) throw new Error(`no published price for ${model}`);
        expectedUsd +=
          ((t.input - t.cached_input - t.cache_write) * p.input +
            t.cache_write * p.write +
            t.cached_input * p.read +
            t.output * p.output) /
          1e6;
      }
      expect(sumOf(series, PROM.cost, { [LABEL.component]: 'api' })).toBeCloseTo(expectedUsd, 9);
      expect(f.costs.report().totalUsd).toBeCloseTo(expectedUsd, 9);
      expect(
        sumOf(series, PROM.inputTokens, { tenant: 'acme' }) +
          sumOf(series, PROM.inputTokens, { tenant: 'globex' }),
      ).toBe(ledger.served.totals.input);
      expect(f.records).toHaveLength(60);
      expect(f.records.every((r) => r.usageSource === 'provider' && r.provider === 'aws.bedrock')).toBe(true);
    } finally {
      await f.close();
    }
  });
});
