import { ATTR, COST_METRIC, METRIC } from '@burnrate/semconv';
import { Mistral } from '@mistralai/mistralai';
import { SDKError } from '@mistralai/mistralai/models/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentMistral, normalizeMistralUsage } from '../../src/index.js';
import { points, throwingProcessor, total } from '../helpers/metrics.js';
import { type MistralFixture, mistralFixture, publishedUsd } from './mistral-fixture.js';

let f: MistralFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

const messages = [{ role: 'user' as const, content: 'Tell me about budgets.' }];

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function counters(fx: MistralFixture): Promise<Record<string, number>> {
  return {
    input: await total(fx.reader, METRIC.inputTokens),
    output: await total(fx.reader, METRIC.outputTokens),
  };
}

function served(fx: MistralFixture, model?: string): { input: number; output: number } {
  const ledger = fx.sim.ledger().served;
  const t = model ? ledger.models[model] : ledger.totals;
  return { input: t?.input ?? 0, output: t?.output ?? 0 };
}

async function dollarsMatchLedger(fx: MistralFixture, model: string): Promise<void> {
  const dollars = await total(fx.reader, COST_METRIC.cost);
  expect(dollars).toBeGreaterThan(0);
  expect(Math.abs(dollars - publishedUsd(model, served(fx, model)))).toBeLessThan(1e-9);
}

describe('normalizeMistralUsage', () => {
  it('reads the client’s camelCase usage and the API’s snake_case usage alike', () => {
    const expected = { input: 12, cacheRead: 0, cacheWrite: 0, output: 30, reasoning: 0 };
    expect(normalizeMistralUsage({ promptTokens: 12, completionTokens: 30, totalTokens: 42 })).toEqual(
      expected,
    );
    expect(normalizeMistralUsage({ prompt_tokens: 12, completion_tokens: 30 })).toEqual(expected);
  });

  it('counts reported cached prompt tokens as cache reads inside input', () => {
    expect(
      normalizeMistralUsage({
        promptTokens: 2000,
        completionTokens: 5,
        prompt_tokens_details: { cached_tokens: 1536 },
      }),
    ).toEqual({ input: 2000, cacheRead: 1536, cacheWrite: 0, output: 5, reasoning: 0 });
    expect(normalizeMistralUsage(undefined)).toBeUndefined();
  });
});

describe('instrumentMistral: chat.complete', () => {
  it('records exact counters equal to the ledger, provider mistral_ai, and the published price', async () => {
    f = await mistralFixture();
    const response = await f.client.chat.complete({ model: 'mistral-small-latest', messages });
    expect(await counters(f)).toEqual({
      input: response.usage.promptTokens,
      output: response.usage.completionTokens,
    });
    expect(await counters(f)).toEqual(served(f));
    const [point] = await points(f.reader, METRIC.inputTokens);
    expect(point?.attributes).toMatchObject({
      [ATTR.operationName]: 'chat',
      [ATTR.providerName]: 'mistral_ai',
      [ATTR.requestModel]: 'mistral-small-latest',
      [ATTR.responseModel]: 'mistral-small-latest',
      [ATTR.serverAddress]: '127.0.0.1',
      [ATTR.serverPort]: f.sim.port,
    });
    expect(f.records[0]).toMatchObject({ streaming: false, usageSource: 'provider', served: true });
    await dollarsMatchLedger(f, 'mistral-small-latest');
  });

  it('counts a cached prompt prefix as cache reads inside input and prices it at 10% of the input price', async () => {
    f = await mistralFixture();
    const playbook = Array.from(
      { length: 300 },
      (_, i) => `Rule ${i}: answer briefly and cite the section.`,
    ).join(' ');
    const ask = (q: string) =>
      f?.client.chat.complete({
        model: 'mistral-small-latest',
        messages: [
          { role: 'system', content: playbook },
          { role: 'user', content: q },
        ],
      });
    await ask('First question?');
    const second = await ask('Second question?');
    const cached =
      (second?.usage['prompt_tokens_details'] as { cached_tokens?: number } | undefined)?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    const ledger = f.sim.ledger().served.models['mistral-small-latest'];
    if (!ledger) throw new Error('no ledger entry');
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(ledger.cached_input);
    expect(ledger.cached_input).toBe(cached);
    expect(await counters(f)).toEqual(served(f));
    // Mistral bills cached prompt tokens at 10% of the input price ($0.10/M → $0.01/M).
    const expected = ((ledger.input - cached) * 0.1 + cached * 0.01 + ledger.output * 0.3) / 1_000_000;
    expect(Math.abs((await total(f.reader, COST_METRIC.cost)) - expected)).toBeLessThan(1e-9);
  });

  it('returns exactly what the bare client returns', async () => {
    f = await mistralFixture();
    const wrapped = await f.client.chat.complete({ model: 'mistral-small-latest', messages });
    const bare = await f.bare.chat.complete({ model: 'mistral-small-latest', messages });
    expect({ ...wrapped, id: '' }).toEqual({ ...bare, id: '' });
  });

  it('rethrows a 429 as the client’s SDKError and records it unserved with no tokens', async () => {
    f = await mistralFixture();
    const error = await f.client.chat
      .complete({ model: 'mistral-small-latest:fault=429', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SDKError);
    expect((error as SDKError).statusCode).toBe(429);
    expect(f.records[0]).toMatchObject({ errorType: 'SDKError', served: false, usageSource: 'missing' });
    expect(await total(f.reader, METRIC.inputTokens)).toBe(0);
    const [duration] = await points(f.reader, METRIC.inferenceDuration);
    expect(duration?.attributes[ATTR.errorType]).toBe('SDKError');
  });

  it('records a call aborted before it was sent with the client’s abort error class, unserved', async () => {
    f = await mistralFixture();
    const controller = new AbortController();
    controller.abort();
    const error = await f.client.chat
      .complete({ model: 'mistral-small-latest', messages }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(f.records[0]?.served).toBe(false);
    expect(f.records[0]?.errorType).toBe((error as Error).constructor.name);
  });

  it('records a 200 whose body does not parse as served, with the error the client throws', async () => {
    f = await mistralFixture();
    const error = await f.client.chat
      .complete({ model: 'mistral-small-latest:fault=bad-json', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(f.records[0]).toMatchObject({ served: true, usageSource: 'missing' });
    expect(f.records[0]?.errorType).toBe((error as Error).constructor.name);
    expect(f.sim.ledger().served.totals.requests).toBe(1);
  });

  it('leaves an unknown model unpriced with the reason unknown_model, never at $0', async () => {
    f = await mistralFixture();
    await f.client.chat.complete({ model: 'mistral-sim-finetune-x', messages });
    const tokens = served(f);
    const unpriced = (await points(f.reader, COST_METRIC.unpricedUsage)).filter(
      (p) => p.attributes[ATTR.unpricedReason] === 'unknown_model',
    );
    expect(unpriced.reduce((s, p) => s + p.value, 0)).toBe(tokens.input + tokens.output);
    expect(await points(f.reader, COST_METRIC.cost)).toEqual([]);
  });

  it('keeps results, streams and errors unchanged when the recorder itself throws everywhere', async () => {
    f = await mistralFixture();
    const broken = new Proxy(f.recorder, {
      get(target, key) {
        if (key === 'clock') return { now: () => Date.now() };
        if (
          key === 'recordLlm' ||
          key === 'captureAttributes' ||
          key === 'decideCall' ||
          key === 'releaseCall'
        )
          return () => {
            throw new Error('recorder bug');
          };
        return Reflect.get(target, key);
      },
    });
    const client = instrumentMistral(new Mistral({ apiKey: 'k', serverURL: f.sim.anthropicUrl }), {
      recorder: broken,
    });
    const wrapped = await client.chat.complete({ model: 'mistral-small-latest', messages });
    const bare = await f.bare.chat.complete({ model: 'mistral-small-latest', messages });
    expect(wrapped.choices).toEqual(bare.choices);
    const events = await drain(await client.chat.stream({ model: 'mistral-small-latest', messages }));
    expect(events.map((e) => e.data.choices[0]?.delta.content ?? '').join('')).toBe(
      bare.choices[0]?.message?.content,
    );
    await expect(
      client.chat.complete({ model: 'mistral-small-latest:fault=429', messages }),
    ).rejects.toBeInstanceOf(SDKError);
  });

  it('keeps results, streams and errors unchanged when a processor throws', async () => {
    f = await mistralFixture({ processors: [throwingProcessor] });
    const wrapped = await f.client.chat.complete({ model: 'mistral-small-latest', messages });
    const bare = await f.bare.chat.complete({ model: 'mistral-small-latest', messages });
    expect(wrapped.choices).toEqual(bare.choices);
    const events = await drain(await f.client.chat.stream({ model: 'mistral-small-latest', messages }));
    expect(events.map((e) => e.data.choices[0]?.delta.content ?? '').join('')).toBe(
      bare.choices[0]?.message?.content,
    );
    await expect(
      f.client.chat.complete({ model: 'mistral-small-latest:fault=429', messages }),
    ).rejects.toBeInstanceOf(SDKError);
    expect(f.records).toHaveLength(3);
  });
});

describe('instrumentMistral: chat.stream', () => {
  it('passes every event through unchanged and records the usage of the last chunk once', async () => {
    f = await mistralFixture();
    const events = await drain(await f.client.chat.stream({ model: 'mistral-small-latest', messages }));
    const bare = await drain(await f.bare.chat.stream({ model: 'mistral-small-latest', messages }));
    const strip = (e: (typeof events)[number]) => ({ ...e, data: { ...e.data, id: '' } });
    expect(events.map(strip)).toEqual(bare.map(strip));
    const usage = events[events.length - 1]?.data.usage;
    expect(usage).toBeDefined();
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ streaming: true, usageSource: 'provider' });
    expect(f.records[0]?.usage).toMatchObject({
      input: usage?.promptTokens,
      output: usage?.completionTokens,
    });
    expect((await points(f.reader, METRIC.timeToFirstChunk))[0]?.count).toBe(1);
    expect(await counters(f)).toEqual({ input: usage?.promptTokens, output: usage?.completionTokens });
  });

  it('records a stream read through getReader() as well', async () => {
    f = await mistralFixture();
    const stream = await f.client.chat.stream({ model: 'mistral-small-latest', messages });
    const reader = stream.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(f.records).toHaveLength(1);
    expect(await counters(f)).toEqual(served(f));
  });

  it('records a stream stopped before its usage chunk as usage missing, never a partial count', async () => {
    f = await mistralFixture({ latency: { chunkIntervalMs: 5 } });
    const stream = await f.client.chat.stream({ model: 'mistral-small-latest', messages });
    for await (const _event of stream) break;
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ usageSource: 'missing', served: true });
  });

  it('rejects a streaming 429 with SDKError and records it unserved', async () => {
    f = await mistralFixture();
    await expect(
      f.client.chat.stream({ model: 'mistral-small-latest:fault=429', messages }),
    ).rejects.toBeInstanceOf(SDKError);
    expect(f.records[0]).toMatchObject({ errorType: 'SDKError', served: false, streaming: true });
  });

  it('records a stream aborted mid-way with the abort error, served, and no invented usage', async () => {
    f = await mistralFixture({ latency: { chunkIntervalMs: 5 } });
    const controller = new AbortController();
    const stream = await f.client.chat.stream(
      { model: 'mistral-small-latest', messages },
      { signal: controller.signal },
    );
    const error = await (async () => {
      for await (const _event of stream) controller.abort();
    })().catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(f.records[0]).toMatchObject({ errorType: 'AbortError', served: true, usageSource: 'missing' });
  });
});

describe('instrumentMistral: pre-call decisions', () => {
  it('sends nothing and rejects with the processor error when a processor rejects the call', async () => {
    const budget = new Error('budget exceeded');
    f = await mistralFixture({
      processors: [{ onUsage() {}, beforeCall: () => ({ action: 'reject', error: budget }) }],
    });
    await expect(f.client.chat.complete({ model: 'mistral-small-latest', messages })).rejects.toBe(budget);
    expect(f.sim.ledger().requests).toEqual([]);
    expect(f.records).toEqual([]);
  });

  it('sends a copy with the model and output cap a processor chose, leaving the caller request unchanged', async () => {
    f = await mistralFixture({
      processors: [
        {
          onUsage() {},
          beforeCall: () => ({ action: 'modify', model: 'mistral-large-latest', maxOutputTokens: 5 }),
        },
      ],
    });
    const request = { model: 'mistral-small-latest', messages, maxTokens: 50 };
    const response = await f.client.chat.complete(request);
    expect(request).toEqual({ model: 'mistral-small-latest', messages, maxTokens: 50 });
    expect(response.model).toBe('mistral-large-latest');
    expect(response.usage.completionTokens).toBe(5);
    expect(f.records[0]).toMatchObject({ requestModel: 'mistral-large-latest' });
  });
});

describe('instrumentMistral: fim and embeddings', () => {
  it('records fim.complete as text_completion with exact counters and the Codestral price', async () => {
    f = await mistralFixture();
    const response = await f.client.fim.complete({
      model: 'codestral-latest',
      prompt: 'def add(a, b):',
      suffix: '    return result',
    });
    expect(await counters(f)).toEqual({
      input: response.usage.promptTokens,
      output: response.usage.completionTokens,
    });
    expect(await counters(f)).toEqual(served(f));
    expect(f.records[0]).toMatchObject({ operation: 'text_completion', provider: 'mistral_ai' });
    await dollarsMatchLedger(f, 'codestral-latest');
  });

  it('records fim.stream from its last chunk', async () => {
    f = await mistralFixture();
    await drain(await f.client.fim.stream({ model: 'codestral-latest', prompt: 'function f(' }));
    expect(f.records[0]).toMatchObject({
      streaming: true,
      usageSource: 'provider',
      operation: 'text_completion',
    });
    expect(await counters(f)).toEqual(served(f));
  });

  it('records embeddings.create with its prompt tokens as input and the mistral-embed price', async () => {
    f = await mistralFixture();
    const response = await f.client.embeddings.create({
      model: 'mistral-embed',
      inputs: ['first document', 'a second document about budgets'],
    });
    expect(response.data).toHaveLength(2);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(response.usage.promptTokens);
    expect(await counters(f)).toEqual(served(f));
    expect(f.records[0]).toMatchObject({ operation: 'embeddings' });
    await dollarsMatchLedger(f, 'mistral-embed');
  });

  it('wraps the resource instances, not the prototypes, and only once', async () => {
    f = await mistralFixture();
    instrumentMistral(f.client, { recorder: f.recorder });
    expect(Object.hasOwn(f.client.chat, 'complete')).toBe(true);
    expect(Object.hasOwn(f.bare.chat, 'complete')).toBe(false);
    await f.client.chat.complete({ model: 'mistral-small-latest', messages });
    expect(f.records).toHaveLength(1);
  });
});
