import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countPromptTokens, countTextTokens, type Simulator, startSimulator } from '../src/index.js';
import { longText } from './helpers.js';

let sim: Simulator;
let base: string;

beforeAll(async () => {
  sim = await startSimulator();
  base = sim.anthropicUrl;
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.resetLedger();
  sim.resetPromptCache();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: test reads untyped JSON
type Json = any;

const user = (text: string): Json => ({ role: 'user', parts: [{ text }] });

describe('Gemini REST: generateContent', () => {
  it('answers with candidates, usageMetadata, modelVersion and responseId, and the ledger matches', async () => {
    const res = await post('/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('Tell me about budgets.')],
    });
    expect(res.status).toBe(200);
    const body: Json = await res.json();
    const prompt = countPromptTokens([{ role: 'user', content: ['Tell me about budgets.'] }]);
    expect(body.usageMetadata.promptTokenCount).toBe(prompt);
    expect(body.usageMetadata.thoughtsTokenCount).toBeUndefined();
    expect(body.usageMetadata.totalTokenCount).toBe(prompt + body.usageMetadata.candidatesTokenCount);
    expect(body.candidates[0].content.role).toBe('model');
    expect(body.candidates[0].finishReason).toBe('STOP');
    expect(typeof body.candidates[0].content.parts[0].text).toBe('string');
    expect(body.modelVersion).toBe('gemini-2.0-flash');
    expect(body.responseId).toMatch(/^gemini-resp-/);
    const ledger = sim.ledger();
    expect(ledger.served.models['gemini-2.0-flash']).toMatchObject({
      requests: 1,
      input: prompt,
      output: body.usageMetadata.candidatesTokenCount,
      reasoning: 0,
    });
    expect(ledger.reported.totals.input).toBe(prompt);
  });

  it('counts thoughts of a thinking model apart from candidates, and the ledger output includes them', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [user('Think first.')],
      generationConfig: { maxOutputTokens: 40 },
    });
    const u: Json = ((await res.json()) as Json).usageMetadata;
    expect(u.thoughtsTokenCount).toBe(20);
    expect(u.candidatesTokenCount).toBe(20);
    expect(u.totalTokenCount).toBe(u.promptTokenCount + 40);
    expect(sim.ledger().served.totals).toMatchObject({ output: 40, reasoning: 20 });
  });

  it('turns thinking off with thinkingBudget 0', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:generateContent', {
      contents: [user('No thinking.')],
      generationConfig: { maxOutputTokens: 12, thinkingConfig: { thinkingBudget: 0 } },
    });
    const u: Json = ((await res.json()) as Json).usageMetadata;
    expect(u.thoughtsTokenCount).toBeUndefined();
    expect(u.candidatesTokenCount).toBe(12);
  });

  it('reports a repeated long prompt as cachedContentTokenCount inside promptTokenCount', async () => {
    const contents = [user(longText(200))];
    await post('/v1beta/models/gemini-2.5-pro:generateContent', { contents });
    const res = await post('/v1beta/models/gemini-2.5-pro:generateContent', { contents });
    const u: Json = ((await res.json()) as Json).usageMetadata;
    expect(u.cachedContentTokenCount).toBeGreaterThanOrEqual(1024);
    expect(u.cachedContentTokenCount % 128).toBe(0);
    expect(u.cachedContentTokenCount).toBeLessThanOrEqual(u.promptTokenCount);
    const ledger = sim.ledger();
    expect(ledger.served.totals.cached_input).toBe(u.cachedContentTokenCount);
  });

  it('adds toolUsePromptTokenCount for a built-in tool, counted as input by the ledger', async () => {
    const res = await post('/v1beta/models/gemini-2.0-flash:generateContent', {
      contents: [user('Search the web.')],
      tools: [{ googleSearch: {} }],
    });
    const u: Json = ((await res.json()) as Json).usageMetadata;
    expect(u.toolUsePromptTokenCount).toBe(64);
    expect(u.totalTokenCount).toBe(u.promptTokenCount + 64 + u.candidatesTokenCount);
    expect(sim.ledger().served.totals.input).toBe(u.promptTokenCount + 64);
  });

  it('calls the first declared function, then answers in text once the function responded', async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'getWeather',
            parameters: {
              type: 'OBJECT',
              properties: { city: { type: 'STRING' }, days: { type: 'INTEGER' } },
            },
          },
        ],
      },
    ];
    const first: Json = await (
      await post('/v1beta/models/gemini-2.0-flash:generateContent', { contents: [user('Weather?')], tools })
    ).json();
    const call = first.candidates[0].content.parts[0].functionCall;
    expect(call).toEqual({ name: 'getWeather', args: { city: 'sim', days: 1 } });
    expect(first.usageMetadata.candidatesTokenCount).toBe(countTextTokens(JSON.stringify(call)));
    const second: Json = await (
      await post('/v1beta/models/gemini-2.0-flash:generateContent', {
        contents: [
          user('Weather?'),
          first.candidates[0].content,
          { role: 'user', parts: [{ functionResponse: { name: 'getWeather', response: { temp: 20 } } }] },
        ],
        tools,
      })
    ).json();
    expect(typeof second.candidates[0].content.parts[0].text).toBe('string');
    expect(sim.ledger().served.totals.requests).toBe(2);
  });

  it('serves Vertex AI paths (projects/…/publishers/google/models/…) the same way', async () => {
    const res = await post(
      '/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent',
      { contents: [user('Hi')] },
    );
    expect(res.status).toBe(200);
    expect(Object.keys(sim.ledger().served.models)).toEqual(['gemini-2.0-flash']);
  });

  it("answers a 429 fault in Google's error shape and counts no tokens", async () => {
    const res = await post(
      '/v1beta/models/gemini-2.0-flash:generateContent',
      { contents: [user('Hi')] },
      { 'x-burnrate-fault': '429' },
    );
    expect(res.status).toBe(429);
    const body: Json = await res.json();
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(typeof body.error.message).toBe('string');
    const ledger = sim.ledger();
    expect(ledger.errors).toEqual({ '429': 1 });
    expect(ledger.served.totals.requests).toBe(0);
  });

  it('reads a fault from the model name in the path', async () => {
    const res = await post('/v1beta/models/gemini-2.0-flash:fault=500:generateContent', {
      contents: [user('Hi')],
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as Json).error.status).toBe('INTERNAL');
  });
});

describe('Gemini REST: streamGenerateContent?alt=sse', () => {
  it('streams chunks whose usageMetadata grows to the final counts on the STOP chunk', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      contents: [user('Stream it.')],
      generationConfig: { maxOutputTokens: 30 },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const chunks: Json[] = text
      .split('\n\n')
      .filter((f) => f.startsWith('data: '))
      .map((f) => JSON.parse(f.slice(6)));
    expect(chunks.length).toBeGreaterThan(1);
    const last = chunks[chunks.length - 1];
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.usageMetadata).toMatchObject({ candidatesTokenCount: 15, thoughtsTokenCount: 15 });
    for (const c of chunks.slice(0, -1)) expect(c.candidates[0].finishReason).toBeUndefined();
    const ledger = sim.ledger();
    expect(ledger.served.totals).toMatchObject({ output: 30, reasoning: 15 });
    expect(ledger.requests[0]?.stream).toBe(true);
    expect(ledger.reported.totals.requests).toBe(1);
  });
});

describe('Gemini REST: embeddings', () => {
  it('batchEmbedContents returns one vector per request and counts every request in the ledger', async () => {
    const texts = ['first document', 'a second, longer document about budgets'];
    const res = await post('/v1beta/models/gemini-embedding-001:batchEmbedContents', {
      requests: texts.map((t) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text: t }] },
        outputDimensionality: 4,
      })),
    });
    const body: Json = await res.json();
    expect(body.embeddings).toHaveLength(2);
    expect(body.embeddings[0].values).toHaveLength(4);
    const tokens = countTextTokens(texts[0] ?? '') + countTextTokens(texts[1] ?? '');
    expect(body.usageMetadata.promptTokenCount).toBe(tokens);
    expect(sim.ledger().served.totals).toMatchObject({ input: tokens, embeddings: tokens, output: 0 });
  });

  it('embedContent embeds one content', async () => {
    const res = await post('/v1beta1/publishers/google/models/gemini-embedding-001:embedContent', {
      content: { parts: [{ text: 'one document' }] },
    });
    const body: Json = await res.json();
    expect(body.embedding.values).toHaveLength(8);
    expect(body.usageMetadata.promptTokenCount).toBe(countTextTokens('one document'));
  });
});

describe('Mistral on the shared routes', () => {
  it('streams a Mistral chat with the usage on the finish chunk, without stream_options', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const frames = (await res.text()).split('\n\n').filter((f) => f.startsWith('data: '));
    expect(frames[frames.length - 1]).toBe('data: [DONE]');
    const last: Json = JSON.parse(frames[frames.length - 2]?.slice(6) ?? '{}');
    expect(last.choices[0].finish_reason).toBe('stop');
    const served = sim.ledger().served.totals;
    expect(last.usage).toEqual({
      prompt_tokens: served.input,
      completion_tokens: served.output,
      total_tokens: served.input + served.output,
    });
    expect(sim.ledger().reported.totals.requests).toBe(1);
  });

  it('keeps OpenAI stream behaviour for a Mistral model when the request sends stream_options (an openai client)', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'mistral-7b-instruct',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const frames = (await res.text()).split('\n\n').filter((f) => f.startsWith('data: '));
    const usageChunk: Json = JSON.parse(frames[frames.length - 2]?.slice(6) ?? '{}');
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage.prompt_tokens_details).toBeDefined();
    const finish: Json = JSON.parse(frames[frames.length - 3]?.slice(6) ?? '{}');
    expect(finish.choices[0].finish_reason).toBe('stop');
    expect(finish.usage).toBeNull();
  });

  it('serves /v1/fim/completions with prompt + suffix tokens as prompt_tokens', async () => {
    const res = await post('/v1/fim/completions', {
      model: 'codestral-latest',
      prompt: 'def add(a, b):',
      suffix: 'return result',
      max_tokens: 9,
    });
    const body: Json = await res.json();
    const prompt = countTextTokens('def add(a, b):') + countTextTokens('return result');
    expect(body.usage).toEqual({ prompt_tokens: prompt, completion_tokens: 9, total_tokens: prompt + 9 });
    expect(body.choices[0].message.role).toBe('assistant');
    expect(sim.ledger().served.models['codestral-latest']).toMatchObject({ input: prompt, output: 9 });
  });

  it('gives Mistral embeddings responses an id', async () => {
    const res = await post('/v1/embeddings', { model: 'mistral-embed', input: ['a', 'b'] });
    const body: Json = await res.json();
    expect(body.id).toMatch(/^embd-/);
  });
});
