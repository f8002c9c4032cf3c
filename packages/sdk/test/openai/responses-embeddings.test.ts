import { ATTR, METRIC } from '@burnrate/semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { points, sumWhere, total } from '../helpers/metrics.js';
import { LONG_SYSTEM_PROMPT, type OpenAIFixture, openaiFixture } from '../helpers/openai-fixture.js';

describe('instrumentOpenAI: responses and embeddings', () => {
  let f: OpenAIFixture;
  beforeEach(async () => {
    f = await openaiFixture();
  });
  afterEach(() => f.close());

  it('counts a non-streaming responses.create call, output_text intact', async () => {
    const res = await f.client.responses.create({
      model: 'gpt-4.1',
      input: 'Summarize our spend.',
      max_output_tokens: 25,
    });
    expect(res.output_text.length).toBeGreaterThan(0);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(res.usage?.input_tokens);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(25);
    const [p] = await points(f.reader, METRIC.outputTokens);
    expect(p?.attributes[ATTR.operationName]).toBe('chat');
    expect(p?.attributes[ATTR.requestModel]).toBe('gpt-4.1');
  });

  it('counts a streaming responses.create call from its response.completed event', async () => {
    const stream = await f.client.responses.create({
      model: 'gpt-5',
      input: [
        { role: 'system', content: LONG_SYSTEM_PROMPT },
        { role: 'user', content: 'Plan the quarter.' },
      ],
      max_output_tokens: 64,
      stream: true,
    });
    const types: string[] = [];
    let usage:
      | { input_tokens: number; output_tokens: number; output_tokens_details: { reasoning_tokens: number } }
      | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.completed') usage = ev.response.usage ?? undefined;
    }
    expect(types.at(-1)).toBe('response.completed');
    expect(usage?.output_tokens).toBe(64);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(usage?.input_tokens);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(64);
    expect(await total(f.reader, METRIC.reasoningTokens)).toBe(usage?.output_tokens_details.reasoning_tokens);
    expect(f.records[0]).toMatchObject({ streaming: true, usageSource: 'provider' });
  });

  it('meters client.beta.responses.create', async () => {
    const res = await f.client.beta.responses.create({
      model: 'gpt-4.1',
      input: 'Summarize our spend.',
      max_output_tokens: 11,
    });
    const stream = await f.client.beta.responses.create({
      model: 'gpt-4.1',
      input: 'Summarize our spend again.',
      max_output_tokens: 13,
      stream: true,
    });
    for await (const _ of stream) {
      // drain
    }
    expect(res.usage?.output_tokens).toBe(11);
    const served = f.sim.ledger().served.totals;
    expect(served.requests).toBe(2);
    expect(f.records.map((r) => [r.operation, r.streaming, r.usageSource])).toEqual([
      ['chat', false, 'provider'],
      ['chat', true, 'provider'],
    ]);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(served.output);
    expect(served.output).toBe(24);
  });

  it('meters the responses.stream() helper', async () => {
    const final = await f.client.responses
      .stream({ model: 'gpt-4.1-mini', input: 'hi', max_output_tokens: 7 })
      .finalResponse();
    expect(final.usage?.output_tokens).toBe(7);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(7);
  });

  it('counts embeddings input tokens and decodes vectors as the bare client does', async () => {
    const body = { model: 'text-embedding-3-small', input: ['cost per tenant', 'budget alerts fire early'] };
    const got = await f.client.embeddings.create(body);
    const want = await f.bare.embeddings.create(body);
    expect(got.data).toEqual(want.data);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(got.usage.prompt_tokens);
    const pts = await points(f.reader, METRIC.outputTokens);
    expect(sumWhere(pts, { [ATTR.operationName]: 'embeddings' })).toBe(0);
    expect(f.sim.ledger().served.totals.embeddings).toBe(2 * got.usage.prompt_tokens);
  });
});
