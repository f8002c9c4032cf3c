import { createOpenAI } from '@ai-sdk/openai-4';
import { METRIC } from '@burnrate/semconv';
import {
  APICallError,
  embedMany,
  generateText,
  streamText,
  wrapEmbeddingModel,
  wrapLanguageModel,
} from 'ai-7';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { burnrateEmbeddingMiddleware, burnrateMiddleware } from '../../src/index.js';
import { type RecorderFixture, recorderFixture } from '../helpers/ai-sdk-fixture.js';
import { total } from '../helpers/metrics.js';
import { LONG_SYSTEM_PROMPT } from '../helpers/openai-fixture.js';

// ai 7 declares engines node >= 22; these tests run it on the machine's Node 20.
describe('burnrateMiddleware with ai 7 (model specification v4) and @ai-sdk/openai 4', () => {
  let f: RecorderFixture;
  let openai: ReturnType<typeof createOpenAI>;
  beforeEach(async () => {
    f = await recorderFixture();
    openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x' });
  });
  afterEach(() => f.close());

  const metered = (model: Parameters<typeof wrapLanguageModel>[0]['model']) =>
    wrapLanguageModel({ model, middleware: burnrateMiddleware({ recorder: f.recorder }) });

  it('returns the same generateText result as the bare model and counts exactly the tokens served', async () => {
    const args = { prompt: 'Where is my order?', maxOutputTokens: 12 };
    const got = await generateText({ model: metered(openai('gpt-4o-mini')), ...args });
    const want = await generateText({ model: openai('gpt-4o-mini'), ...args });
    expect(got.text).toBe(want.text);
    expect(got.usage).toEqual(want.usage);
    const served = f.sim.ledger().served.models['gpt-4o-mini'];
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      usage: { input: (served?.input ?? 0) / 2, output: 12, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      served: true,
    });
  });

  it('counts cached input and reasoning tokens as the ledger does', async () => {
    const chat = metered(openai.chat('o3'));
    for (const q of ['What is the refund policy?', 'What is the shipping policy?']) {
      await generateText({ model: chat, system: LONG_SYSTEM_PROMPT, prompt: q, maxOutputTokens: 100 });
    }
    const totals = f.sim.ledger().served.totals;
    expect(totals.cached_input).toBeGreaterThanOrEqual(1024);
    expect(totals.reasoning).toBeGreaterThan(0);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(totals.input);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(totals.cached_input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(totals.output);
    expect(await total(f.reader, METRIC.reasoningTokens)).toBe(totals.reasoning);
  });

  it('meters a stream from its finish part and passes the text through unchanged', async () => {
    const args = { prompt: 'Stream a haiku about invoices.', maxOutputTokens: 17 };
    const got = streamText({ model: metered(openai.chat('gpt-4o-mini')), ...args });
    const want = streamText({ model: openai.chat('gpt-4o-mini'), ...args });
    expect(await got.text).toBe(await want.text);
    expect(await got.usage).toEqual(await want.usage);
    const served = f.sim.ledger().served.models['gpt-4o-mini'];
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      streaming: true,
      usage: { input: (served?.input ?? 0) / 2, output: 17 },
    });
  });

  it('records a 429 as the SDK’s own APICallError and rethrows it', async () => {
    const err = await generateText({
      model: metered(openai.chat('gpt-4o-mini')),
      prompt: 'hi',
      maxRetries: 0,
      headers: { 'x-burnrate-fault': '429' },
    }).catch((e: unknown) => e);
    expect(APICallError.isInstance(err)).toBe(true);
    expect(f.records).toEqual([expect.objectContaining({ errorType: 'APICallError', served: false })]);
  });

  it('counts embedMany input tokens exactly through wrapEmbeddingModel', async () => {
    const model = wrapEmbeddingModel({
      model: openai.embedding('text-embedding-3-small'),
      middleware: burnrateEmbeddingMiddleware({ recorder: f.recorder }),
    });
    const res = await embedMany({ model, values: ['a b c', 'shipping times'] });
    expect(res.embeddings).toHaveLength(2);
    expect(f.records.map((r) => [r.operation, r.usage.input])).toEqual([['embeddings', res.usage.tokens]]);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(f.sim.ledger().served.totals.embeddings);
  });
});
