import { ATTR, COST_METRIC, METRIC } from '@burnrate/semconv';
import {
  ApiError,
  type CallableTool,
  type FunctionCall,
  type GenerateContentResponse,
  GoogleGenAI,
} from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  instrumentGoogleGenAI,
  normalizeGeminiEmbeddingUsage,
  normalizeGeminiUsage,
  withAttributes,
} from '../../src/index.js';
import { points, throwingProcessor, total } from '../helpers/metrics.js';
import { type GeminiFixture, geminiFixture, LONG_PROMPT, publishedUsd } from './gemini-fixture.js';

let f: GeminiFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Token counters on the meter, by kind. */
async function counters(fx: GeminiFixture): Promise<Record<string, number>> {
  return {
    input: await total(fx.reader, METRIC.inputTokens),
    cacheRead: await total(fx.reader, METRIC.cacheReadTokens),
    output: await total(fx.reader, METRIC.outputTokens),
    reasoning: await total(fx.reader, METRIC.reasoningTokens),
  };
}

/** The simulator's ledger of what it served, in the same kinds. */
function served(fx: GeminiFixture): Record<string, number> {
  const t = fx.sim.ledger().served.totals;
  return { input: t.input, cacheRead: t.cached_input, output: t.output, reasoning: t.reasoning };
}

/** A callable tool (automatic function calling) that answers every call with a temperature. */
function weatherTool(calls: FunctionCall[][]): CallableTool {
  return {
    tool: async () => ({
      functionDeclarations: [
        {
          name: 'getWeather',
          description: 'The weather in a city.',
          parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
    }),
    callTool: async (functionCalls: FunctionCall[]) => {
      calls.push(functionCalls);
      return functionCalls.map((c) => ({
        functionResponse: { name: c.name ?? '', response: { celsius: 21 } },
      }));
    },
  };
}

describe('normalizeGeminiUsage', () => {
  it('counts cached tokens inside input once, adds the tool-use prompt, and adds thoughts to output', () => {
    expect(
      normalizeGeminiUsage({
        promptTokenCount: 1200,
        cachedContentTokenCount: 1024,
        toolUsePromptTokenCount: 64,
        candidatesTokenCount: 30,
        thoughtsTokenCount: 70,
        totalTokenCount: 1364,
      }),
    ).toEqual({ input: 1264, cacheRead: 1024, cacheWrite: 0, output: 100, reasoning: 70 });
  });

  it('reads missing optional counts as zero and returns undefined for no usage', () => {
    expect(normalizeGeminiUsage({ promptTokenCount: 5, candidatesTokenCount: 7 })).toEqual({
      input: 5,
      cacheRead: 0,
      cacheWrite: 0,
      output: 7,
      reasoning: 0,
    });
    expect(normalizeGeminiUsage(undefined)).toBeUndefined();
    expect(normalizeGeminiUsage({})).toBeUndefined();
  });

  it('reads embedding tokens from statistics.tokenCount and invents none when there are none', () => {
    expect(
      normalizeGeminiEmbeddingUsage({
        embeddings: [{ statistics: { tokenCount: 3 } }, { statistics: { tokenCount: 4 } }],
      }),
    ).toEqual({ input: 7, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
    expect(normalizeGeminiEmbeddingUsage({ embeddings: [{ values: [0.1] }] })).toBeUndefined();
  });
});

describe('instrumentGoogleGenAI: models.generateContent', () => {
  it('records a thinking model call with exact counters per kind, equal to the ledger, and its published price', async () => {
    f = await geminiFixture();
    const response = await f.client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Tell me a story about budgets.',
    });
    const u = response.usageMetadata;
    expect(u?.thoughtsTokenCount).toBeGreaterThan(0);
    expect(await counters(f)).toEqual({
      input: u?.promptTokenCount,
      cacheRead: 0,
      output: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0),
      reasoning: u?.thoughtsTokenCount,
    });
    expect(await counters(f)).toEqual(served(f));
    const [point] = await points(f.reader, METRIC.inputTokens);
    expect(point?.attributes).toMatchObject({
      [ATTR.operationName]: 'generate_content',
      [ATTR.providerName]: 'gcp.gemini',
      [ATTR.requestModel]: 'gemini-2.5-flash',
      [ATTR.responseModel]: 'gemini-2.5-flash',
      [ATTR.serverAddress]: '127.0.0.1',
      [ATTR.serverPort]: f.sim.port,
    });
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ streaming: false, usageSource: 'provider', served: true });
    const ledger = f.sim.ledger().served.models['gemini-2.5-flash'];
    if (!ledger) throw new Error('no ledger entry');
    const dollars = await total(f.reader, COST_METRIC.cost);
    expect(dollars).toBeGreaterThan(0);
    expect(Math.abs(dollars - publishedUsd('gemini-2.5-flash', ledger))).toBeLessThan(1e-9);
  });

  it('prices implicitly cached input at the cached rate and counts it inside input exactly once', async () => {
    f = await geminiFixture();
    const ask = (q: string) =>
      f?.client.models.generateContent({
        model: 'gemini-2.0-flash',
        contents: [{ role: 'user', parts: [{ text: LONG_PROMPT }, { text: q }] }],
      });
    await ask('First question?');
    const second = await ask('Second question?');
    const cached = second?.usageMetadata?.cachedContentTokenCount ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(await counters(f)).toEqual(served(f));
    expect(await total(f.reader, METRIC.cacheReadTokens)).toBe(cached);
    expect(f.records[1]?.usage).toEqual({
      input: second?.usageMetadata?.promptTokenCount,
      cacheRead: cached,
      cacheWrite: 0,
      output: second?.usageMetadata?.candidatesTokenCount,
      reasoning: 0,
    });
    const ledger = f.sim.ledger().served.models['gemini-2.0-flash'];
    if (!ledger) throw new Error('no ledger entry');
    expect(
      Math.abs((await total(f.reader, COST_METRIC.cost)) - publishedUsd('gemini-2.0-flash', ledger)),
    ).toBeLessThan(1e-9);
  });

  it('prices a Gemini 2.5 Pro request above 200k prompt tokens at the long-context rates, per request', async () => {
    f = await geminiFixture();
    const long = await f.client.models.generateContent({
      model: 'gemini-2.5-pro',
      contents: ` cost`.repeat(205_000),
      config: { maxOutputTokens: 50 },
    });
    const short = await f.client.models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'A short question.',
      config: { maxOutputTokens: 50 },
    });
    const longInput = long.usageMetadata?.promptTokenCount ?? 0;
    const shortInput = short.usageMetadata?.promptTokenCount ?? 0;
    expect(longInput).toBeGreaterThan(200_000);
    expect(await counters(f)).toEqual(served(f));
    // Published (ai.google.dev pricing): prompts ≤ 200k: $1.25/M in, $10/M out (thinking included);
    // > 200k: $2.50/M in, $15/M out, for the whole request.
    const expected = (longInput * 2.5 + 50 * 15 + shortInput * 1.25 + 50 * 10) / 1_000_000;
    expect(Math.abs((await total(f.reader, COST_METRIC.cost)) - expected)).toBeLessThan(1e-9);
  });

  it("counts a built-in tool's toolUsePromptTokenCount as input", async () => {
    f = await geminiFixture();
    const response = await f.client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'What happened today?',
      config: { tools: [{ googleSearch: {} }] },
    });
    const u = response.usageMetadata;
    expect(u?.toolUsePromptTokenCount).toBe(64);
    expect(await total(f.reader, METRIC.inputTokens)).toBe((u?.promptTokenCount ?? 0) + 64);
    expect(await counters(f)).toEqual(served(f));
  });

  it('returns exactly what the bare client returns', async () => {
    f = await geminiFixture();
    const request = { model: 'gemini-2.0-flash', contents: 'Same answer twice?' };
    const wrapped = await f.client.models.generateContent(request);
    const bare = await f.bare.models.generateContent(request);
    expect(wrapped).toBeInstanceOf(Object.getPrototypeOf(bare).constructor);
    expect(wrapped.text).toBe(bare.text);
    expect(wrapped.usageMetadata).toEqual(bare.usageMetadata);
    expect(wrapped.candidates).toEqual(bare.candidates);
  });

  it('counts every internal model call of automatic function calling, not only the last', async () => {
    f = await geminiFixture();
    const calls: FunctionCall[][] = [];
    const response = await f.client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'What is the weather in Paris?',
      config: { tools: [weatherTool(calls)] },
    });
    expect(calls).toHaveLength(1);
    expect(typeof response.text).toBe('string');
    expect(f.records).toHaveLength(2);
    expect(f.sim.ledger().served.totals.requests).toBe(2);
    expect(await counters(f)).toEqual(served(f));
    // The response the caller gets carries the last call's usage only.
    expect(await total(f.reader, METRIC.inputTokens)).toBeGreaterThan(
      response.usageMetadata?.promptTokenCount ?? 0,
    );
    const ledger = f.sim.ledger().served.models['gemini-2.5-flash'];
    if (!ledger) throw new Error('no ledger entry');
    expect(
      Math.abs((await total(f.reader, COST_METRIC.cost)) - publishedUsd('gemini-2.5-flash', ledger)),
    ).toBeLessThan(1e-9);
  });

  it('counts the calls of a chat session (chats.create().sendMessage) through the same models', async () => {
    f = await geminiFixture();
    const chat = f.client.chats.create({ model: 'gemini-2.0-flash' });
    await chat.sendMessage({ message: 'Hello.' });
    await chat.sendMessage({ message: 'And again.' });
    expect(f.records).toHaveLength(2);
    expect(await counters(f)).toEqual(served(f));
  });

  it('rethrows a 429 as the client ApiError, records it unserved with error.type ApiError and no tokens', async () => {
    f = await geminiFixture();
    const error = await f.client.models
      .generateContent({
        model: 'gemini-2.0-flash',
        contents: 'Hi',
        config: { httpOptions: { headers: { 'x-burnrate-fault': '429' } } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect(JSON.parse((error as ApiError).message).error.status).toBe('RESOURCE_EXHAUSTED');
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ errorType: 'ApiError', served: false, usageSource: 'missing' });
    expect(await total(f.reader, METRIC.inputTokens)).toBe(0);
    const [duration] = await points(f.reader, METRIC.inferenceDuration);
    expect(duration?.attributes[ATTR.errorType]).toBe('ApiError');
    expect(await total(f.reader, COST_METRIC.unpricedUsage)).toBe(0);
  });

  it('records a call aborted before it was sent as AbortError, unserved, and rethrows the abort', async () => {
    f = await geminiFixture();
    const controller = new AbortController();
    controller.abort();
    const error = await f.client.models
      .generateContent({
        model: 'gemini-2.0-flash',
        contents: 'Hi',
        config: { abortSignal: controller.signal },
      })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(f.records[0]).toMatchObject({ errorType: 'AbortError', served: false });
  });

  it('records a 200 whose body does not parse as served, with error.type SyntaxError, and rethrows it', async () => {
    f = await geminiFixture();
    const error = await f.client.models
      .generateContent({ model: 'gemini-2.0-flash:fault=bad-json', contents: 'Hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(f.records[0]).toMatchObject({ errorType: 'SyntaxError', served: true, usageSource: 'missing' });
    expect(f.sim.ledger().served.totals.requests).toBe(1);
  });

  it('carries the caller attributes of withAttributes to every request of a function-calling stream', async () => {
    f = await geminiFixture();
    const fx = f;
    await withAttributes({ feature: 'weather', tenant: 'acme' }, async () => {
      await drain(
        await fx.client.models.generateContentStream({
          model: 'gemini-2.0-flash',
          contents: 'Weather in Oslo?',
          config: { tools: [weatherTool([])] },
        }),
      );
    });
    expect(f.records).toHaveLength(2);
    for (const r of f.records) expect(r.attributes).toMatchObject({ feature: 'weather', tenant: 'acme' });
  });

  it('leaves an unknown model unpriced with the reason unknown_model, never at $0', async () => {
    f = await geminiFixture();
    await f.client.models.generateContent({ model: 'gemini-sim-finetune-x', contents: 'Hi' });
    const tokens = served(f);
    const unpriced = await points(f.reader, COST_METRIC.unpricedUsage);
    const byReason = unpriced.filter((p) => p.attributes[ATTR.unpricedReason] === 'unknown_model');
    expect(byReason.reduce((s, p) => s + p.value, 0)).toBe((tokens.input ?? 0) + (tokens.output ?? 0));
    expect(await points(f.reader, COST_METRIC.cost)).toEqual([]);
    expect(f.warnings.some((w) => w.includes('unknown_model') && w.includes('gemini-sim-finetune-x'))).toBe(
      true,
    );
  });

  it('keeps results, streams and errors unchanged when the recorder itself throws everywhere', async () => {
    f = await geminiFixture();
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
    const client = instrumentGoogleGenAI(
      new GoogleGenAI({
        apiKey: 'k',
        httpOptions: { baseUrl: f.sim.anthropicUrl },
      }),
      { recorder: broken },
    );
    const request = { model: 'gemini-2.0-flash', contents: 'Broken recorder?' };
    const wrapped = await client.models.generateContent(request);
    const bare = await f.bare.models.generateContent(request);
    expect(wrapped.text).toBe(bare.text);
    const chunks = await drain(await client.models.generateContentStream(request));
    expect(chunks.map((c) => c.text).join('')).toBe(bare.text);
    await expect(
      client.models.generateContent({ ...request, model: 'gemini-2.0-flash:fault=429' }),
    ).rejects.toBeInstanceOf(ApiError);
  });

  it('keeps results and errors unchanged when a processor throws', async () => {
    f = await geminiFixture({ processors: [throwingProcessor] });
    const request = { model: 'gemini-2.5-flash', contents: 'Processor failure?' };
    const wrapped = await f.client.models.generateContent(request);
    const bare = await f.bare.models.generateContent(request);
    expect(wrapped.text).toBe(bare.text);
    const chunks = await drain(await f.client.models.generateContentStream(request));
    expect(chunks.map((c) => c.text).join('')).toBe(bare.text);
    await expect(
      f.client.models.generateContent({ ...request, model: 'gemini-2.5-flash:fault=429' }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(f.records).toHaveLength(3);
  });
});

describe('instrumentGoogleGenAI: models.generateContentStream', () => {
  it('passes every chunk through unchanged and records the final usage once, with time to first chunk', async () => {
    f = await geminiFixture();
    const request = {
      model: 'gemini-2.5-flash',
      contents: 'Stream a story.',
      config: { maxOutputTokens: 40 },
    };
    const chunks: GenerateContentResponse[] = await drain(
      await f.client.models.generateContentStream(request),
    );
    const bare = await drain(await f.bare.models.generateContentStream(request));
    expect(chunks.map((c) => c.text)).toEqual(bare.map((c) => c.text));
    expect(chunks.map((c) => c.usageMetadata)).toEqual(bare.map((c) => c.usageMetadata));
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ streaming: true, usageSource: 'provider' });
    const last = chunks[chunks.length - 1]?.usageMetadata;
    expect(f.records[0]?.usage).toEqual({
      input: last?.promptTokenCount,
      cacheRead: 0,
      cacheWrite: 0,
      output: 40,
      reasoning: 20,
    });
    const ttfc = await points(f.reader, METRIC.timeToFirstChunk);
    expect(ttfc[0]?.count).toBe(1);
  });

  it('counts the internal calls of automatic function calling in a stream', async () => {
    f = await geminiFixture();
    const calls: FunctionCall[][] = [];
    const chunks = await drain(
      await f.client.models.generateContentStream({
        model: 'gemini-2.0-flash',
        contents: 'Weather in Rome?',
        config: { tools: [weatherTool(calls)] },
      }),
    );
    expect(calls).toHaveLength(1);
    expect(chunks.length).toBeGreaterThan(2);
    expect(f.records).toHaveLength(2);
    expect(await counters(f)).toEqual(served(f));
  });

  it('records a stream aborted mid-way as AbortError with the usage seen so far as estimated', async () => {
    f = await geminiFixture({ latency: { chunkIntervalMs: 5 } });
    const controller = new AbortController();
    const stream = await f.client.models.generateContentStream({
      model: 'gemini-2.0-flash',
      contents: 'A long story.',
      config: { abortSignal: controller.signal, maxOutputTokens: 40 },
    });
    let first: GenerateContentResponse | undefined;
    const error = await (async () => {
      for await (const chunk of stream) {
        first ??= chunk;
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ errorType: 'AbortError', served: true, usageSource: 'estimated' });
    expect(f.records[0]?.usage.input).toBe(first?.usageMetadata?.promptTokenCount);
    expect(f.records[0]?.usage.output).toBe(first?.usageMetadata?.candidatesTokenCount);
  });

  it('records a stream the server cut off as served with its error and usage missing, never a partial count', async () => {
    f = await geminiFixture();
    const stream = await f.client.models.generateContentStream({
      model: 'gemini-2.0-flash:fault=cutoff',
      contents: 'Cut me off.',
      config: { maxOutputTokens: 40 },
    });
    const error = await drain(stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ served: true, usageSource: 'missing' });
    expect(f.records[0]?.errorType).toBe((error as Error).constructor.name);
  });

  it('records a stream abandoned with break before its last chunk as usage missing, without an error', async () => {
    f = await geminiFixture({ latency: { chunkIntervalMs: 5 } });
    const stream = await f.client.models.generateContentStream({
      model: 'gemini-2.0-flash',
      contents: 'Stop early.',
      config: { maxOutputTokens: 40 },
    });
    for await (const _chunk of stream) break;
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ served: true, usageSource: 'missing' });
    expect(f.records[0]?.errorType).toBeUndefined();
  });

  it('rejects a streaming 429 with ApiError before any chunk and records it unserved', async () => {
    f = await geminiFixture();
    await expect(
      f.client.models.generateContentStream({ model: 'gemini-2.0-flash:fault=429', contents: 'Hi' }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(f.records[0]).toMatchObject({ errorType: 'ApiError', served: false, streaming: true });
  });
});

describe('instrumentGoogleGenAI: models.embedContent', () => {
  it('records a Gemini API batch embedding as served with usage missing, since the client drops its usage', async () => {
    f = await geminiFixture();
    const response = await f.client.models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['first document', 'second document'],
    });
    expect(response.embeddings).toHaveLength(2);
    expect(f.records[0]).toMatchObject({ operation: 'embeddings', usageSource: 'missing', served: true });
    expect(f.sim.ledger().served.totals.embeddings).toBeGreaterThan(0);
    const missing = (await points(f.reader, COST_METRIC.unpricedUsage)).filter(
      (p) => p.attributes[ATTR.unpricedReason] === 'usage_missing',
    );
    expect(missing.reduce((s, p) => s + p.value, 0)).toBe(1);
  });

  it('records a Vertex AI embedding with its token count as input, on provider gcp.vertex_ai', async () => {
    f = await geminiFixture({ vertexai: true });
    const response = await f.client.models.embedContent({
      model: 'gemini-embedding-2',
      contents: 'one document',
    });
    const tokens = response.embeddings?.[0]?.statistics?.tokenCount;
    expect(tokens).toBe(f.sim.ledger().served.totals.embeddings);
    expect(await total(f.reader, METRIC.inputTokens, { [ATTR.providerName]: 'gcp.vertex_ai' })).toBe(tokens);
    expect(f.records[0]).toMatchObject({
      operation: 'embeddings',
      usageSource: 'provider',
      provider: 'gcp.vertex_ai',
    });
  });

  it('prices Vertex AI generateContent from the Google catalog under gcp.vertex_ai', async () => {
    f = await geminiFixture({ vertexai: true });
    await f.client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Vertex hello' });
    expect(await counters(f)).toEqual(served(f));
    const ledger = f.sim.ledger().served.models['gemini-2.0-flash'];
    if (!ledger) throw new Error('no ledger entry');
    expect(
      Math.abs((await total(f.reader, COST_METRIC.cost)) - publishedUsd('gemini-2.0-flash', ledger)),
    ).toBeLessThan(1e-9);
  });
});

describe('instrumentGoogleGenAI: pre-call decisions', () => {
  it('sends nothing and rejects with the processor error when a processor rejects the request', async () => {
    const budget = new Error('budget exceeded');
    f = await geminiFixture({
      processors: [{ onUsage() {}, beforeCall: () => ({ action: 'reject', error: budget }) }],
    });
    await expect(f.client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' })).rejects.toBe(
      budget,
    );
    expect(f.sim.ledger().requests).toEqual([]);
    expect(f.records).toEqual([]);
  });

  it('sends a copy with the model and output cap a processor chose, leaving the caller params unchanged', async () => {
    const seen: { model: string; maxOutputTokens: number | undefined; content: Record<string, unknown> }[] =
      [];
    f = await geminiFixture({
      processors: [
        {
          onUsage() {},
          beforeCall: (r) => {
            seen.push({ model: r.model, maxOutputTokens: r.maxOutputTokens, content: { ...r.content } });
            return { action: 'modify', model: 'gemini-2.0-flash', maxOutputTokens: 7 };
          },
        },
      ],
    });
    const params = { model: 'gemini-2.5-flash', contents: 'Cap me.', config: { maxOutputTokens: 100 } };
    const response = await f.client.models.generateContent(params);
    expect(params).toEqual({
      model: 'gemini-2.5-flash',
      contents: 'Cap me.',
      config: { maxOutputTokens: 100 },
    });
    expect(seen[0]).toMatchObject({ model: 'gemini-2.5-flash', maxOutputTokens: 100 });
    expect(seen[0]?.content['contents']).toBeDefined();
    expect(response.modelVersion).toBe('gemini-2.0-flash');
    expect(response.usageMetadata?.candidatesTokenCount).toBe(7);
    expect(f.records[0]).toMatchObject({ requestModel: 'gemini-2.0-flash' });
    expect(Object.keys(f.sim.ledger().served.models)).toEqual(['gemini-2.0-flash']);
  });
});

describe('instrumentGoogleGenAI: setup', () => {
  it('wraps instance properties of models, not the prototype, and only once', async () => {
    f = await geminiFixture();
    const proto = Object.getPrototypeOf(f.client.models) as Record<string, unknown>;
    const before = proto['generateContentInternal'];
    instrumentGoogleGenAI(f.client, { recorder: f.recorder });
    expect(proto['generateContentInternal']).toBe(before);
    expect(Object.hasOwn(f.client.models, 'generateContentInternal')).toBe(true);
    expect(Object.hasOwn(f.bare.models, 'generateContentInternal')).toBe(false);
    await f.client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Once?' });
    expect(f.records).toHaveLength(1);
  });
});
