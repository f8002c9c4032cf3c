import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countTextTokens,
  DEFAULT_EMBEDDING_DIMENSIONS,
  type Simulator,
  startSimulator,
} from '../src/index.js';
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

describe('POST /v1/embeddings', () => {
  it('counts the tokens of a string input', async () => {
    const text = 'The quick brown fox jumped over the lazy dog';
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: text });
    expect(result.usage).toEqual({
      prompt_tokens: countTextTokens(text),
      total_tokens: countTextTokens(text),
    });
    expect(result.data).toHaveLength(1);
    expect(result.data[0]?.embedding).toHaveLength(DEFAULT_EMBEDDING_DIMENSIONS);
  });

  it('counts the sum of the tokens of an array input and returns one vector per item', async () => {
    const inputs = ['first document', 'a second, longer document about budgets', 'third'];
    const total = inputs.reduce((sum, s) => sum + countTextTokens(s), 0);
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: inputs });
    expect(result.usage.prompt_tokens).toBe(total);
    expect(result.usage.total_tokens).toBe(total);
    expect(result.data.map((d) => d.index)).toEqual([0, 1, 2]);
  });

  it('counts token-array inputs by their length', async () => {
    const one = await client.embeddings.create({ model: 'text-embedding-3-small', input: [1, 2, 3, 4] });
    expect(one.usage.prompt_tokens).toBe(4);
    const many = await client.embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2], [3]] });
    expect(many.usage.prompt_tokens).toBe(3);
    expect(many.data).toHaveLength(2);
  });

  it('returns the same unit vector for base64 (the client default) and float encodings', async () => {
    const request = { model: 'text-embedding-3-large', input: 'same text', dimensions: 16 };
    const viaBase64 = await client.embeddings.create(request);
    const viaFloat = await client.embeddings.create({ ...request, encoding_format: 'float' });
    const a = viaBase64.data[0]!.embedding;
    const b = viaFloat.data[0]!.embedding;
    expect(a).toHaveLength(16);
    expect(a).toEqual(b);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
  });

  it('rejects an empty input with a 400 BadRequestError', async () => {
    await expect(
      client.embeddings.create({ model: 'text-embedding-3-small', input: [] }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });
});
