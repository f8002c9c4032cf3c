import Anthropic from '@anthropic-ai/sdk';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { ATTR, METRIC } from '@burnrate/semconv';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BurnrateError,
  type CallDecision,
  type CallRequest,
  createUsageRecorder,
  instrumentAnthropic,
  instrumentOpenAI,
  type LlmUsageRecord,
  type UsageProcessor,
  type UsageRecorder,
  withAttributes,
} from '../src/index.js';
import { points, privateMeter, type TestReader } from './helpers/metrics.js';

/** A processor that answers every call with `decide` and keeps what it saw. */
function deciding(decide: (r: CallRequest) => CallDecision | undefined) {
  const seen: CallRequest[] = [];
  const released: string[] = [];
  const records: LlmUsageRecord[] = [];
  const processor: UsageProcessor = {
    beforeCall(r) {
      seen.push(r);
      return decide(r);
    },
    releaseCall: (id) => released.push(id),
    onUsage: (r) => r.kind === 'llm' && records.push(r),
  };
  return { processor, seen, released, records };
}

class Blocked extends BurnrateError {}

describe('the pre-call hook: processors allow, modify or reject a call before it is sent', () => {
  let sim: Simulator;
  let reader: TestReader;
  let recorder: UsageRecorder;
  let warnings: string[];
  const make = (processors: UsageProcessor[]) => {
    const m = privateMeter();
    reader = m.reader;
    warnings = [];
    recorder = createUsageRecorder({
      meterProvider: m.meterProvider,
      processors,
      logger: { warn: (w) => warnings.push(w) },
    });
    return {
      openai: instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
        recorder,
      }),
      anthropic: instrumentAnthropic(
        new Anthropic({ baseURL: sim.anthropicUrl, apiKey: 'sk-ant-test', maxRetries: 0 }),
        { recorder },
      ),
    };
  };
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    await recorder?.shutdown();
    await sim.close();
  });

  it('rejects a call with the processor error and sends no request, also through withResponse()', async () => {
    const error = new Blocked('over budget');
    const p = deciding(() => ({ action: 'reject', error }));
    const { openai } = make([p.processor]);
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    await expect(openai.chat.completions.create(body)).rejects.toBe(error);
    await expect(openai.chat.completions.create(body).withResponse()).rejects.toBe(error);
    await expect(openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' }).asResponse()).rejects.toBe(
      error,
    );
    expect(sim.ledger().requests).toEqual([]);
    expect(p.records).toEqual([]);
  });

  it('shows processors the request: provider, operation, model, guarded attributes, cap and content', async () => {
    const p = deciding(() => undefined);
    const { openai } = make([p.processor]);
    const messages = [{ role: 'user' as const, content: 'count me' }];
    await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      max_tokens: 7,
    });
    expect(p.seen).toHaveLength(1);
    const [r] = p.seen;
    expect(r).toMatchObject({
      provider: '127.0.0.1',
      operation: 'chat',
      model: 'gpt-4o-mini',
      attributes: {},
      maxOutputTokens: 7,
      streaming: false,
      content: { messages },
    });
    expect(p.records[0]?.callId).toBe(r?.callId);
    expect(p.released).toEqual([]);
  });

  it('sends the modified model and output cap on the wire, in a copy, and records the model sent', async () => {
    const p = deciding(() => ({
      action: 'modify',
      model: 'gpt-4o-mini',
      maxOutputTokens: 5,
      attributes: { [ATTR.budget]: 'test' },
    }));
    const { openai } = make([p.processor]);
    const body = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 40 };
    const got = await openai.chat.completions.create(body);
    expect(body).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 40 });
    const [req] = sim.ledger().requests;
    expect(req?.model).toBe('gpt-4o-mini');
    // The simulator answers with exactly the cap it was sent.
    expect(req?.usage?.output).toBe(5);
    expect(got.usage?.completion_tokens).toBe(5);
    expect(p.records[0]).toMatchObject({ requestModel: 'gpt-4o-mini', callId: p.seen[0]?.callId });
    expect(p.records[0]?.attributes).toEqual({ [ATTR.budget]: 'test' });
    const input = await points(reader, METRIC.inputTokens);
    expect(input.map((pt) => pt.attributes[ATTR.requestModel])).toEqual(['gpt-4o-mini']);
  });

  it('puts a lowered cap in max_output_tokens for Responses and max_tokens for Anthropic', async () => {
    const p = deciding(() => ({ action: 'modify', maxOutputTokens: 3 }));
    const { openai, anthropic } = make([p.processor]);
    await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', max_output_tokens: 30 });
    await anthropic.messages.create({
      model: 'claude-sonnet-4-0',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello there, tell me a long story' }],
    });
    expect(sim.ledger().requests.map((r) => [r.endpoint, r.usage?.output])).toEqual([
      ['/v1/responses', 3],
      ['/v1/messages', 3],
    ]);
    expect(p.seen[1]).toMatchObject({ provider: '127.0.0.1', maxOutputTokens: 64 });
  });

  it('allows the call when a processor throws, and counts the failure in burnrate.telemetry.dropped', async () => {
    const p = deciding(() => {
      throw new Error('estimator broke');
    });
    const { openai } = make([p.processor]);
    const got = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4,
    });
    expect(got.usage?.completion_tokens).toBe(4);
    expect(sim.ledger().requests).toHaveLength(1);
    const dropped = await points(reader, METRIC.telemetryDropped);
    expect(dropped.find((d) => d.attributes[ATTR.dropCause] === 'processor')?.value).toBe(1);
    expect(
      warnings.some((w) => w.includes('UsageProcessor.beforeCall failed (Error: estimator broke)')),
    ).toBe(true);
  });

  it('allows the call when a decision is malformed (a promise, a reject without an Error)', async () => {
    const a = deciding(() => Promise.resolve({ action: 'allow' }) as unknown as CallDecision);
    const b = deciding(() => ({ action: 'reject', error: 'no' }) as unknown as CallDecision);
    const { openai } = make([a.processor, b.processor]);
    await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(sim.ledger().requests).toHaveLength(1);
  });

  it('releases what earlier processors took when a later one rejects the call', async () => {
    const first = deciding(() => ({ action: 'allow' }));
    const error = new Blocked('no');
    const second = deciding(() => ({ action: 'reject', error }));
    const { anthropic } = make([first.processor, second.processor]);
    await expect(
      anthropic.messages.create({
        model: 'claude-sonnet-4-0',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toBe(error);
    expect(first.released).toEqual([first.seen[0]?.callId]);
    expect(second.released).toEqual([]);
    expect(sim.ledger().requests).toEqual([]);
  });

  it('delivers a rejection to messages.stream() as the stream error (its cause), with nothing sent', async () => {
    const error = new Blocked('stream blocked');
    const p = deciding(() => ({ action: 'reject', error }));
    const { anthropic } = make([p.processor]);
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-0',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    // The helper wraps errors that are not its own in an AnthropicError whose cause is the original.
    const got = await stream.finalMessage().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(got).toBeInstanceOf(Anthropic.AnthropicError);
    expect((got as Error).cause).toBe(error);
    expect(sim.ledger().requests).toEqual([]);
  });

  it('guards caller attributes once per decided call: the record carries what the decision saw', async () => {
    const p = deciding(() => undefined);
    const { openai } = make([p.processor]);
    await withAttributes({ feature: 'search', unlisted: 'x' }, () =>
      openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(p.seen[0]?.attributes).toEqual({ feature: 'search' });
    expect(p.records[0]?.attributes).toBe(p.seen[0]?.attributes);
    const dropped = await points(reader, METRIC.telemetryDropped);
    expect(dropped.find((d) => d.attributes[ATTR.dropCause] === 'attribute_dropped')?.value).toBe(1);
  });

  it('delivers a rejection to the openai chat.completions.stream() helper, with nothing sent', async () => {
    const error = new Blocked('stream blocked');
    const p = deciding(() => ({ action: 'reject', error }));
    const { openai } = make([p.processor]);
    const stream = openai.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const got = await stream.finalChatCompletion().then(
      () => undefined,
      (e: unknown) => e,
    );
    // Like Anthropic's helper, openai's wraps an error that is not its own: the cause is the original.
    expect(got).toBeInstanceOf(OpenAI.OpenAIError);
    expect((got as Error).cause).toBe(error);
    expect(sim.ledger().requests).toEqual([]);
  });

  it('lets a later processor see the model an earlier one chose', async () => {
    const first = deciding(() => ({ action: 'modify', model: 'gpt-4o-mini' }));
    const second = deciding(() => undefined);
    const { openai } = make([first.processor, second.processor]);
    await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect(second.seen[0]?.model).toBe('gpt-4o-mini');
    expect(sim.ledger().requests[0]?.model).toBe('gpt-4o-mini');
  });
});
