import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countTextTokens, type Simulator, startSimulator } from '../src/index.js';
import { PromptCache } from '../src/prompt-cache.js';
import { clientFor, longText } from './helpers.js';

describe('PromptCache', () => {
  const tokens = (n: number, tail = 0): number[] => [...Array.from({ length: n }, (_, i) => i), tail];

  it('caches nothing the first time it sees a prompt', () => {
    expect(new PromptCache().lookupAndStore('m', tokens(2000))).toBe(0);
  });

  it('caches the shared prefix rounded down to a multiple of 128', () => {
    const cache = new PromptCache();
    cache.lookupAndStore('m', tokens(1300, -1));
    expect(cache.lookupAndStore('m', tokens(1300, -2))).toBe(1280);
    // The longest shared prefix with any earlier prompt counts: 1100 tokens, so 1024 are cached.
    expect(cache.lookupAndStore('m', tokens(1100, -3))).toBe(1024);
  });

  it('needs a shared prefix of at least 1024 tokens', () => {
    const cache = new PromptCache();
    cache.lookupAndStore('m', tokens(1023, -1));
    expect(cache.lookupAndStore('m', tokens(1023, -2))).toBe(0);
    cache.lookupAndStore('m', tokens(1024, -1));
    expect(cache.lookupAndStore('m', tokens(1024, -2))).toBe(1024);
  });

  it('keeps prompts of different models apart', () => {
    const cache = new PromptCache();
    cache.lookupAndStore('a', tokens(1500));
    expect(cache.lookupAndStore('b', tokens(1500))).toBe(0);
  });
});

describe('prompt caching over HTTP', () => {
  let sim: Simulator;
  let client: OpenAI;
  const system = longText(150);
  const systemTokens = countTextTokens(system);
  // Shared prefix: system message (3 + its tokens) and the user message's 3 framing tokens; the two
  // user questions differ from their first token on.
  const sharedPrefix = 3 + systemTokens + 3;
  const expectedCached = Math.floor(sharedPrefix / 128) * 128;

  beforeAll(async () => {
    sim = await startSimulator();
    client = clientFor(sim);
  });
  beforeEach(() => {
    sim.resetPromptCache();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('uses a system prompt well over 1024 tokens', () => {
    expect(systemTokens).toBeGreaterThan(1200);
    expect(expectedCached % 128).toBe(0);
    expect(expectedCached).toBeGreaterThanOrEqual(1024);
  });

  it('reports cached tokens on the second call with a long shared prefix and not on the first', async () => {
    const first = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: 'Summarise the first half.' },
      ],
    });
    const second = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: 'List every number mentioned.' },
      ],
    });
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(expectedCached);
    expect(second.usage?.prompt_tokens).toBe(
      sharedPrefix + countTextTokens('List every number mentioned.') + 3,
    );
  });

  it('does not cache a repeated prompt for another model', async () => {
    const request = { messages: [{ role: 'user' as const, content: system }] };
    await client.chat.completions.create({ model: 'gpt-4o', ...request });
    const other = await client.chat.completions.create({ model: 'gpt-4.1', ...request });
    expect(other.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });

  it('does not cache a repeated prompt shorter than 1024 tokens', async () => {
    const request = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: longText(20) }] };
    await client.chat.completions.create(request);
    const again = await client.chat.completions.create(request);
    expect(again.usage?.prompt_tokens).toBeLessThan(1024);
    expect(again.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });

  it('reports cached input tokens in the responses API', async () => {
    const first = await client.responses.create({ model: 'gpt-5-mini', instructions: system, input: 'One.' });
    const second = await client.responses.create({
      model: 'gpt-5-mini',
      instructions: system,
      input: 'Two.',
    });
    expect(first.usage?.input_tokens_details.cached_tokens).toBe(0);
    expect(second.usage?.input_tokens_details.cached_tokens).toBe(expectedCached);
  });

  it('counts cached tokens in the streamed usage chunk and in the ledger', async () => {
    sim.resetLedger();
    const request = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system' as const, content: system },
        { role: 'user' as const, content: 'Again.' },
      ],
      stream: true as const,
      stream_options: { include_usage: true },
    };
    for (let i = 0; i < 2; i++) {
      const stream = await client.chat.completions.create(request);
      for await (const _ of stream) {
        // drain
      }
    }
    const ledger = sim.ledger();
    // The identical prompt shares every token: all of it, rounded down to 128, is cached.
    const promptTokens = sharedPrefix + countTextTokens('Again.') + 3;
    expect(ledger.reported.models['gpt-4o-mini']?.cached_input).toBe(Math.floor(promptTokens / 128) * 128);
    expect(ledger.reported.models['gpt-4o-mini']?.input).toBe(2 * promptTokens);
  });
});
