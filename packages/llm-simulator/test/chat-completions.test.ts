import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPromptTokens, countTextTokens, type Simulator, startSimulator } from '../src/index.js';
import { clientFor } from './helpers.js';

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator();
  client = clientFor(sim);
});

afterAll(async () => {
  await sim.close();
});

const messages = [
  { role: 'system' as const, content: 'You answer questions about cloud bills.' },
  { role: 'user' as const, content: 'Why did our token spend double last week?' },
];

describe('POST /v1/chat/completions', () => {
  it('reports prompt tokens equal to the documented tokenizer count', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const expected =
      3 + countTextTokens(messages[0]!.content) + 3 + countTextTokens(messages[1]!.content) + 3;
    expect(countPromptTokens(messages)).toBe(expected);
    expect(completion.usage?.prompt_tokens).toBe(expected);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });

  it('returns a chat.completion whose content has exactly completion_tokens tokens', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini-2024-07-18');
    expect(completion.service_tier).toBe('default');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const content = completion.choices[0]?.message.content ?? '';
    const usage = completion.usage!;
    expect(countTextTokens(content)).toBe(usage.completion_tokens);
    expect(usage.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.completion_tokens).toBeGreaterThanOrEqual(16);
    expect(usage.completion_tokens).toBeLessThanOrEqual(64);
  });

  it('answers the same prompt with the same text and usage every time', async () => {
    const a = await client.chat.completions.create({ model: 'gpt-4o', messages });
    const b = await client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(b.choices[0]?.message.content).toBe(a.choices[0]?.message.content);
    expect(b.usage).toEqual(a.usage);
  });

  it('produces exactly max_completion_tokens, or max_tokens, output tokens', async () => {
    const a = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      max_completion_tokens: 9,
    });
    expect(a.usage?.completion_tokens).toBe(9);
    expect(countTextTokens(a.choices[0]?.message.content ?? '')).toBe(9);
    const b = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 5 });
    expect(b.usage?.completion_tokens).toBe(5);
  });

  it('counts reasoning tokens for o3 inside completion_tokens, half of them rounded down', async () => {
    const completion = await client.chat.completions.create({
      model: 'o3',
      messages,
      max_completion_tokens: 101,
    });
    const usage = completion.usage!;
    expect(completion.model).toBe('o3-2025-04-16');
    expect(usage.completion_tokens).toBe(101);
    expect(usage.completion_tokens_details?.reasoning_tokens).toBe(50);
    expect(countTextTokens(completion.choices[0]?.message.content ?? '')).toBe(51);
  });

  it('counts reasoning tokens for gpt-5 with a seeded output length', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-5', messages });
    const usage = completion.usage!;
    const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? -1;
    expect(reasoning).toBe(Math.floor(usage.completion_tokens / 2));
    expect(reasoning).toBeGreaterThan(0);
    expect(countTextTokens(completion.choices[0]?.message.content ?? '')).toBe(
      usage.completion_tokens - reasoning,
    );
  });

  it('echoes a requested service tier', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      service_tier: 'flex',
    });
    expect(completion.service_tier).toBe('flex');
  });

  it('rejects a request without messages with a 400 BadRequestError', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [] })).rejects.toMatchObject({
      status: 400,
      param: 'messages',
      type: 'invalid_request_error',
    });
  });
});

describe('streaming chat completions', () => {
  it('sends one final usage chunk with empty choices when include_usage is true', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const withUsage = chunks.filter((c) => c.usage !== null && c.usage !== undefined);
    expect(withUsage).toHaveLength(1);
    const last = chunks.at(-1)!;
    expect(last).toBe(withUsage[0]);
    expect(last.choices).toEqual([]);
    expect(chunks.slice(0, -1).every((c) => c.usage === null && c.choices.length === 1)).toBe(true);

    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(last.usage).toEqual(plain.usage);
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(countTextTokens(text)).toBe(last.usage?.completion_tokens);
  });

  it('sends no usage at all when include_usage is not set', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
  });

  it('splits the content into chunks of four tokens', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      max_completion_tokens: 10,
      stream: true,
    });
    const contents: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) contents.push(content);
    }
    expect(contents.map((c) => countTextTokens(c))).toEqual([4, 4, 2]);
  });

  it('streams reasoning usage for reasoning models', async () => {
    const stream = await client.chat.completions.create({
      model: 'o4-mini',
      messages,
      max_completion_tokens: 30,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    let text = '';
    for await (const chunk of stream) {
      usage = chunk.usage ?? usage;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(usage?.completion_tokens).toBe(30);
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(15);
    expect(countTextTokens(text)).toBe(15);
  });
});

describe('GET /v1/models', () => {
  it('lists known models for the openai client', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).toContain('text-embedding-3-small');
  });
});
