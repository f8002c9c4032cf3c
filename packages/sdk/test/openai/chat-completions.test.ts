import { ATTR, METRIC } from '@burnrate/semconv';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { points, total } from '../helpers/metrics.js';
import { LONG_SYSTEM_PROMPT, type OpenAIFixture, openaiFixture } from '../helpers/openai-fixture.js';

describe('instrumentOpenAI: chat.completions.create', () => {
  let f: OpenAIFixture;
  beforeEach(async () => {
    f = await openaiFixture();
  });
  afterEach(() => f.close());

  it('returns the same completion as the bare client and counts exactly the tokens served', async () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Hello there' }],
      max_tokens: 20,
    };
    const got = await f.client.chat.completions.create(body);
    const want = await f.bare.chat.completions.create(body);
    expect({ ...got, id: '', created: 0 }).toEqual({ ...want, id: '', created: 0 });
    expect(got.usage?.completion_tokens).toBe(20);

    const served = f.sim.ledger().served.models['gpt-4o-mini'];
    expect(served?.requests).toBe(2);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(got.usage?.prompt_tokens);
    expect((served?.input ?? 0) / 2).toBe(got.usage?.prompt_tokens);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(20);
    const [point] = await points(f.reader, METRIC.inputTokens);
    const url = new URL(f.sim.url);
    expect(point?.attributes).toEqual({
      [ATTR.operationName]: 'chat',
      [ATTR.providerName]: '127.0.0.1',
      [ATTR.requestModel]: 'gpt-4o-mini',
      [ATTR.responseModel]: got.model,
      [ATTR.serverAddress]: '127.0.0.1',
      [ATTR.serverPort]: Number(url.port),
    });
    expect(f.records[0]).toMatchObject({
      usageSource: 'provider',
      streaming: false,
      serviceTier: got.service_tier,
    });
  });

  it('counts cached input tokens when a long prompt prefix repeats', async () => {
    const ask = (q: string) =>
      f.client.chat.completions.create({
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: LONG_SYSTEM_PROMPT },
          { role: 'user', content: q },
        ],
        max_tokens: 5,
      });
    const first = await ask('What is the refund policy?');
    const second = await ask('What is the shipping policy?');
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(cached);
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(f.sim.ledger().served.totals.cached_input);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(f.sim.ledger().served.totals.input);
  });

  it('counts reasoning tokens within output tokens for reasoning models', async () => {
    const res = await f.client.chat.completions.create({
      model: 'o3',
      messages: [{ role: 'user', content: 'Prove it.' }],
      max_completion_tokens: 400,
    });
    const reasoning = res.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoning).toBeGreaterThan(0);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(400);
    expect(await total(f.reader, METRIC.reasoningTokens)).toBe(reasoning);
    expect(f.sim.ledger().served.totals.reasoning).toBe(reasoning);
  });

  it('copes with .withResponse() and .asResponse()', async () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'hi' }],
      max_tokens: 3,
    };
    const { data, response, request_id } = await f.client.chat.completions.create(body).withResponse();
    expect(response.status).toBe(200);
    expect(request_id).toBe(response.headers.get('x-request-id'));
    expect(data.usage?.completion_tokens).toBe(3);
    const raw = await f.client.chat.completions.create(body).asResponse();
    const json = (await raw.json()) as { usage: { completion_tokens: number } };
    expect(json.usage.completion_tokens).toBe(3);
    // asResponse() hands the body to the caller unread, so only the parsed call is recorded.
    expect(await total(f.reader, METRIC.outputTokens)).toBe(3);
  });

  it('records a 429 with error.type RateLimitError and passes the same error class to the caller', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    const opts = { headers: { 'x-burnrate-fault': '429' } };
    const err = await f.client.chat.completions.create(body, opts).catch((e: unknown) => e);
    const bareErr = await f.bare.chat.completions.create(body, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);
    expect((err as Error).message).toBe((bareErr as Error).message);
    const duration = await points(f.reader, METRIC.inferenceDuration);
    expect(duration.map((p) => [p.attributes[ATTR.errorType], p.count])).toEqual([['RateLimitError', 1]]);
    expect(await points(f.reader, METRIC.inputTokens)).toEqual([]);
  });

  it('records a 500 as InternalServerError after the client retried', async () => {
    // withOptions builds a new client, instrumented like its parent.
    const client = f.client.withOptions({ maxRetries: 2 });
    const err = await client.chat.completions
      .create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-burnrate-fault': '500' } },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(f.sim.ledger().errors).toEqual({ '500': 3 });
    const duration = await points(f.reader, METRIC.inferenceDuration);
    expect(duration.map((p) => [p.attributes[ATTR.errorType], p.count])).toEqual([
      ['InternalServerError', 1],
    ]);
  });

  it('handles connection errors without crashing', async () => {
    const client = new OpenAI({ baseURL: 'http://127.0.0.1:1/v1', apiKey: 'sk-test', maxRetries: 0 });
    const { instrumentOpenAI } = await import('../../src/index.js');
    instrumentOpenAI(client, { recorder: f.recorder });
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(f.records.map((r) => r.errorType)).toEqual(['APIConnectionError']);
  });

  it('does not change the body object the caller passed', async () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'hi' }],
      stream: true as const,
    };
    const snapshot = structuredClone(body);
    const stream = await f.client.chat.completions.create(body);
    for await (const _ of stream) {
      // drain
    }
    expect(body).toEqual(snapshot);
  });

  it('records a 200 response whose body does not parse, with its duration and error type', async () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'hi' }],
      max_tokens: 9,
    };
    const opts = { headers: { 'x-burnrate-fault': 'bad-json' } };
    const err = await f.client.chat.completions.create(body, opts).catch((e: unknown) => e);
    const bareErr = await f.bare.chat.completions.create(body, opts).catch((e: unknown) => e);
    // The caller gets the client's own error, as without burnrate.
    expect(err).toBeInstanceOf(SyntaxError);
    expect((err as Error).message).toBe((bareErr as Error).message);
    expect(f.sim.ledger().requests.map((r) => [r.status, r.outcome])).toEqual([
      [200, 'bad_body'],
      [200, 'bad_body'],
    ]);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      usageSource: 'missing',
      errorType: 'SyntaxError',
      served: true,
      streaming: false,
    });
    expect(f.records[0]?.durationS).toBeGreaterThan(0);
    const duration = await points(f.reader, METRIC.inferenceDuration);
    expect(duration.map((p) => [p.attributes[ATTR.errorType], p.count])).toEqual([['SyntaxError', 1]]);
    expect(await points(f.reader, METRIC.inputTokens)).toEqual([]);
  });

  it('records the same unparsable 200 response once when the caller reads it withResponse()', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    const err = await f.client.chat.completions
      .create(body, { headers: { 'x-burnrate-fault': 'bad-json' } })
      .withResponse()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyntaxError);
    expect(f.records.map((r) => [r.errorType, r.served])).toEqual([['SyntaxError', true]]);
  });

  it('instruments clients derived with withOptions()', async () => {
    const derived = f.client.withOptions({ timeout: 7_000 });
    const grandchild = derived.withOptions({ maxRetries: 1 });
    // withOptions still returns what it returned: a new client with the options merged.
    expect(derived).toBeInstanceOf(OpenAI);
    expect(derived).not.toBe(f.client);
    expect(derived.timeout).toBe(7_000);
    expect(grandchild.timeout).toBe(7_000);
    expect(grandchild.maxRetries).toBe(1);
    const ask = (client: OpenAI, max_tokens: number) =>
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello there' }],
        max_tokens,
      });
    await ask(derived, 5);
    await ask(grandchild, 7);
    const stream = await grandchild.responses.create({
      model: 'gpt-4.1-mini',
      input: 'hi',
      max_output_tokens: 3,
      stream: true,
    });
    for await (const _ of stream) {
      // drain
    }
    const served = f.sim.ledger().served.totals;
    expect(served.requests).toBe(3);
    expect(f.records).toHaveLength(3);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(served.output);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(15);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.input);
  });

  it('instruments a client derived with a new baseURL under that server', async () => {
    const derived = f.client.withOptions({ baseURL: f.sim.url.replace('127.0.0.1', 'localhost') });
    await derived.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 2,
    });
    expect(f.records.map((r) => [r.serverAddress, r.usage.output])).toEqual([['localhost', 2]]);
  });

  it('instruments a client only once when asked twice', async () => {
    const { instrumentOpenAI } = await import('../../src/index.js');
    instrumentOpenAI(f.client, { recorder: f.recorder });
    await f.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 4,
    });
    expect(await total(f.reader, METRIC.outputTokens)).toBe(4);
  });
});
