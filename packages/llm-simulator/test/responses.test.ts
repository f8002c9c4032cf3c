import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countPromptTokens,
  countTextTokens,
  responsesInputMessages,
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

const instructions = 'Answer in one sentence.';
const input = 'What does a prompt cache save?';
const expectedInput = 3 + countTextTokens(instructions) + 3 + countTextTokens(input) + 3;

describe('POST /v1/responses', () => {
  it('reports input tokens equal to the documented tokenizer count', async () => {
    const response = await client.responses.create({ model: 'gpt-4.1', instructions, input });
    expect(countPromptTokens(responsesInputMessages(input, instructions))).toBe(expectedInput);
    expect(response.usage?.input_tokens).toBe(expectedInput);
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(0);
  });

  it('returns a response whose output_text has exactly output_tokens tokens', async () => {
    const response = await client.responses.create({ model: 'gpt-4.1', input, max_output_tokens: 21 });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.model).toBe('gpt-4.1-2025-04-14');
    const message = response.output.find((item) => item.type === 'message');
    expect(message?.type === 'message' && message.content[0]?.type).toBe('output_text');
    expect(response.usage?.output_tokens).toBe(21);
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(0);
    expect(response.usage?.total_tokens).toBe((response.usage?.input_tokens ?? 0) + 21);
    expect(countTextTokens(response.output_text)).toBe(21);
  });

  it('counts input items with roles and content parts like chat messages', async () => {
    const response = await client.responses.create({
      model: 'gpt-4.1',
      input: [{ role: 'user', content: [{ type: 'input_text', text: input }] }],
    });
    expect(response.usage?.input_tokens).toBe(3 + countTextTokens(input) + 3);
  });

  it('adds a reasoning item and counts reasoning tokens inside output tokens for gpt-5', async () => {
    const response = await client.responses.create({ model: 'gpt-5', input, max_output_tokens: 64 });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.usage?.output_tokens).toBe(64);
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(32);
    expect(countTextTokens(response.output_text)).toBe(32);
  });

  it('streams typed events that the client helper assembles into the final response with usage', async () => {
    const stream = client.responses.stream({ model: 'gpt-4.1', instructions, input });
    const types: string[] = [];
    let deltas = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
    }
    const final = await stream.finalResponse();
    const plain = await client.responses.create({ model: 'gpt-4.1', instructions, input });
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types.at(-1)).toBe('response.completed');
    expect(types.filter((t) => t === 'response.completed')).toHaveLength(1);
    expect(types.filter((t) => t === 'response.output_text.delta').length).toBeGreaterThan(1);
    expect(final.usage).toEqual(plain.usage);
    expect(final.output_text).toBe(plain.output_text);
    expect(deltas).toBe(plain.output_text);
  });

  it('streams with create({ stream: true }) and carries usage only on response.completed', async () => {
    const stream = await client.responses.create({ model: 'o3', input, stream: true, max_output_tokens: 40 });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const sequence = events.map((e) => e.sequence_number);
    expect(sequence).toEqual(events.map((_, i) => i));
    const created = events[0];
    expect(created?.type === 'response.created' && created.response.usage).toBeNull();
    const completed = events.at(-1);
    expect(completed?.type).toBe('response.completed');
    if (completed?.type !== 'response.completed') throw new Error('unreachable');
    expect(completed.response.usage).toEqual({
      input_tokens: 3 + countTextTokens(input) + 3,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 20 },
      total_tokens: 3 + countTextTokens(input) + 3 + 40,
    });
  });

  it('rejects a request without input with a 400 BadRequestError', async () => {
    await expect(client.responses.create({ model: 'gpt-4.1' })).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });
});
