import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAI as createOpenAI4 } from '@ai-sdk/openai-4';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { ATTR, METRIC } from '@burnrate/semconv';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { generateText as generateText7, wrapLanguageModel as wrapLanguageModel7 } from 'ai-7';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The cost processor depends on the sdk, so the sdk cannot list it as a dependency; its tests reach it by path.
import { BudgetExceededError } from '../../../cost-processor/src/budgets/budget-exceeded-error.js';
import { createCostProcessor } from '../../../cost-processor/src/index.js';
import type { PriceCardInput } from '../../../cost-processor/src/price-card/schema.js';
import {
  burnrateMiddleware,
  createUsageRecorder,
  type LlmUsageRecord,
  type UsageProcessor,
  type UsageRecorder,
} from '../../src/index.js';
import { privateMeter, type TestReader, total } from '../helpers/metrics.js';

const FAULT = 'x-burnrate-fault';
const CAP = 7;
/** gpt-4o-mini's published price, USD per 1M tokens (the catalog's). */
const MINI = { input: 0.15, output: 0.6 };

/**
 * Budgets of every action, each on its own feature: the tiny ones never fit a call; `capped` holds
 * about 40 input and 30 output tokens of gpt-4o-mini, so a call asking for 200 does not fit and one
 * of {@link CAP} does (the call is capped at `max_output_tokens`).
 */
const BUDGETS: PriceCardInput['budgets'] = [
  {
    name: 'blocked',
    amount: 1e-7,
    window: '1d',
    scope: { feature: 'blocked' },
    enforce: { action: 'block' },
  },
  {
    name: 'capped',
    amount: (40 * MINI.input + 30 * MINI.output) / 1e6,
    window: '1d',
    scope: { feature: 'capped' },
    enforce: { action: 'cap_output', max_output_tokens: CAP },
  },
  {
    name: 'downgraded',
    amount: 1e-7,
    window: '1d',
    scope: { feature: 'downgraded' },
    enforce: { action: 'downgrade', downgrade_to: 'gpt-4o-mini' },
  },
];

interface Fixture {
  sim: Simulator;
  reader: TestReader;
  recorder: UsageRecorder;
  records: LlmUsageRecord[];
  close(): Promise<void>;
}

async function fixture(processors: Partial<UsageProcessor>[] = []): Promise<Fixture> {
  const sim = await startSimulator({ faults: { retryAfterMs: 1 } });
  const { meterProvider, reader } = privateMeter();
  const records: LlmUsageRecord[] = [];
  const logger = { warn: () => {} };
  const recorder = createUsageRecorder({
    meterProvider,
    logger,
    processors: [
      ...processors.map((p): UsageProcessor => ({ ...p, onUsage: p.onUsage ?? (() => {}) })),
      createCostProcessor({ priceCard: { budgets: BUDGETS }, logger }),
      { onUsage: (r) => void (r.kind === 'llm' && records.push(r)) },
    ],
  });
  return {
    sim,
    reader,
    recorder,
    records,
    async close() {
      await recorder.shutdown();
      await sim.close();
    },
  };
}

const failure = (p: PromiseLike<unknown>): Promise<unknown> =>
  Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );

describe('burnrateMiddleware: budgets decide before doGenerate or doStream is called (ai 6)', () => {
  let f: Fixture;
  let openai: ReturnType<typeof createOpenAI>;
  beforeEach(async () => {
    f = await fixture();
    openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x' });
  });
  afterEach(() => f.close());

  const metered = (feature: string, model = 'gpt-4o-mini') =>
    wrapLanguageModel({
      model: openai.chat(model),
      middleware: burnrateMiddleware({ recorder: f.recorder, attributes: { feature } }),
    });

  it('rejects a blocked generateText call with BudgetExceededError and sends no request to the simulator', async () => {
    const error = await failure(generateText({ model: metered('blocked'), prompt: 'Where is my order?' }));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).budget).toBe('blocked');
    expect(f.sim.ledger().requests).toHaveLength(0);
    expect(f.records).toHaveLength(0);
  });

  it('ends a blocked streamText call with BudgetExceededError and sends no request to the simulator', async () => {
    const errors: unknown[] = [];
    const result = streamText({
      model: metered('blocked'),
      prompt: 'Where is my order?',
      onError: ({ error }) => void errors.push(error),
    });
    const parts: string[] = [];
    for await (const part of result.fullStream) parts.push(part.type);
    expect(parts).toContain('error');
    expect(errors[0]).toBeInstanceOf(BudgetExceededError);
    expect(f.sim.ledger().requests).toHaveLength(0);
    expect(f.records).toHaveLength(0);
  });

  it('sends a capped generateText call with the lowered maxOutputTokens, leaving the caller arguments unchanged', async () => {
    const args = { prompt: 'Where is my order?', maxOutputTokens: 200 };
    const result = await generateText({ model: metered('capped'), ...args });
    expect(args).toEqual({ prompt: 'Where is my order?', maxOutputTokens: 200 });
    expect(result.usage.outputTokens).toBe(CAP);
    expect(f.sim.ledger().requests.map((r) => r.usage?.output)).toEqual([CAP]);
    expect(f.records[0]).toMatchObject({
      usage: { output: CAP },
      attributes: { feature: 'capped', [ATTR.budgetAction]: 'cap_output' },
    });
    expect(typeof f.records[0]?.callId).toBe('string');
  });

  it('caps a streamText call that set no maxOutputTokens at max_output_tokens', async () => {
    const result = streamText({ model: metered('capped'), prompt: 'Where is my order?' });
    await result.consumeStream();
    expect((await result.usage).outputTokens).toBe(CAP);
    expect(f.sim.ledger().requests.map((r) => r.usage?.output)).toEqual([CAP]);
    expect(f.records[0]?.usage.output).toBe(CAP);
  });

  it('decides once for a model wrapped twice: one capped request, one record under the decision id', async () => {
    const decided: string[] = [];
    await f.close();
    f = await fixture([{ beforeCall: (r) => void decided.push(r.callId) }]);
    openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x' });
    const inner = wrapLanguageModel({
      model: openai.chat('gpt-4o-mini'),
      middleware: burnrateMiddleware({ recorder: f.recorder }),
    });
    const outer = wrapLanguageModel({
      model: inner,
      middleware: burnrateMiddleware({ recorder: f.recorder, attributes: { feature: 'capped' } }),
    });
    await generateText({ model: outer, prompt: 'Where is my order?', maxOutputTokens: 200 });
    expect(decided).toHaveLength(1);
    expect(f.sim.ledger().requests.map((r) => r.usage?.output)).toEqual([CAP]);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]?.callId).toBe(decided[0]);
  });

  it('sends a call a downgrade budget would reroute to the wrapped model as asked, unmarked, and warns once', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      await generateText({ model: metered('downgraded', 'gpt-4o'), prompt: 'Hi', maxOutputTokens: 5 });
      await generateText({ model: metered('downgraded', 'gpt-4o'), prompt: 'Hi', maxOutputTokens: 5 });
      expect(f.sim.ledger().requests.map((r) => r.model)).toEqual(['gpt-4o', 'gpt-4o']);
      expect(f.records.map((r) => [r.requestModel, r.attributes[ATTR.budgetAction]])).toEqual([
        ['gpt-4o', undefined],
        ['gpt-4o', undefined],
      ]);
      const messages = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('cannot change'));
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('gpt-4o-mini');
    } finally {
      warn.mockRestore();
    }
  });

  it('carries the decision id to the record of a call that fails with a 429, so its reservation is settled', async () => {
    const decided: string[] = [];
    await f.close();
    f = await fixture([{ beforeCall: (r) => void decided.push(r.callId) }]);
    openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x' });
    const error = await failure(
      generateText({ model: metered('search'), prompt: 'hi', maxRetries: 0, headers: { [FAULT]: '429' } }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(decided).toHaveLength(1);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({ callId: decided[0], served: false });
  });

  it('lets the call through when a processor decision throws, and counts it as dropped telemetry', async () => {
    await f.close();
    f = await fixture([
      {
        beforeCall() {
          throw new Error('broken estimator');
        },
      },
    ]);
    openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x' });
    const result = await generateText({ model: metered('search'), prompt: 'Hi', maxOutputTokens: 5 });
    expect(result.usage.outputTokens).toBe(5);
    expect(f.sim.ledger().requests).toHaveLength(1);
    expect(f.records).toHaveLength(1);
    expect(await total(f.reader, METRIC.telemetryDropped, { [ATTR.dropCause]: 'processor' })).toBe(1);
  });
});

describe('burnrateMiddleware: budgets decide before the call with ai 7 (model specification v4)', () => {
  let f: Fixture;
  let openai: ReturnType<typeof createOpenAI4>;
  beforeEach(async () => {
    f = await fixture();
    openai = createOpenAI4({ baseURL: f.sim.url, apiKey: 'x' });
  });
  afterEach(() => f.close());

  const metered = (feature: string) =>
    wrapLanguageModel7({
      model: openai.chat('gpt-4o-mini'),
      middleware: burnrateMiddleware({ recorder: f.recorder, attributes: { feature } }),
    });

  it('rejects a blocked call with BudgetExceededError before any request and caps a capped one', async () => {
    const error = await failure(generateText7({ model: metered('blocked'), prompt: 'Where is my order?' }));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(f.sim.ledger().requests).toHaveLength(0);
    const result = await generateText7({ model: metered('capped'), prompt: 'Where?', maxOutputTokens: 200 });
    expect(result.usage.outputTokens).toBe(CAP);
    expect(f.sim.ledger().requests.map((r) => r.usage?.output)).toEqual([CAP]);
  });
});
