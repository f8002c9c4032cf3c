import Anthropic from '@anthropic-ai/sdk';
import { ATTR, METRIC } from '@burnrate/semconv';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mergeAnthropicUsage, normalizeAnthropicUsage } from '../../src/index.js';
import { type AnthropicFixture, anthropicFixture, cachedSystem } from '../helpers/anthropic-fixture.js';
import { points, total } from '../helpers/metrics.js';

const MODEL = 'claude-sonnet-4-0';
const messages = [{ role: 'user' as const, content: 'Tell me a story about budgets.' }];

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('normalizeAnthropicUsage', () => {
  it('adds cache reads and cache writes to input_tokens, once each', () => {
    expect(
      normalizeAnthropicUsage({
        input_tokens: 100,
        cache_read_input_tokens: 2000,
        cache_creation_input_tokens: 500,
        cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 300 },
        output_tokens: 50,
      }),
    ).toEqual({ input: 2600, cacheRead: 2000, cacheWrite: 500, cacheWrite1h: 300, output: 50, reasoning: 0 });
  });

  it('keeps thinking tokens inside output and reports them as reasoning', () => {
    expect(
      normalizeAnthropicUsage({
        input_tokens: 10,
        output_tokens: 40,
        output_tokens_details: { thinking_tokens: 25 },
      }),
    ).toEqual({ input: 10, cacheRead: 0, cacheWrite: 0, output: 40, reasoning: 25 });
  });

  it('reads null cache fields as zero and leaves cacheWrite1h out when nothing was written for an hour', () => {
    expect(
      normalizeAnthropicUsage({
        input_tokens: 7,
        cache_read_input_tokens: null,
        cache_creation_input_tokens: null,
        cache_creation: null,
        output_tokens: 3,
      }),
    ).toEqual({ input: 7, cacheRead: 0, cacheWrite: 0, output: 3, reasoning: 0 });
  });

  it('returns undefined for no usage', () => {
    expect(normalizeAnthropicUsage(undefined)).toBeUndefined();
    expect(normalizeAnthropicUsage({})).toBeUndefined();
  });

  it('merges message_start and message_delta usage by replacing totals, never by adding them', () => {
    const start = { input_tokens: 12, cache_read_input_tokens: 1500, output_tokens: 1 };
    const delta = {
      input_tokens: 12,
      cache_read_input_tokens: 1500,
      output_tokens: 33,
      server_tool_use: null,
    };
    expect(normalizeAnthropicUsage(mergeAnthropicUsage(mergeAnthropicUsage({}, start), delta))).toEqual({
      input: 1512,
      cacheRead: 1500,
      cacheWrite: 0,
      output: 33,
      reasoning: 0,
    });
  });
});

describe('instrumentAnthropic: messages.create', () => {
  let f: AnthropicFixture;
  beforeEach(async () => {
    f = await anthropicFixture();
  });
  afterEach(() => f.close());

  it('records exact token counters for a plain call, with provider, operation and models', async () => {
    const message = await f.client.messages.create({ model: MODEL, max_tokens: 1024, messages });
    expect(await total(f.reader, METRIC.inputTokens)).toBe(message.usage.input_tokens);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(message.usage.output_tokens);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(0);
    expect(await points(f.reader, METRIC.cacheWriteTokens)).toEqual([]);
    const ledger = f.sim.ledger();
    expect(ledger.reported.totals.input).toBe(message.usage.input_tokens);
    expect(ledger.reported.totals.output).toBe(message.usage.output_tokens);
    const [point] = await points(f.reader, METRIC.inputTokens);
    expect(point?.attributes).toMatchObject({
      [ATTR.operationName]: 'chat',
      [ATTR.providerName]: '127.0.0.1',
      [ATTR.requestModel]: MODEL,
      [ATTR.responseModel]: 'claude-sonnet-4-20250514',
      [ATTR.serverAddress]: '127.0.0.1',
      [ATTR.serverPort]: f.sim.port,
    });
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      provider: '127.0.0.1',
      operation: 'chat',
      streaming: false,
      usageSource: 'provider',
      serviceTier: 'standard',
    });
  });

  it('counts a cache write, then a cache read, into input exactly once (the Anthropic double-count bug)', async () => {
    const first = await f.client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system: cachedSystem(),
      messages: [{ role: 'user', content: 'First question.' }],
    });
    const second = await f.client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system: cachedSystem(),
      messages: [{ role: 'user', content: 'Second question.' }],
    });
    const written = first.usage.cache_creation_input_tokens ?? 0;
    const read = second.usage.cache_read_input_tokens ?? 0;
    expect(written).toBeGreaterThan(1024);
    expect(read).toBe(written);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_creation_input_tokens).toBe(0);

    const expectedInput = first.usage.input_tokens + written + second.usage.input_tokens + read;
    expect(await total(f.reader, METRIC.inputTokens)).toBe(expectedInput);
    expect(await total(f.reader, METRIC.cacheWriteTokens)).toBe(written);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(read);
    expect(f.records.map((r) => r.usage)).toEqual([
      {
        input: first.usage.input_tokens + written,
        cacheRead: 0,
        cacheWrite: written,
        output: first.usage.output_tokens,
        reasoning: 0,
      },
      {
        input: second.usage.input_tokens + read,
        cacheRead: read,
        cacheWrite: 0,
        output: second.usage.output_tokens,
        reasoning: 0,
      },
    ]);
    const ledger = f.sim.ledger();
    expect(await total(f.reader, METRIC.inputTokens)).toBe(ledger.served.totals.input);
    expect(await total(f.reader, METRIC.cacheWriteTokens)).toBe(ledger.served.totals.cache_write);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(ledger.served.totals.cached_input);
  });

  it('keeps the 1-hour part of a cache write on the record for pricing', async () => {
    const message = await f.client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system: cachedSystem('1h'),
      messages: [{ role: 'user', content: 'Hourly.' }],
    });
    const hour = message.usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
    expect(hour).toBeGreaterThan(1024);
    expect(f.records[0]?.usage.cacheWrite).toBe(hour);
    expect(f.records[0]?.usage.cacheWrite1h).toBe(hour);
  });

  it('records reasoning from thinking tokens, inside the output tokens', async () => {
    const message = await f.client.messages.create({
      model: MODEL,
      max_tokens: 30,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages,
    });
    expect(message.usage.output_tokens).toBe(30);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(30);
    expect(await total(f.reader, METRIC.reasoningTokens)).toBe(15);
  });

  it('copes with .withResponse() and .asResponse()', async () => {
    const body = { model: MODEL, max_tokens: 3, messages };
    const { data, response, request_id } = await f.client.messages.create(body).withResponse();
    expect(response.status).toBe(200);
    expect(request_id).toBe(response.headers.get('request-id'));
    expect(data.usage.output_tokens).toBe(3);
    const raw = await f.client.messages.create(body).asResponse();
    const json = (await raw.json()) as { usage: { output_tokens: number } };
    expect(json.usage.output_tokens).toBe(3);
    // asResponse() hands the body to the caller unread, so only the parsed call is recorded.
    expect(await total(f.reader, METRIC.outputTokens)).toBe(3);
    expect(f.records).toHaveLength(1);
  });

  it('records a 429 with error.type RateLimitError and passes the same error to the caller', async () => {
    const body = { model: MODEL, max_tokens: 10, messages };
    const opts = { headers: { 'x-burnrate-fault': '429' } };
    const err = await f.client.messages.create(body, opts).catch((e: unknown) => e);
    const bareErr = await f.bare.messages.create(body, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const fields = (e: unknown) => {
      const { status, type, apiMessage } = e as InstanceType<typeof Anthropic.RateLimitError>;
      return { status, type, apiMessage, name: (e as Error).constructor.name };
    };
    expect(fields(err)).toEqual(fields(bareErr));
    const duration = await points(f.reader, METRIC.inferenceDuration);
    expect(duration.map((p) => [p.attributes[ATTR.errorType], p.count])).toEqual([['RateLimitError', 1]]);
    expect(f.records.map((r) => [r.errorType, r.usageSource])).toEqual([['RateLimitError', 'missing']]);
    expect(await points(f.reader, METRIC.inputTokens)).toEqual([]);
  });

  it('names the provider anthropic for api.anthropic.com, and takes providerName over it', async () => {
    const { createUsageRecorder, instrumentAnthropic } = await import('../../src/index.js');
    const seen: string[] = [];
    const recorder = createUsageRecorder({
      meterProvider: (await import('../helpers/metrics.js')).privateMeter().meterProvider,
      processors: [{ onUsage: (r) => r.kind === 'llm' && seen.push(r.provider) }],
    });
    // Real host name, but every request goes to the simulator through a custom fetch.
    const viaSim: typeof fetch = (input, init) =>
      fetch(
        String(input instanceof Request ? input.url : input).replace(
          'https://api.anthropic.com',
          f.sim.anthropicUrl,
        ),
        init,
      );
    const official = instrumentAnthropic(new Anthropic({ apiKey: 'k', maxRetries: 0, fetch: viaSim }), {
      recorder,
    });
    const renamed = instrumentAnthropic(
      new Anthropic({ baseURL: f.sim.anthropicUrl, apiKey: 'k', maxRetries: 0 }),
      { recorder, providerName: 'anthropic' },
    );
    await official.messages.create({ model: MODEL, max_tokens: 2, messages });
    await renamed.messages.create({ model: MODEL, max_tokens: 2, messages });
    expect(seen).toEqual(['anthropic', 'anthropic']);
    await recorder.shutdown();
  });

  it('instruments clients derived with withOptions()', async () => {
    const derived = f.client.withOptions({ timeout: 9_000 });
    const grandchild = derived.withOptions({ maxRetries: 1 });
    expect(derived).toBeInstanceOf(Anthropic);
    expect(derived).not.toBe(f.client);
    expect(grandchild.timeout).toBe(9_000);
    expect(grandchild.maxRetries).toBe(1);
    await derived.messages.create({ model: MODEL, max_tokens: 6, messages });
    const stream = await grandchild.messages.create({ model: MODEL, max_tokens: 8, messages, stream: true });
    await drain(stream);
    const served = f.sim.ledger().served.totals;
    expect(served.requests).toBe(2);
    expect(f.records.map((r) => [r.streaming, r.usageSource])).toEqual([
      [false, 'provider'],
      [true, 'provider'],
    ]);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(served.output);
    expect(served.output).toBe(14);
  });

  it('records a 200 response whose body does not parse, with its duration and error type', async () => {
    const body = { model: MODEL, max_tokens: 10, messages };
    const opts = { headers: { 'x-burnrate-fault': 'bad-json' } };
    const err = await f.client.messages.create(body, opts).catch((e: unknown) => e);
    const bareErr = await f.bare.messages.create(body, opts).catch((e: unknown) => e);
    expect((err as Error).constructor).toBe((bareErr as Error).constructor);
    expect((err as Error).message).toBe((bareErr as Error).message);
    const errorType = (err as Error).constructor.name;
    expect(errorType).toBe('SyntaxError');
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ usageSource: 'missing', errorType, served: true });
    expect(f.records[0]?.durationS).toBeGreaterThan(0);
    const duration = await points(f.reader, METRIC.inferenceDuration);
    expect(duration.map((p) => [p.attributes[ATTR.errorType], p.count])).toEqual([[errorType, 1]]);
  });

  it('instruments a client once however often it is instrumented', async () => {
    const { instrumentAnthropic } = await import('../../src/index.js');
    instrumentAnthropic(f.client, { recorder: f.recorder });
    await f.client.messages.create({ model: MODEL, max_tokens: 4, messages });
    expect(f.records).toHaveLength(1);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(4);
  });
});

describe('instrumentAnthropic: streams', () => {
  let f: AnthropicFixture;
  beforeEach(async () => {
    f = await anthropicFixture();
  });
  afterEach(() => f.close());

  it('meters a stream from message_delta and shows the caller exactly the bare stream', async () => {
    const body = { model: MODEL, max_tokens: 1024, messages, system: cachedSystem(), stream: true as const };
    const got = await drain(await f.client.messages.create(body));
    f.sim.resetPromptCache();
    const want = await drain(await f.bare.messages.create(body));
    const strip = (events: Anthropic.RawMessageStreamEvent[]) =>
      events.map((e) => (e.type === 'message_start' ? { ...e, message: { ...e.message, id: '' } } : e));
    expect(strip(got)).toEqual(strip(want));

    const start = got.find((e) => e.type === 'message_start');
    const delta = got.find((e) => e.type === 'message_delta');
    if (start?.type !== 'message_start' || delta?.type !== 'message_delta')
      throw new Error('no usage events');
    const written = start.message.usage.cache_creation_input_tokens ?? 0;
    expect(written).toBeGreaterThan(1024);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(start.message.usage.input_tokens + written);
    expect(await total(f.reader, METRIC.cacheWriteTokens)).toBe(written);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(delta.usage.output_tokens);
    expect(delta.usage.output_tokens).toBeGreaterThan(1);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      streaming: true,
      usageSource: 'provider',
      responseModel: 'claude-sonnet-4-20250514',
    });
    expect(f.records[0]?.timeToFirstChunkS).toBeGreaterThanOrEqual(0);
    expect((await points(f.reader, METRIC.timeToFirstChunk))[0]?.count).toBe(1);
  });

  it('meters the messages.stream() helper, which goes through create', async () => {
    const stream = f.client.messages.stream({ model: MODEL, max_tokens: 1024, messages });
    const final = await stream.finalMessage();
    expect(await total(f.reader, METRIC.outputTokens)).toBe(final.usage.output_tokens);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(final.usage.input_tokens);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]?.streaming).toBe(true);
  });

  it('does not prevent usage of tee', async () => {
    const stream = await f.client.messages.create({ model: MODEL, max_tokens: 30, messages, stream: true });
    const [left, right] = stream.tee();
    const [a, b] = await Promise.all([drain(left), drain(right)]);
    expect(a).toEqual(b);
    expect(a.some((e) => e.type === 'content_block_delta')).toBe(true);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(30);
    expect(f.records).toHaveLength(1);
  });

  it('stops quietly when the caller aborts, as without burnrate, and counts the input message_start reported, as estimated', async () => {
    // The input a complete call of the same prompt is billed, from the simulator's ledger.
    await f.bare.messages.create({ model: MODEL, max_tokens: 1, messages });
    const billedInput = f.sim.ledger().served.totals.input;
    expect(billedInput).toBeGreaterThan(0);
    const stream = await f.client.messages.create({ model: MODEL, max_tokens: 1024, messages, stream: true });
    let seen = 0;
    let start: Anthropic.RawMessageStartEvent | undefined;
    for await (const event of stream) {
      seen++;
      if (event.type === 'message_start') start = event;
      if (seen === 2) stream.controller.abort();
    }
    expect(seen).toBe(2);
    expect(f.records.map((r) => [r.usageSource, r.errorType, r.served])).toEqual([
      ['estimated', 'APIUserAbortError', true],
    ]);
    // Input exact; output is message_start's provisional count, a lower bound of what was billed.
    expect(f.records[0]?.usage.input).toBe(billedInput);
    expect(f.records[0]?.usage.output).toBe(start?.message.usage.output_tokens);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(billedInput);
    expect(await total(f.reader, METRIC.outputTokens)).toBeLessThan(1024);
  });

  it('counts the usage of a stream aborted after its usage event (message_delta)', async () => {
    const stream = await f.client.messages.create({ model: MODEL, max_tokens: 21, messages, stream: true });
    for await (const event of stream) if (event.type === 'message_delta') stream.controller.abort();
    await vi.waitFor(() => expect(f.sim.ledger().requests).toHaveLength(1));
    const served = f.sim.ledger().served.totals;
    expect(f.records.map((r) => [r.usageSource, r.errorType])).toEqual([['provider', 'APIUserAbortError']]);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(served.output);
    expect(served.output).toBe(21);
  });

  it('records a streaming call rejected with 429 as an error, not as billed usage with unknown tokens', async () => {
    const err = await f.client.messages
      .create(
        { model: MODEL, max_tokens: 10, messages, stream: true },
        { headers: { 'x-burnrate-fault': '429' } },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(f.records.map((r) => [r.streaming, r.served, r.usageSource, r.errorType])).toEqual([
      [true, false, 'missing', 'RateLimitError'],
    ]);
  });

  it('records an aborted messages.stream() helper as aborted and lets the helper reject as it would', async () => {
    const stream = f.client.messages.stream({ model: MODEL, max_tokens: 1024, messages });
    let n = 0;
    stream.on('streamEvent', () => {
      n++;
      if (n === 2) stream.abort();
    });
    const err = await stream.done().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(f.records.map((r) => [r.usageSource, r.errorType])).toEqual([['estimated', 'APIUserAbortError']]);
  });

  it('passes a cut-off stream error to the caller and records its type, with no usage', async () => {
    const run = async (client: Anthropic) => {
      const stream = await client.messages.create(
        { model: MODEL, max_tokens: 1024, messages, stream: true },
        { headers: { 'x-burnrate-fault': 'cutoff' } },
      );
      return drain(stream).then(
        () => 'ended',
        (e: unknown) => (e as Error).constructor.name,
      );
    };
    const got = await run(f.client);
    const want = await run(f.bare);
    expect(got).toBe(want);
    expect(got).not.toBe('ended');
    expect(f.records.map((r) => [r.usageSource, r.errorType])).toEqual([['missing', got]]);
  });
});
