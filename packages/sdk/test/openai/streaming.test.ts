import { ATTR, METRIC } from '@burnrate/semconv';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { points, total } from '../helpers/metrics.js';
import { type OpenAIFixture, openaiFixture } from '../helpers/openai-fixture.js';

const messages = [{ role: 'user' as const, content: 'Tell me a story about budgets.' }];

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Chunks without their per-call ids and timestamps, to compare two calls. */
function comparable(chunks: ChatCompletionChunk[]): unknown[] {
  return chunks.map((c) => ({ ...c, id: '', created: 0 }));
}

describe('instrumentOpenAI: streaming chat completions', () => {
  let f: OpenAIFixture;
  beforeEach(async () => {
    f = await openaiFixture();
  });
  afterEach(() => f.close());

  it('meters a stream whose caller did not ask for usage, and shows that caller exactly the bare stream', async () => {
    const body = { model: 'gpt-4o-mini', messages, stream: true as const, max_tokens: 40 };
    const got = await drain(await f.client.chat.completions.create(body));
    const want = await drain(await f.bare.chat.completions.create(body));
    expect(comparable(got)).toEqual(comparable(want));
    expect(got.every((c) => c.choices.length > 0 && !('usage' in c))).toBe(true);

    const ledger = f.sim.ledger();
    expect(ledger.reported.totals.requests).toBe(1); // only the instrumented call got a usage chunk
    expect(await total(f.reader, METRIC.outputTokens)).toBe(40);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(ledger.reported.totals.input);
    expect(f.records[0]).toMatchObject({ streaming: true, usageSource: 'provider' });
    expect(f.records[0]?.timeToFirstChunkS).toBeGreaterThanOrEqual(0);
    expect((await points(f.reader, METRIC.timeToFirstChunk))[0]?.count).toBe(1);
  });

  it('passes the usage chunk through to a caller who asked for it', async () => {
    const body = {
      model: 'gpt-4o-mini',
      messages,
      stream: true as const,
      stream_options: { include_usage: true },
      max_tokens: 12,
    };
    const got = await drain(await f.client.chat.completions.create(body));
    const last = got.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(12);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(12);
  });

  it('respects a caller who turned usage off and records the call as missing usage', async () => {
    const body = {
      model: 'gpt-4o-mini',
      messages,
      stream: true as const,
      stream_options: { include_usage: false },
      max_tokens: 12,
    };
    await drain(await f.client.chat.completions.create(body));
    expect(f.sim.ledger().reported.totals.requests).toBe(0);
    expect(await points(f.reader, METRIC.outputTokens)).toEqual([]);
    expect(f.records.map((r) => r.usageSource)).toEqual(['missing']);
    expect((await points(f.reader, METRIC.inferenceDuration))[0]?.count).toBe(1);
  });

  it('leaves streams unmetered but untouched when includeUsage is false', async () => {
    const g = await openaiFixture({ includeUsage: false });
    try {
      await drain(
        await g.client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages,
          stream: true,
          max_tokens: 5,
        }),
      );
      expect(g.sim.ledger().reported.totals.requests).toBe(0);
      expect(g.records.map((r) => r.usageSource)).toEqual(['missing']);
    } finally {
      await g.close();
    }
  });

  it('does not prevent usage of tee', async () => {
    const stream = await f.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      max_tokens: 30,
    });
    const [left, right] = stream.tee();
    const [a, b] = await Promise.all([drain(left), drain(right)]);
    expect(a).toEqual(b);
    expect(a.map((c) => c.choices[0]?.delta.content ?? '').join('').length).toBeGreaterThan(0);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(30);
    expect(f.records).toHaveLength(1);
  });

  it('copes with .withResponse() on a stream', async () => {
    const { data: stream, response } = await f.client.chat.completions
      .create({ model: 'gpt-4o-mini', messages, stream: true, max_tokens: 21 })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const chunks = await drain(stream);
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(21);
  });

  it('keeps toReadableStream working', async () => {
    const stream = await f.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      max_tokens: 9,
    });
    const text = await new Response(stream.toReadableStream() as unknown as ReadableStream).text();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ChatCompletionChunk);
    expect(lines.every((c) => c.choices.length > 0)).toBe(true);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(9);
  });

  it('stops quietly when the caller aborts, as without burnrate, and records the call as aborted (APIUserAbortError)', async () => {
    const stream = await f.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      max_tokens: 200,
    });
    let seen = 0;
    for await (const _ of stream) {
      seen++;
      if (seen === 2) stream.controller.abort();
    }
    expect(seen).toBe(2);
    expect(f.records.map((r) => [r.usageSource, r.errorType, r.served])).toEqual([
      ['missing', 'APIUserAbortError', true],
    ]);
    expect(await points(f.reader, METRIC.outputTokens)).toEqual([]);
  });

  it('counts the usage of a stream aborted after its usage chunk', async () => {
    const stream = await f.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 30,
    });
    let seen = 0;
    for await (const chunk of stream) {
      seen++;
      if (chunk.usage) stream.controller.abort();
    }
    expect(seen).toBeGreaterThan(1);
    // The simulator books the request once its response ended, which the abort may outrun.
    await vi.waitFor(() => expect(f.sim.ledger().requests).toHaveLength(1));
    const served = f.sim.ledger().served.totals;
    expect(f.records.map((r) => [r.usageSource, r.errorType, r.served])).toEqual([
      ['provider', 'APIUserAbortError', true],
    ]);
    expect(f.records[0]?.usage).toMatchObject({ input: served.input, output: 30 });
    expect(served.output).toBe(30);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(served.output);
    const durations = await points(f.reader, METRIC.inferenceDuration);
    expect(durations.map((p) => p.attributes[ATTR.errorType])).toEqual(['APIUserAbortError']);
  });

  it('counts the usage of a stream aborted through its request signal after its usage chunk', async () => {
    const abort = new AbortController();
    const stream = await f.client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 17,
      },
      { signal: abort.signal },
    );
    for await (const chunk of stream) if (chunk.usage) abort.abort();
    await vi.waitFor(() => expect(f.sim.ledger().requests).toHaveLength(1));
    const served = f.sim.ledger().served.totals;
    expect(f.records.map((r) => [r.usageSource, r.errorType])).toEqual([['provider', 'APIUserAbortError']]);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(17);
  });

  it('records a streaming call rejected with 429 as an error, not as billed usage with unknown tokens', async () => {
    const body = { model: 'gpt-4o-mini', messages, stream: true as const };
    const got = await f.client.chat.completions
      .create(body, { headers: { 'x-burnrate-fault': '429' } })
      .catch((e: unknown) => e);
    const five = await f.client.chat.completions
      .create({ ...body, model: 'gpt-4o-mini:fault=500' })
      .catch((e: unknown) => e);
    const bare = await f.bare.chat.completions
      .create(body, { headers: { 'x-burnrate-fault': '429' } })
      .catch((e: unknown) => e);
    expect(got).toBeInstanceOf(OpenAI.RateLimitError);
    expect(five).toBeInstanceOf(OpenAI.InternalServerError);
    expect((got as Error).message).toBe((bare as Error).message);
    expect(f.sim.ledger().errors).toEqual({ '429': 2, '500': 1 });
    expect(f.records.map((r) => [r.streaming, r.served, r.usageSource, r.errorType])).toEqual([
      [true, false, 'missing', 'RateLimitError'],
      [true, false, 'missing', 'InternalServerError'],
    ]);
    const durations = await points(f.reader, METRIC.inferenceDuration);
    expect(durations.map((p) => [p.attributes[ATTR.errorType], p.count]).sort()).toEqual([
      ['InternalServerError', 1],
      ['RateLimitError', 1],
    ]);
    expect(await points(f.reader, METRIC.inputTokens)).toEqual([]);
  });

  it('records a stream that started and was cut off as served, its usage missing', async () => {
    const stream = await f.client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true, max_tokens: 50 },
      { headers: { 'x-burnrate-fault': 'cutoff' } },
    );
    await drain(stream).catch(() => undefined);
    expect(f.records.map((r) => [r.served, r.usageSource])).toEqual([[true, 'missing']]);
  });

  it('records one call when the caller breaks out of the loop early', async () => {
    const stream = await f.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      max_tokens: 200,
    });
    for await (const _ of stream) break;
    expect(f.records).toHaveLength(1);
    expect(f.records[0]?.usageSource).toBe('missing');
  });

  it('passes a cut-off stream error to the caller and records its type', async () => {
    const run = async (client: typeof f.client) => {
      const stream = await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages, stream: true, max_tokens: 100 },
        { headers: { 'x-burnrate-fault': 'cutoff' } },
      );
      return drain(stream).then(
        () => 'ended',
        (e: unknown) => (e as Error).constructor.name,
      );
    };
    const got = await run(f.client);
    const want = await run(f.bare);
    // undici reports the dropped connection as `TypeError: terminated`, with or without burnrate.
    expect(got).toBe('TypeError');
    expect(want).toBe('TypeError');
    expect(f.records).toHaveLength(1);
    expect(f.records[0]?.usageSource).toBe('missing');
    expect(f.records[0]?.errorType).toBe('TypeError');
    const durations = await points(f.reader, METRIC.inferenceDuration);
    expect(durations.map((p) => p.attributes[ATTR.errorType])).toEqual([f.records[0]?.errorType]);
  });

  it('measures time to first chunk from the call for a slow first chunk', async () => {
    const stream = await f.client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true, max_tokens: 5 },
      { headers: { 'x-burnrate-fault': 'slow-first-chunk:300' } },
    );
    await drain(stream);
    expect(f.records[0]?.timeToFirstChunkS).toBeGreaterThanOrEqual(0.3);
    expect(f.records[0]?.durationS).toBeGreaterThanOrEqual(f.records[0]?.timeToFirstChunkS ?? Infinity);
  });

  it('works through the chat.completions.stream() helper', async () => {
    const runner = f.client.chat.completions.stream({ model: 'gpt-4o-mini', messages, max_tokens: 16 });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(16);
  });
});
