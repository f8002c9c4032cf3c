import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { ATTR, METRIC } from '@burnrate/semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The cost processor depends on the sdk, so the sdk cannot list it as a dependency; its tests reach it by path.
import { BudgetExceededError } from '../../../cost-processor/src/budgets/budget-exceeded-error.js';
import { createCostProcessor } from '../../../cost-processor/src/index.js';
import type { PriceCardInput } from '../../../cost-processor/src/price-card/schema.js';
import {
  createUsageRecorder,
  instrumentBedrock,
  type LlmUsageRecord,
  type UsageProcessor,
  type UsageRecorder,
  withAttributes,
} from '../../src/index.js';
import { privateMeter, type TestReader, total } from '../helpers/metrics.js';
import { bedrockClient } from './bedrock-fixture.js';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const SONNET = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const LLAMA = 'meta.llama3-1-8b-instruct-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const CAP = 7;

/**
 * AWS's published on-demand prices, USD per 1M tokens (the catalog's): input, output. The capped
 * budget of a test of `model` holds about 40 input and 30 output tokens: a call asking for 200 or
 * more does not fit, one of {@link CAP} does, so the call is capped at `max_output_tokens`.
 */
const PRICES: Record<string, { input: number; output: number }> = {
  [HAIKU]: { input: 0.8, output: 4 },
  [LLAMA]: { input: 0.22, output: 0.22 },
  [NOVA]: { input: 0.06, output: 0.24 },
  [TITAN]: { input: 0.2, output: 0.6 },
};
const capAmount = (model: string): number => {
  const p = PRICES[model] ?? { input: 0, output: 0 };
  return (40 * p.input + 30 * p.output) / 1e6;
};

/** Budgets of every action, each on its own feature; the tiny ones never fit a call. */
const budgets = (capped: string): PriceCardInput['budgets'] => [
  {
    name: 'blocked',
    amount: 1e-7,
    window: '1d',
    scope: { feature: 'blocked' },
    enforce: { action: 'block' },
  },
  {
    name: 'capped',
    amount: capAmount(capped),
    window: '1d',
    scope: { feature: 'capped' },
    enforce: { action: 'cap_output', max_output_tokens: CAP },
  },
  {
    name: 'downgraded',
    amount: 1e-7,
    window: '1d',
    scope: { feature: 'downgraded' },
    enforce: { action: 'downgrade', downgrade_to: NOVA },
  },
  {
    name: 'same-family',
    amount: 1e-7,
    window: '1d',
    scope: { feature: 'same-family' },
    enforce: { action: 'downgrade', downgrade_to: HAIKU },
  },
];

interface Fixture {
  sim: Simulator;
  reader: TestReader;
  recorder: UsageRecorder;
  client: BedrockRuntimeClient;
  records: LlmUsageRecord[];
  close(): Promise<void>;
}

async function fixture(processors: Partial<UsageProcessor>[] = [], capped = HAIKU): Promise<Fixture> {
  const sim = await startSimulator();
  const { meterProvider, reader } = privateMeter();
  const records: LlmUsageRecord[] = [];
  const logger = { warn: () => {} };
  const costs = createCostProcessor({ priceCard: { budgets: budgets(capped) }, logger });
  const recorder = createUsageRecorder({
    meterProvider,
    logger,
    processors: [
      ...processors.map((p): UsageProcessor => ({ ...p, onUsage: p.onUsage ?? (() => {}) })),
      costs,
      { onUsage: (r) => void (r.kind === 'llm' && records.push(r)) },
    ],
  });
  const client = instrumentBedrock(bedrockClient(sim), { recorder });
  return {
    sim,
    reader,
    recorder,
    client,
    records,
    async close() {
      client.destroy();
      await recorder.shutdown();
      await sim.close();
    },
  };
}

function converse(modelId: string, maxTokens?: number): ConverseCommandInput {
  return {
    modelId,
    system: [{ text: 'You answer questions about orders.' }],
    messages: [{ role: 'user', content: [{ text: 'Where is my order, and when will it arrive?' }] }],
    ...(maxTokens !== undefined && { inferenceConfig: { maxTokens } }),
  };
}

const QUESTION = 'Where is my order, and when will it arrive?';

/** An InvokeModel body of each family, with the family's own output cap field set to 200. */
function invokeBody(modelId: string): Record<string, unknown> {
  if (modelId.startsWith('anthropic.'))
    return {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 200,
      messages: [{ role: 'user', content: QUESTION }],
    };
  if (modelId.startsWith('meta.')) return { prompt: QUESTION, max_gen_len: 200 };
  if (modelId.includes('titan')) return { inputText: QUESTION, textGenerationConfig: { maxTokenCount: 200 } };
  return {
    messages: [{ role: 'user', content: [{ text: QUESTION }] }],
    inferenceConfig: { max_new_tokens: 200 },
  };
}

async function drain<T>(it: AsyncIterable<T> | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it ?? []) out.push(x);
  return out;
}

const as = <T>(feature: string, fn: () => Promise<T>): Promise<T> => withAttributes({ feature }, fn);

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('instrumentBedrock: budgets decide before a call is sent', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('rejects a blocked Converse call with BudgetExceededError before any request reaches the simulator', async () => {
    const error = await failure(as('blocked', () => f.client.send(new ConverseCommand(converse(HAIKU, 50)))));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).budget).toBe('blocked');
    expect(f.sim.ledger().requests).toHaveLength(0);
    expect(f.records).toHaveLength(0);
  });

  it('rejects blocked ConverseStream, InvokeModel and InvokeModelWithResponseStream calls without sending them', async () => {
    const body = JSON.stringify(invokeBody(HAIKU));
    const errors = await Promise.all([
      failure(as('blocked', () => f.client.send(new ConverseStreamCommand(converse(HAIKU, 50))))),
      failure(as('blocked', () => f.client.send(new InvokeModelCommand({ modelId: HAIKU, body })))),
      failure(
        as('blocked', () =>
          f.client.send(new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body })),
        ),
      ),
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(BudgetExceededError);
    expect(f.sim.ledger().requests).toHaveLength(0);
  });

  it('decides a call whose modelId is an ARN as the model it names, so a budget blocks it too', async () => {
    const arn = `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`;
    const error = await failure(as('blocked', () => f.client.send(new ConverseCommand(converse(arn, 50)))));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(f.sim.ledger().requests).toHaveLength(0);
  });

  it('sends the calls of other scopes unchanged while a budget blocks its own', async () => {
    await failure(as('blocked', () => f.client.send(new ConverseCommand(converse(HAIKU, 50)))));
    const out = await as('search', () => f.client.send(new ConverseCommand(converse(HAIKU, 50))));
    expect(out.usage?.outputTokens).toBeGreaterThan(0);
    expect(f.sim.ledger().requests).toHaveLength(1);
  });

  it('sends a capped Converse call with the lowered inferenceConfig.maxTokens and leaves the caller input unchanged', async () => {
    const input = converse(HAIKU, 200);
    const before = JSON.stringify(input);
    const command = new ConverseCommand(input);
    const out = await as('capped', () => f.client.send(command));
    expect(JSON.stringify(input)).toBe(before);
    expect(JSON.stringify(command.input)).toBe(before);
    expect(out.stopReason).toBe('max_tokens');
    expect(out.usage?.outputTokens).toBe(CAP);
    expect(f.sim.ledger().served.models[HAIKU]?.output).toBe(CAP);
    expect(f.records[0]).toMatchObject({
      requestModel: HAIKU,
      usage: { output: CAP },
      attributes: { [ATTR.budgetAction]: 'cap_output' },
    });
    expect(typeof f.records[0]?.callId).toBe('string');
  });

  it('caps a Converse call that set no cap, and a ConverseStream, at max_output_tokens', async () => {
    await as('capped', () => f.client.send(new ConverseCommand(converse(HAIKU))));
    const stream = await as('capped', () => f.client.send(new ConverseStreamCommand(converse(HAIKU, 300))));
    const events = await drain(stream.stream);
    const metadata = events.find((e) => e.metadata !== undefined)?.metadata;
    expect(metadata?.usage?.outputTokens).toBe(CAP);
    expect(f.sim.ledger().requests.map((r) => r.usage?.output)).toEqual([CAP, CAP]);
  });

  it.each([
    ['Anthropic max_tokens', HAIKU],
    ['Llama max_gen_len', LLAMA],
    ['Nova inferenceConfig.max_new_tokens', NOVA],
    ['Titan textGenerationConfig.maxTokenCount', TITAN],
  ])(
    'caps an InvokeModel body in its family field (%s), sending a copy of the caller bytes',
    async (_field, modelId) => {
      await f.close();
      f = await fixture([], modelId);
      const body = new TextEncoder().encode(JSON.stringify(invokeBody(modelId)));
      const copy = body.slice();
      const input = { modelId, body, contentType: 'application/json' };
      await as('capped', () => f.client.send(new InvokeModelCommand(input)));
      expect(input.body).toBe(body);
      expect(body).toEqual(copy);
      expect(f.sim.ledger().served.models[modelId]?.output).toBe(CAP);
      expect(f.records[0]?.usage.output).toBe(CAP);
    },
  );

  it('caps an InvokeModelWithResponseStream body as well', async () => {
    const body = JSON.stringify(invokeBody(HAIKU));
    const out = await as('capped', () =>
      f.client.send(new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body })),
    );
    await drain(out.body);
    expect(f.sim.ledger().served.models[HAIKU]?.output).toBe(CAP);
  });

  it('sends a downgraded Converse call to downgrade_to and records it under the model sent', async () => {
    const input = converse(SONNET, 50);
    await as('downgraded', () => f.client.send(new ConverseCommand(input)));
    expect(input.modelId).toBe(SONNET);
    expect(f.sim.ledger().requests.map((r) => r.model)).toEqual([NOVA]);
    expect(f.records[0]).toMatchObject({
      requestModel: NOVA,
      attributes: { [ATTR.budgetAction]: 'downgrade' },
    });
  });

  it('downgrades an InvokeModel call within its body family, and sends one of another family unchanged and unmarked', async () => {
    const body = JSON.stringify(invokeBody(SONNET));
    await as('same-family', () => f.client.send(new InvokeModelCommand({ modelId: SONNET, body })));
    await as('downgraded', () => f.client.send(new InvokeModelCommand({ modelId: SONNET, body })));
    expect(f.sim.ledger().requests.map((r) => r.model)).toEqual([HAIKU, SONNET]);
    expect(f.records.map((r) => [r.requestModel, r.attributes[ATTR.budgetAction]])).toEqual([
      [HAIKU, 'downgrade'],
      [SONNET, undefined],
    ]);
  });
});

describe('instrumentBedrock: decisions that fail and calls that fail', () => {
  let f: Fixture;
  afterEach(() => f.close());

  it('lets the call through when a processor decision throws, and counts it as dropped telemetry', async () => {
    f = await fixture([
      {
        beforeCall() {
          throw new Error('broken estimator');
        },
      },
    ]);
    const out = await as('search', () => f.client.send(new ConverseCommand(converse(HAIKU, 50))));
    expect(out.usage?.outputTokens).toBeGreaterThan(0);
    expect(f.sim.ledger().requests).toHaveLength(1);
    expect(f.records).toHaveLength(1);
    expect(await total(f.reader, METRIC.telemetryDropped, { [ATTR.dropCause]: 'processor' })).toBe(1);
  });

  it('carries the decision id to the record of a call that fails with a 429, so its reservation is settled at no cost', async () => {
    const decided: string[] = [];
    f = await fixture([{ beforeCall: (r) => void decided.push(r.callId) }]);
    const error = await failure(
      as('search', () => f.client.send(new ConverseCommand(converse(`${HAIKU}:fault=429`, 50)))),
    );
    expect((error as Error).name).toBe('ThrottlingException');
    expect(decided).toHaveLength(1);
    expect(f.records).toHaveLength(1);
    expect(f.records[0]).toMatchObject({
      callId: decided[0],
      served: false,
      errorType: 'ThrottlingException',
    });
  });
});
