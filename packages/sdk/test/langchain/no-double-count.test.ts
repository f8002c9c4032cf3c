import { METRIC } from '@burnrate/semconv';
import { ChatOpenAI, ChatOpenAICompletions, ChatOpenAIResponses } from '@langchain/openai';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BurnrateCallbackHandler, instrumentOpenAI } from '../../src/index.js';
import { type RecorderFixture, recorderFixture } from '../helpers/ai-sdk-fixture.js';
import { total } from '../helpers/metrics.js';

describe('a ChatOpenAI over an instrumented openai client, with BurnrateCallbackHandler attached', () => {
  let f: RecorderFixture;
  let handler: BurnrateCallbackHandler;
  beforeEach(async () => {
    f = await recorderFixture();
    handler = new BurnrateCallbackHandler({ recorder: f.recorder });
  });
  afterEach(() => f.close());

  const fields = () => ({
    model: 'gpt-4o-mini',
    apiKey: 'x',
    configuration: { baseURL: f.sim.url },
    maxRetries: 0,
  });
  const instrumentedClient = () =>
    instrumentOpenAI(new OpenAI({ baseURL: f.sim.url, apiKey: 'x', maxRetries: 0 }), {
      recorder: f.recorder,
    });
  /** ChatOpenAI with both of its inner models on one instrumented client. */
  const layered = (extra: Record<string, unknown> = {}) => {
    const client = instrumentedClient();
    const completions = new ChatOpenAICompletions({ ...fields(), ...extra });
    completions.client = client;
    const responses = new ChatOpenAIResponses({ ...fields(), ...extra });
    responses.client = client;
    return new ChatOpenAI({ ...fields(), ...extra, completions, responses, callbacks: [handler] });
  };

  it('records an invoke once, by the client wrapper that saw the raw usage', async () => {
    await layered({ maxTokens: 8 }).invoke('hi');
    const totals = f.sim.ledger().served.totals;
    expect(totals.requests).toBe(1);
    expect(f.records).toHaveLength(1);
    // The openai wrapper names the provider by the client's host; the handler would have said openai.
    expect(f.records[0]).toMatchObject({ provider: '127.0.0.1', serverAddress: '127.0.0.1' });
    expect(await total(f.reader, METRIC.inputTokens)).toBe(totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(8);
  });

  it('records a stream once', async () => {
    const stream = await layered({ maxTokens: 9, streamUsage: true }).stream('hi');
    for await (const _ of stream) {
      // drain
    }
    const totals = f.sim.ledger().served.totals;
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ streaming: true, usage: { input: totals.input, output: 9 } });
    expect(await total(f.reader, METRIC.outputTokens)).toBe(9);
  });

  it('records a Responses API call once', async () => {
    await layered({ maxTokens: 6, useResponsesApi: true }).invoke('hi');
    expect(f.sim.ledger().requests.map((r) => r.endpoint)).toEqual(['/v1/responses']);
    expect(f.records).toHaveLength(1);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(6);
  });

  it('records a Responses API stream once', async () => {
    const stream = await layered({ maxTokens: 7, useResponsesApi: true }).stream('hi');
    for await (const _ of stream) {
      // drain
    }
    expect(f.sim.ledger().requests.map((r) => [r.endpoint, r.stream])).toEqual([['/v1/responses', true]]);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ streaming: true, provider: '127.0.0.1' });
    expect(await total(f.reader, METRIC.outputTokens)).toBe(7);
  });

  it('records a 429 once, with the client’s error class', async () => {
    const err = await layered()
      .invoke('hi', { options: { headers: { 'x-burnrate-fault': '429' } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(f.records.map((r) => [r.errorType, r.served])).toEqual([['RateLimitError', false]]);
  });

  it('keeps 12 concurrent calls apart: one record each, summing to the ledger', async () => {
    const model = layered();
    const plain = new ChatOpenAI({ ...fields(), callbacks: [handler] });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? plain : model).invoke(`question ${i}`)),
    );
    const totals = f.sim.ledger().served.totals;
    expect(totals.requests).toBe(12);
    expect(f.records).toHaveLength(12);
    // The plain model has no instrumented client: its runs are the handler's (provider openai).
    expect(f.records.filter((r) => r.provider === 'openai')).toHaveLength(4);
    expect(f.records.filter((r) => r.provider === '127.0.0.1')).toHaveLength(8);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(totals.output);
  });

  it('records a run once when two handlers of one recorder are attached, on the model and per call', async () => {
    const second = new BurnrateCallbackHandler({ recorder: f.recorder });
    const model = new ChatOpenAI({ ...fields(), maxTokens: 4, callbacks: [handler] });
    await model.invoke('hi', { callbacks: [second] });
    await model.invoke('hi again', { callbacks: [handler] });
    expect(f.sim.ledger().served.totals.requests).toBe(2);
    expect(f.records.map((r) => r.usage.output)).toEqual([4, 4]);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(8);
  });

  it('still records through the handler when the client was instrumented for another recorder', async () => {
    const other = await recorderFixture();
    try {
      const completions = new ChatOpenAICompletions(fields());
      completions.client = instrumentOpenAI(new OpenAI({ baseURL: f.sim.url, apiKey: 'x', maxRetries: 0 }), {
        recorder: other.recorder,
      });
      await new ChatOpenAI({ ...fields(), completions, callbacks: [handler] }).invoke('hi');
      expect(f.records).toHaveLength(1);
      expect(other.records).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
