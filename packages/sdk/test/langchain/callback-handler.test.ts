import { ATTR, METRIC } from '@burnrate/semconv';
import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BurnrateCallbackHandler, withAttributes } from '../../src/index.js';
import { type RecorderFixture, recorderFixture } from '../helpers/ai-sdk-fixture.js';
import { points, throwingProcessor, total } from '../helpers/metrics.js';
import { LONG_SYSTEM_PROMPT } from '../helpers/openai-fixture.js';

describe('BurnrateCallbackHandler with ChatOpenAI (@langchain/openai 1.4)', () => {
  let f: RecorderFixture;
  beforeEach(async () => {
    f = await recorderFixture();
  });
  afterEach(() => f.close());

  const chat = (fields: Record<string, unknown> = {}) =>
    new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'x',
      configuration: { baseURL: f.sim.url },
      maxRetries: 0,
      ...fields,
    });

  it('records one invoke with exactly the tokens served, the provider and the models', async () => {
    const handler = new BurnrateCallbackHandler({ recorder: f.recorder });
    const got = await chat({ maxTokens: 12 }).invoke('Where is my order?', { callbacks: [handler] });
    const want = await chat({ maxTokens: 12 }).invoke('Where is my order?');
    expect(got.content).toBe(want.content);
    expect(got.usage_metadata).toEqual(want.usage_metadata);

    const served = f.sim.ledger().served.models['gpt-4o-mini'];
    expect(served?.requests).toBe(2);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      usage: { input: (served?.input ?? 0) / 2, cacheRead: 0, cacheWrite: 0, output: 12, reasoning: 0 },
      usageSource: 'provider',
      streaming: false,
      served: true,
    });
    const [point] = await points(f.reader, METRIC.inputTokens);
    expect(point?.attributes).toMatchObject({
      [ATTR.providerName]: 'openai',
      [ATTR.requestModel]: 'gpt-4o-mini',
      [ATTR.responseModel]: 'gpt-4o-mini-2024-07-18',
    });
    expect(point?.value).toBe((served?.input ?? 0) / 2);
  });

  it('counts cached input and reasoning as the ledger does (input_tokens already include cache reads)', async () => {
    const model = chat({
      model: 'o3',
      maxTokens: 200,
      callbacks: [new BurnrateCallbackHandler({ recorder: f.recorder })],
    });
    const first = await model.invoke([
      { role: 'system', content: LONG_SYSTEM_PROMPT },
      { role: 'user', content: 'What is the refund policy?' },
    ]);
    const second = await model.invoke([
      { role: 'system', content: LONG_SYSTEM_PROMPT },
      { role: 'user', content: 'What is the shipping policy?' },
    ]);
    const totals = f.sim.ledger().served.totals;
    expect(totals.cached_input).toBeGreaterThanOrEqual(1024);
    expect(totals.reasoning).toBeGreaterThan(0);
    // LangChain's input_tokens is prompt_tokens: cache reads are inside it, not on top.
    expect((first.usage_metadata?.input_tokens ?? 0) + (second.usage_metadata?.input_tokens ?? 0)).toBe(
      totals.input,
    );
    expect(second.usage_metadata?.input_token_details?.cache_read).toBe(totals.cached_input);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(totals.input);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(totals.cached_input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(totals.output);
    expect(await total(f.reader, METRIC.reasoningTokens)).toBe(totals.reasoning);
  });

  it('records a stream with streamUsage from its usage chunk, as streaming, with a first-chunk time', async () => {
    const handler = new BurnrateCallbackHandler({ recorder: f.recorder });
    const stream = await chat({ maxTokens: 17, streamUsage: true }).stream('Stream a haiku.', {
      callbacks: [handler],
    });
    let text = '';
    for await (const chunk of stream) text += String(chunk.content);
    expect(text.length).toBeGreaterThan(0);
    const totals = f.sim.ledger().served.totals;
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      streaming: true,
      usageSource: 'provider',
      usage: { input: totals.input, output: 17 },
    });
    expect(f.records[0]?.timeToFirstChunkS).toBeGreaterThanOrEqual(0);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(totals.output);
  });

  it('records a Responses API run (useResponsesApi) with exactly the tokens served', async () => {
    const handler = new BurnrateCallbackHandler({ recorder: f.recorder });
    await chat({ maxTokens: 11, useResponsesApi: true }).invoke('hi', { callbacks: [handler] });
    const totals = f.sim.ledger().served.totals;
    expect(f.sim.ledger().requests.map((r) => r.endpoint)).toEqual(['/v1/responses']);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ provider: 'openai', usage: { input: totals.input, output: 11 } });
  });

  it('records a stream without streamUsage as a call with missing usage, inventing no tokens', async () => {
    const handler = new BurnrateCallbackHandler({ recorder: f.recorder });
    const stream = await chat({ maxTokens: 5, streamUsage: false }).stream('hi', { callbacks: [handler] });
    for await (const _ of stream) {
      // drain
    }
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ usageSource: 'missing', usage: { input: 0, output: 0 } });
  });

  it('carries caller attributes from withAttributes and the handler options', async () => {
    const handler = new BurnrateCallbackHandler({ recorder: f.recorder, attributes: { feature: 'support' } });
    await withAttributes({ tenant: 'acme' }, () =>
      chat({ maxTokens: 3 }).invoke('hi', { callbacks: [handler] }),
    );
    expect(f.records[0]?.attributes).toEqual({ feature: 'support', tenant: 'acme' });
    expect(await total(f.reader, METRIC.outputTokens, { feature: 'support', tenant: 'acme' })).toBe(3);
  });

  it('records a 429 with the openai client’s own error class, which reaches the caller', async () => {
    const handler = new BurnrateCallbackHandler({ recorder: f.recorder });
    const err = await chat()
      .invoke('hi', { callbacks: [handler], options: { headers: { 'x-burnrate-fault': '429' } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(f.records).toEqual([expect.objectContaining({ errorType: 'RateLimitError', served: false })]);
    expect(await points(f.reader, METRIC.inputTokens)).toEqual([]);
  });

  it('records an aborted call as AbortError and lets the abort reach the caller', async () => {
    const handler = new BurnrateCallbackHandler({ recorder: f.recorder });
    const controller = new AbortController();
    controller.abort();
    const err = await chat()
      .invoke('hi', { callbacks: [handler], signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]?.served).toBe(false);
    expect(f.records[0]?.errorType).toBe('AbortError');
  });

  it('never lets a throwing processor reach the caller', async () => {
    await f.close();
    f = await recorderFixture([throwingProcessor]);
    const handler = new BurnrateCallbackHandler({ recorder: f.recorder });
    const res = await chat({ maxTokens: 6 }).invoke('hi', { callbacks: [handler] });
    expect(res.usage_metadata?.output_tokens).toBe(6);
    expect(f.records).toHaveLength(1);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(f.sim.ledger().served.totals.input);
  });

  it('keeps concurrent runs apart: 10 parallel invokes give 10 records that sum to the ledger', async () => {
    const model = chat({ callbacks: [new BurnrateCallbackHandler({ recorder: f.recorder })] });
    await Promise.all(Array.from({ length: 10 }, (_, i) => model.invoke(`question ${i}`)));
    const totals = f.sim.ledger().served.totals;
    expect(f.records).toHaveLength(10);
    expect(f.records.reduce((s, r) => s + r.usage.input, 0)).toBe(totals.input);
    expect(f.records.reduce((s, r) => s + r.usage.output, 0)).toBe(totals.output);
  });
});
