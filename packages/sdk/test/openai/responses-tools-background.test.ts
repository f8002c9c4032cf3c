import { ATTR, METRIC } from '@burnrate/semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withAttributes } from '../../src/index.js';
import { RecordedResponses } from '../../src/openai/built-in-tools.js';
import { points, sumWhere, total } from '../helpers/metrics.js';
import { type OpenAIFixture, openaiFixture } from '../helpers/openai-fixture.js';

const TOOLS = [
  { type: 'web_search' as const },
  { type: 'file_search' as const, vector_store_ids: ['vs_1'] },
  { type: 'code_interpreter' as const, container: { type: 'auto' as const, memory_limit: '4g' as const } },
];

describe('instrumentOpenAI: Responses API built-in tools', () => {
  let f: OpenAIFixture;
  beforeEach(async () => {
    f = await openaiFixture();
  });
  afterEach(() => f.close());

  it('counts built-in tool calls by tool type, and code-interpreter containers on the record', async () => {
    const res = await f.client.responses.create({ model: 'gpt-4.1', input: 'research this', tools: TOOLS });
    expect(res.output_text.length).toBeGreaterThan(0);
    const ledger = f.sim.ledger().served;
    const calls = await points(f.reader, METRIC.toolCalls);
    for (const [tool, n] of Object.entries(ledger.units.totals.tool_calls ?? {})) {
      expect(sumWhere(calls, { [ATTR.toolType]: tool, [ATTR.requestModel]: 'gpt-4.1' })).toBe(n);
    }
    expect(sumWhere(calls)).toBe(5);
    expect(f.records[0]?.units).toEqual({
      toolCalls: { web_search: 2, file_search: 1, code_interpreter: 2 },
      containers: [{ count: ledger.units.totals.containers, memoryLimit: '4g' }],
    });
    expect(await total(f.reader, METRIC.inputTokens)).toBe(ledger.totals.input);
  });

  it('counts web_search_preview calls under their own tool type, from a stream’s completed response', async () => {
    const stream = await f.client.responses.create({
      model: 'gpt-4o',
      input: 'news?',
      tools: [{ type: 'web_search_preview' }],
      stream: true,
    });
    for await (const _ of stream) {
      // drain
    }
    expect(await total(f.reader, METRIC.toolCalls, { [ATTR.toolType]: 'web_search_preview' })).toBe(2);
    expect(await total(f.reader, METRIC.toolCalls, { [ATTR.toolType]: 'web_search' })).toBe(0);
    expect(f.records[0]?.streaming).toBe(true);
  });

  it('counts calls in an explicit container but no container: it was billed when it was created', async () => {
    await f.client.responses.create({
      model: 'gpt-4.1',
      input: 'run it',
      tools: [{ type: 'code_interpreter', container: 'cntr_mine' }],
    });
    expect(f.records[0]?.units).toEqual({ toolCalls: { code_interpreter: 2 } });
    expect(f.sim.ledger().served.units.totals.containers).toBeUndefined();
  });
});

describe('instrumentOpenAI: background responses and compaction', () => {
  let f: OpenAIFixture;
  beforeEach(async () => {
    f = await openaiFixture();
  });
  afterEach(() => f.close());

  it('records a background response once, as its create call, when a retrieve returns it finished', async () => {
    // The create carries the caller's attributes; the poller that retrieves it does not.
    const created = await withAttributes({ feature: 'reports' }, () =>
      f.client.responses.create({
        model: 'gpt-4.1',
        input: 'a long job',
        background: true,
        tools: [{ type: 'web_search' }],
      }),
    );
    expect(created.status).toBe('queued');
    expect(f.records).toHaveLength(0);
    const polls: string[] = [];
    for (let i = 0; i < 4; i++) polls.push((await f.client.responses.retrieve(created.id)).status ?? '');
    expect(polls).toEqual(['in_progress', 'completed', 'completed', 'completed']);
    expect(f.records).toHaveLength(1);
    const ledger = f.sim.ledger();
    expect(ledger.reported.totals).toEqual(ledger.served.totals);
    expect(await total(f.reader, METRIC.inputTokens, { feature: 'reports' })).toBe(
      ledger.served.totals.input,
    );
    expect(await total(f.reader, METRIC.outputTokens)).toBe(ledger.served.totals.output);
    expect(await total(f.reader, METRIC.toolCalls, { feature: 'reports' })).toBe(2);
    expect(f.records[0]).toMatchObject({
      operation: 'chat',
      requestModel: 'gpt-4.1',
      usageSource: 'provider',
    });
  });

  it('records nothing for a retrieve of a response that was not created in the background', async () => {
    const res = await f.client.responses.create({ model: 'gpt-4.1', input: 'quick' });
    expect(f.records).toHaveLength(1);
    const again = await f.client.responses.retrieve(res.id);
    expect(again.usage).toEqual(res.usage);
    expect(f.records).toHaveLength(1);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(f.sim.ledger().served.totals.input);
  });

  it('records a background response streamed to its end once, not again when it is retrieved', async () => {
    const stream = await f.client.responses.create({
      model: 'gpt-4.1',
      input: 'stream the job',
      background: true,
      stream: true,
    });
    let id = '';
    for await (const ev of stream) if (ev.type === 'response.completed') id = ev.response.id;
    const again = await f.client.responses.retrieve(id);
    expect(again.status).toBe('completed');
    expect(again.background).toBe(true);
    expect(f.records).toHaveLength(1);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(f.sim.ledger().served.totals.input);
  });

  it('meters responses.compact as its own operation in tokens', async () => {
    const res = await f.client.responses.compact({ model: 'gpt-5', input: 'a long conversation to compact' });
    expect(res.object).toBe('response.compaction');
    expect(await total(f.reader, METRIC.inputTokens, { [ATTR.operationName]: 'compaction' })).toBe(
      f.sim.ledger().served.totals.input,
    );
    expect(await total(f.reader, METRIC.outputTokens)).toBe(res.usage.output_tokens);
  });

  it('remembers at most its limit of recorded background responses, oldest forgotten first', () => {
    const seen = new RecordedResponses(2);
    expect([seen.claim('a'), seen.claim('b'), seen.claim('a'), seen.claim('c')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(seen.size).toBe(2);
    expect(seen.claim('a')).toBe(true);
    expect(seen.claim('c')).toBe(false);
  });
});
