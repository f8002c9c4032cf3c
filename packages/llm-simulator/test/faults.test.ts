import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAULT_HEADER, type Simulator, startSimulator } from '../src/index.js';
import { clientFor } from './helpers.js';

const messages = [{ role: 'user' as const, content: 'Tell me about spot GPUs.' }];

describe('faults on demand', () => {
  let sim: Simulator;
  let client: OpenAI;

  beforeAll(async () => {
    sim = await startSimulator();
    client = clientFor(sim);
  });
  beforeEach(() => {
    sim.resetLedger();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('answers 429 with an OpenAI-shaped error that the client raises as RateLimitError', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages }, { headers: { [FAULT_HEADER]: '429' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.type).toBe('requests');
    expect(rateLimit.param).toBeNull();
    expect(rateLimit.headers.get('retry-after')).toBe('1');
    expect(rateLimit.headers.get('retry-after-ms')).toBe('1000');
    expect(rateLimit.requestID).toMatch(/^req_/);
  });

  it('answers 500 for a model-name suffix and the client raises InternalServerError', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini:fault=500', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).type).toBe('server_error');
  });

  it('fails responses and embeddings calls the same way', async () => {
    await expect(client.responses.create({ model: 'gpt-4.1:fault=429', input: 'hi' })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    await expect(
      client.embeddings.create(
        { model: 'text-embedding-3-small', input: 'hi' },
        { headers: { [FAULT_HEADER]: '500' } },
      ),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('counts failed requests by status in the ledger and bills no tokens for them', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini:fault=429', messages }).catch(() => undefined);
    await client.chat.completions.create({ model: 'gpt-4o-mini:fault=429', messages }).catch(() => undefined);
    await client.chat.completions.create({ model: 'gpt-4o-mini:fault=500', messages }).catch(() => undefined);
    const ledger = sim.ledger();
    expect(ledger.errors).toEqual({ '429': 2, '500': 1 });
    expect(ledger.served.totals.requests).toBe(0);
    expect(ledger.reported.totals.input).toBe(0);
    expect(ledger.requests.map((r) => [r.model, r.status, r.outcome])).toEqual([
      ['gpt-4o-mini', 429, 'error'],
      ['gpt-4o-mini', 429, 'error'],
      ['gpt-4o-mini', 500, 'error'],
    ]);
  });

  it('rejects an unknown fault name with a 400 instead of ignoring it', async () => {
    await expect(
      client.chat.completions.create({ model: 'gpt-4o-mini:fault=503', messages }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('cuts a chat stream off mid-way: the iteration throws, without [DONE] and without usage', async () => {
    const stream = await client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 40,
      },
      { headers: { [FAULT_HEADER]: 'cutoff' } },
    );
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    // 1 role chunk + 10 content chunks + 1 finish chunk + 1 usage chunk + [DONE] = 14 frames; half are sent.
    expect(chunks).toHaveLength(7);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);

    const ledger = sim.ledger();
    expect(ledger.cutoffs).toBe(1);
    expect(ledger.served.totals.output).toBe(40);
    expect(ledger.reported.totals.requests).toBe(0);
    expect(ledger.requests[0]).toMatchObject({ outcome: 'cutoff', usageReported: false, faults: ['cutoff'] });
  });

  it('cuts a responses stream off before response.completed', async () => {
    const stream = client.responses.stream({ model: 'gpt-4.1:fault=cutoff', input: 'hi' });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(types[0]).toBe('response.created');
    expect(types).not.toContain('response.completed');
    expect(sim.ledger().cutoffs).toBe(1);
  });

  it('drops the connection of a cut-off non-streaming call, which the client reports as APIConnectionError', async () => {
    await expect(
      client.chat.completions.create({ model: 'gpt-4o-mini:fault=cutoff', messages }),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(sim.ledger().cutoffs).toBe(1);
  });

  it('answers bad-json with HTTP 200 and a body that does not parse, billed as served but not reported', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages }, { headers: { [FAULT_HEADER]: 'bad-json' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    const response = await client.chat.completions
      .create({ model: 'gpt-4o-mini:fault=bad-json', messages })
      .asResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    await expect(response.text().then((t) => JSON.parse(t) as unknown)).rejects.toBeInstanceOf(SyntaxError);
    const ledger = sim.ledger();
    expect(ledger.requests.map((r) => [r.status, r.outcome, r.faults, r.usageReported])).toEqual([
      [200, 'bad_body', ['bad-json'], false],
      [200, 'bad_body', ['bad-json'], false],
    ]);
    expect(ledger.served.totals.requests).toBe(2);
    expect(ledger.reported.totals.requests).toBe(0);
  });

  it('leaves streams untouched by bad-json', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } },
      { headers: { [FAULT_HEADER]: 'bad-json' } },
    );
    let usage = 0;
    for await (const chunk of stream) if (chunk.usage) usage++;
    expect(usage).toBe(1);
    expect(sim.ledger().requests[0]?.outcome).toBe('ok');
  });

  it('delays the first chunk by the requested milliseconds but sends the headers at once', async () => {
    const started = performance.now();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true },
      { headers: { [FAULT_HEADER]: 'slow-first-chunk:300' } },
    );
    const headersAt = performance.now() - started;
    let firstChunkAt = 0;
    for await (const _ of stream) {
      if (firstChunkAt === 0) firstChunkAt = performance.now() - started;
    }
    expect(firstChunkAt).toBeGreaterThanOrEqual(299);
    expect(headersAt).toBeLessThan(firstChunkAt);
    expect(sim.ledger().requests[0]?.faults).toEqual(['slow-first-chunk:300']);
  });

  it('combines several faults in one header', async () => {
    const started = performance.now();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true },
      { headers: { [FAULT_HEADER]: 'slow-first-chunk:100, cutoff' } },
    );
    await expect(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
    ).rejects.toBeInstanceOf(Error);
    expect(performance.now() - started).toBeGreaterThanOrEqual(99);
    expect(sim.ledger().requests[0]?.faults).toEqual(['slow-first-chunk:100', 'cutoff']);
  });
});

describe('faults by configuration', () => {
  it('fails every request when rate429 is 1', async () => {
    const sim = await startSimulator({ faults: { rate429: 1, retryAfterMs: 2500 } });
    try {
      const error = await clientFor(sim)
        .chat.completions.create({ model: 'gpt-4o', messages })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const headers = (error as InstanceType<typeof OpenAI.RateLimitError>).headers;
      expect(headers.get('retry-after')).toBe('3');
      expect(headers.get('retry-after-ms')).toBe('2500');
    } finally {
      await sim.close();
    }
  });

  it('draws the same faults for the same seed and the same request sequence', async () => {
    const outcomes = async (): Promise<string[]> => {
      const sim = await startSimulator({ faults: { rate429: 0.3, rate500: 0.2, seed: 42 } });
      const client = clientFor(sim);
      const result: string[] = [];
      try {
        for (let i = 0; i < 30; i++) {
          result.push(
            await client.chat.completions.create({ model: 'gpt-4o', messages }).then(
              () => 'ok',
              (e: { status?: number }) => String(e.status),
            ),
          );
        }
        expect(sim.ledger().errors['429'] ?? 0).toBe(result.filter((r) => r === '429').length);
      } finally {
        await sim.close();
      }
      return result;
    };
    const first = await outcomes();
    const second = await outcomes();
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', '429', '500']));
  });
});

describe('client aborts', () => {
  it('bills a stream the client abandons as served but not reported', async () => {
    const sim = await startSimulator({ latency: { chunkIntervalMs: 50 } });
    try {
      const stream = await clientFor(sim).chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of stream) break;
      await vi.waitFor(() => expect(sim.ledger().clientAborts).toBe(1), { timeout: 5000, interval: 10 });
      const ledger = sim.ledger();
      expect(ledger.served.totals.requests).toBe(1);
      expect(ledger.reported.totals.requests).toBe(0);
      expect(ledger.requests[0]).toMatchObject({ outcome: 'client_abort', usageReported: false });
    } finally {
      await sim.close();
    }
  });
});
