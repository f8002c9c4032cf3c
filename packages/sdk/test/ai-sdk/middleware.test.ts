import { createOpenAI } from '@ai-sdk/openai';
import { startSimulator } from '@burnrate/llm-simulator';
import { ATTR, METRIC } from '@burnrate/semconv';
import {
  APICallError,
  embed,
  embedMany,
  generateObject,
  generateText,
  jsonSchema,
  NoObjectGeneratedError,
  RetryError,
  streamText,
  wrapEmbeddingModel,
  wrapLanguageModel,
} from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  burnrateEmbeddingMiddleware,
  burnrateMiddleware,
  createUsageRecorder,
  withAttributes,
} from '../../src/index.js';
import { type RecorderFixture, recorderFixture } from '../helpers/ai-sdk-fixture.js';
import { points, throwingMeterProvider, throwingProcessor, total } from '../helpers/metrics.js';
import { LONG_SYSTEM_PROMPT } from '../helpers/openai-fixture.js';

const FAULT = 'x-burnrate-fault';
/** Fields that differ between any two calls (ids, clocks), blanked to compare two streams. */
const VARYING = new Set(['id', 'timestamp', 'date', 'request-id', 'x-request-id']);

describe('burnrateMiddleware with ai 6 and @ai-sdk/openai 3', () => {
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
    expect(served?.requests).toBe(2);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      serviceTier: 'default',
      usage: { input: (served?.input ?? 0) / 2, cacheRead: 0, cacheWrite: 0, output: 12, reasoning: 0 },
      usageSource: 'provider',
      streaming: false,
      served: true,
    });
    expect(await total(f.reader, METRIC.inputTokens)).toBe((served?.input ?? 0) / 2);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(12);
    const [point] = await points(f.reader, METRIC.outputTokens);
    expect(point?.attributes).toMatchObject({
      [ATTR.operationName]: 'chat',
      [ATTR.providerName]: 'openai',
      [ATTR.requestModel]: 'gpt-4o-mini',
      [ATTR.responseModel]: 'gpt-4o-mini-2024-07-18',
    });
  });

  it('counts reasoning tokens within output tokens, as the ledger does (chat model)', async () => {
    const res = await generateText({
      model: metered(openai.chat('o3')),
      prompt: 'Prove it.',
      maxOutputTokens: 300,
    });
    const totals = f.sim.ledger().served.totals;
    expect(totals.reasoning).toBeGreaterThan(0);
    expect(res.usage.outputTokenDetails.reasoningTokens).toBe(totals.reasoning);
    expect(f.records[0]?.usage).toEqual({
      input: totals.input,
      cacheRead: 0,
      cacheWrite: 0,
      output: totals.output,
      reasoning: totals.reasoning,
    });
    expect(await total(f.reader, METRIC.outputTokens)).toBe(300);
    expect(await total(f.reader, METRIC.reasoningTokens)).toBe(totals.reasoning);
  });

  it('counts cached input within input tokens when a long prompt prefix repeats', async () => {
    const model = metered(openai.chat('gpt-4o'));
    for (const q of ['What is the refund policy?', 'What is the shipping policy?']) {
      await generateText({ model, system: LONG_SYSTEM_PROMPT, prompt: q, maxOutputTokens: 5 });
    }
    const totals = f.sim.ledger().served.totals;
    expect(totals.cached_input).toBeGreaterThanOrEqual(1024);
    expect(f.records.map((r) => r.usage.cacheRead)).toEqual([0, totals.cached_input]);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(totals.cached_input);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(totals.input);
  });

  it('records one record per model step: every call of a multi-call flow is counted, with caller attributes', async () => {
    const model = wrapLanguageModel({
      model: openai.chat('gpt-4o-mini'),
      middleware: burnrateMiddleware({ recorder: f.recorder, attributes: { feature: 'support' } }),
    });
    await withAttributes({ tenant: 'acme' }, async () => {
      await generateText({ model, prompt: 'one', maxOutputTokens: 3 });
      await generateText({ model, prompt: 'two', maxOutputTokens: 4 });
    });
    const totals = f.sim.ledger().served.totals;
    expect(f.records).toHaveLength(2);
    expect(f.records.map((r) => r.attributes)).toEqual([
      { feature: 'support', tenant: 'acme' },
      { feature: 'support', tenant: 'acme' },
    ]);
    expect(await total(f.reader, METRIC.inputTokens, { feature: 'support', tenant: 'acme' })).toBe(
      totals.input,
    );
    expect(await total(f.reader, METRIC.outputTokens)).toBe(7);
  });

  it('passes every stream part through untouched and records the usage of the finish part', async () => {
    const args = { prompt: 'Stream a haiku about invoices.', maxOutputTokens: 17 };
    const got = streamText({ model: metered(openai.chat('gpt-4o-mini')), ...args });
    const want = streamText({ model: openai.chat('gpt-4o-mini'), ...args });
    const gotParts = [];
    for await (const part of got.fullStream) gotParts.push(part);
    const wantParts = [];
    for await (const part of want.fullStream) wantParts.push(part);
    const strip = (parts: unknown[]) =>
      JSON.parse(JSON.stringify(parts, (k, v) => (VARYING.has(k) ? '' : v)));
    expect(strip(gotParts)).toEqual(strip(wantParts));
    expect(await got.text).toBe(await want.text);

    const served = f.sim.ledger().served.models['gpt-4o-mini'];
    expect(served?.requests).toBe(2);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      streaming: true,
      served: true,
      usageSource: 'provider',
      responseModel: 'gpt-4o-mini-2024-07-18',
      usage: { input: (served?.input ?? 0) / 2, output: 17, cacheRead: 0, reasoning: 0 },
    });
    expect(f.records[0]?.errorType).toBeUndefined();
    expect(f.records[0]?.timeToFirstChunkS).toBeGreaterThanOrEqual(0);
    expect((await points(f.reader, METRIC.timeToFirstChunk)).map((p) => p.count)).toEqual([1]);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(17);
  });

  it('meters Responses API streams (the default openai model) exactly', async () => {
    const res = streamText({ model: metered(openai('gpt-4o-mini')), prompt: 'hello', maxOutputTokens: 9 });
    const text = await res.text;
    expect(text.length).toBeGreaterThan(0);
    const totals = f.sim.ledger().served.totals;
    expect(f.records[0]?.usage).toMatchObject({ input: totals.input, output: totals.output });
    expect(totals.output).toBe(9);
    expect(f.records[0]?.serviceTier).toBe('default');
  });

  it('records the model call of generateObject, also when the SDK then rejects the text as no object', async () => {
    const err = await generateObject({
      model: metered(openai.chat('gpt-4o-mini')),
      schema: jsonSchema<{ answer: string }>({
        type: 'object',
        properties: { answer: { type: 'string' } },
        required: ['answer'],
      }),
      prompt: 'Answer in JSON.',
      maxOutputTokens: 8,
    }).catch((e: unknown) => e);
    // The simulator answers in words, not JSON: the SDK's own error, carrying the usage it was billed.
    expect(NoObjectGeneratedError.isInstance(err)).toBe(true);
    const totals = f.sim.ledger().served.totals;
    expect((err as NoObjectGeneratedError).usage?.inputTokens).toBe(totals.input);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      served: true,
      usage: { input: totals.input, output: totals.output },
    });
    expect(f.records[0]?.errorType).toBeUndefined();
  });

  it('records a 429 as the SDK’s own APICallError, not served, with no tokens', async () => {
    const model = metered(openai.chat('gpt-4o-mini'));
    const err = await generateText({ model, prompt: 'hi', maxRetries: 0, headers: { [FAULT]: '429' } }).catch(
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(err)).toBe(true);
    expect((err as APICallError).statusCode).toBe(429);
    expect(f.records).toEqual([expect.objectContaining({ errorType: 'APICallError', served: false })]);
    expect(f.records[0]?.usageSource).toBe('missing');
    const duration = await points(f.reader, METRIC.inferenceDuration);
    expect(duration.map((p) => [p.attributes[ATTR.errorType], p.count])).toEqual([['APICallError', 1]]);
    expect(await points(f.reader, METRIC.inputTokens)).toEqual([]);
  });

  it('records a 200 whose body does not parse as served, with the SDK’s error, which reaches the caller', async () => {
    const model = metered(openai.chat('gpt-4o-mini'));
    const err = await generateText({
      model,
      prompt: 'hi',
      maxRetries: 0,
      headers: { [FAULT]: 'bad-json' },
    }).catch((e: unknown) => e);
    expect(APICallError.isInstance(err)).toBe(true);
    expect((err as APICallError).statusCode).toBe(200);
    expect(f.sim.ledger().requests.map((r) => r.outcome)).toEqual(['bad_body']);
    expect(f.records).toEqual([expect.objectContaining({ errorType: 'APICallError', served: true })]);
  });

  it('records each attempt of the SDK’s own retries, and the caller gets its RetryError', async () => {
    const model = metered(openai.chat('gpt-4o-mini'));
    const err = await generateText({ model, prompt: 'hi', maxRetries: 2, headers: { [FAULT]: '429' } }).catch(
      (e: unknown) => e,
    );
    expect(RetryError.isInstance(err)).toBe(true);
    expect(f.sim.ledger().errors).toEqual({ '429': 3 });
    expect(f.records.map((r) => [r.errorType, r.served])).toEqual([
      ['APICallError', false],
      ['APICallError', false],
      ['APICallError', false],
    ]);
  });

  it('records a stream rejected with 429 as a failed call, and the caller sees the same error', async () => {
    const res = streamText({
      model: metered(openai.chat('gpt-4o-mini')),
      prompt: 'hi',
      maxRetries: 0,
      headers: { [FAULT]: '429' },
      onError: () => {},
    });
    const parts = [];
    for await (const part of res.fullStream) parts.push(part);
    const error = parts.find((p) => p.type === 'error');
    expect(error && APICallError.isInstance(error.error)).toBe(true);
    expect(f.records).toEqual([expect.objectContaining({ errorType: 'APICallError', served: false })]);
  });

  it('records a call aborted before it was sent as AbortError, not served', async () => {
    const controller = new AbortController();
    controller.abort();
    const model = metered(openai.chat('gpt-4o-mini'));
    const err = await generateText({ model, prompt: 'hi', abortSignal: controller.signal }).catch(
      (e: unknown) => e,
    );
    const bare = await generateText({
      model: openai.chat('gpt-4o-mini'),
      prompt: 'hi',
      abortSignal: controller.signal,
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe((bare as Error).name);
    expect(f.sim.ledger().served.totals.requests).toBe(0);
    expect(f.records).toEqual([expect.objectContaining({ errorType: 'AbortError', served: false })]);
  });

  it('records a stream aborted after its first text as AbortError, served', async () => {
    const controller = new AbortController();
    const res = streamText({
      model: metered(openai.chat('gpt-4o-mini')),
      prompt: 'Tell a long story.',
      maxOutputTokens: 200,
      abortSignal: controller.signal,
    });
    const seen: string[] = [];
    for await (const part of res.fullStream) {
      seen.push(part.type);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(seen).toContain('abort');
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ errorType: 'AbortError', served: true, streaming: true });
  });

  it('never lets a throwing processor reach the caller: results and metrics as without it', async () => {
    await f.close();
    f = await recorderFixture([throwingProcessor]);
    openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x' });
    const model = metered(openai.chat('gpt-4o-mini'));
    const res = await generateText({ model, prompt: 'hi', maxOutputTokens: 6 });
    expect(res.usage.outputTokens).toBe(6);
    const stream = streamText({ model, prompt: 'hi', maxOutputTokens: 5 });
    expect((await stream.usage).outputTokens).toBe(5);
    const totals = f.sim.ledger().served.totals;
    expect(f.records).toHaveLength(2);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(11);
  });
});

describe('burnrateMiddleware on a recorder whose meter throws on every call', () => {
  it('returns the same results and streams as the bare model', async () => {
    const sim = await startSimulator();
    const recorder = createUsageRecorder({
      meterProvider: throwingMeterProvider(),
      logger: { warn: () => {} },
    });
    try {
      const openai = createOpenAI({ baseURL: sim.url, apiKey: 'x' });
      const model = wrapLanguageModel({
        model: openai.chat('gpt-4o-mini'),
        middleware: burnrateMiddleware({ recorder }),
      });
      const got = await generateText({ model, prompt: 'hi', maxOutputTokens: 6 });
      const want = await generateText({
        model: openai.chat('gpt-4o-mini'),
        prompt: 'hi',
        maxOutputTokens: 6,
      });
      expect(got.text).toBe(want.text);
      const stream = streamText({ model, prompt: 'hi', maxOutputTokens: 5 });
      expect(await stream.text).toBe(
        await streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'hi', maxOutputTokens: 5 }).text,
      );
      expect((await stream.usage).outputTokens).toBe(5);
    } finally {
      await recorder.shutdown();
      await sim.close();
    }
  });
});

describe('burnrateEmbeddingMiddleware with ai 6', () => {
  let f: RecorderFixture;
  beforeEach(async () => {
    f = await recorderFixture();
  });
  afterEach(() => f.close());

  it('counts the input tokens of embed and embedMany exactly, as embeddings calls', async () => {
    const openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x' });
    const model = wrapEmbeddingModel({
      model: openai.embedding('text-embedding-3-small'),
      middleware: burnrateEmbeddingMiddleware({ recorder: f.recorder }),
    });
    const one = await embed({ model, value: 'refund policy for damaged items' });
    const many = await embedMany({ model, values: ['a b c', 'shipping times', 'returns'] });
    expect(one.embedding.length).toBeGreaterThan(0);
    expect(many.embeddings).toHaveLength(3);
    const totals = f.sim.ledger().served.totals;
    expect(totals.requests).toBe(2);
    expect(f.records.map((r) => [r.operation, r.provider, r.requestModel, r.usage.input])).toEqual([
      ['embeddings', 'openai', 'text-embedding-3-small', one.usage.tokens],
      ['embeddings', 'openai', 'text-embedding-3-small', many.usage.tokens],
    ]);
    expect(await total(f.reader, METRIC.inputTokens, { [ATTR.operationName]: 'embeddings' })).toBe(
      totals.embeddings,
    );
  });

  it('records a failed embedding call with the SDK’s error class and rethrows it', async () => {
    const openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x', headers: { [FAULT]: '500' } });
    const model = wrapEmbeddingModel({
      model: openai.embedding('text-embedding-3-small'),
      middleware: burnrateEmbeddingMiddleware({ recorder: f.recorder }),
    });
    const err = await embed({ model, value: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(APICallError.isInstance(err)).toBe(true);
    expect(f.records).toEqual([expect.objectContaining({ errorType: 'APICallError', served: false })]);
  });
});
