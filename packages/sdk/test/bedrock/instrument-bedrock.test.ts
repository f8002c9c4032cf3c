import {
  BedrockRuntime,
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import type { Simulator } from '@burnrate/llm-simulator';
import { LABEL, PROM } from '@burnrate/semconv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsageRecorder, instrumentBedrock, type LlmUsageRecord } from '../../src/index.js';
import { throwingProcessor } from '../helpers/metrics.js';
import {
  type BedrockFixture,
  bedrockClient,
  bedrockConfig,
  bedrockFixture,
  http1Handler,
  longSystemText,
  type Series,
  sumOf,
} from './bedrock-fixture.js';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const HAIKU_PROFILE = `us.${HAIKU}`;
const LLAMA = 'meta.llama3-1-8b-instruct-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const TITAN = 'amazon.titan-text-express-v1';

/**
 * AWS's published Bedrock on-demand prices, USD per 1M tokens (aws.amazon.com/bedrock/pricing, the
 * same numbers as the genai-prices 0.1.8 catalog): input, cache write, cache read, output. Nova
 * charges cache writes at the input price.
 */
const PUBLISHED: Record<string, { input: number; write: number; read: number; output: number }> = {
  [HAIKU]: { input: 0.8, write: 1, read: 0.08, output: 4 },
  [LLAMA]: { input: 0.22, write: 0.22, read: 0.22, output: 0.22 },
  [NOVA]: { input: 0.06, write: 0.06, read: 0.015, output: 0.24 },
  [TITAN]: { input: 0.2, write: 0.2, read: 0.2, output: 0.6 },
};

/** Dollars of the ledger's usage of `ledgerModel`, at the published prices of `priceOf`. */
function publishedUsd(sim: Simulator, ledgerModel: string, priceOf: string): number {
  const t = sim.ledger().served.models[ledgerModel];
  const p = PUBLISHED[priceOf];
  if (!t || !p) throw new Error(`no ledger entry for ${ledgerModel} or no price for ${priceOf}`);
  const uncached = t.input - t.cached_input - t.cache_write;
  return (uncached * p.input + t.cache_write * p.write + t.cached_input * p.read + t.output * p.output) / 1e6;
}

/** Every token counter of `requestModel` equals the simulator's ledger for it. */
function expectCountersMatchLedger(series: Series[], sim: Simulator, requestModel: string): void {
  const t = sim.ledger().served.models[requestModel];
  const where = { [LABEL.requestModel]: requestModel };
  expect(t).toBeDefined();
  expect({
    input: sumOf(series, PROM.inputTokens, where),
    cacheRead: sumOf(series, PROM.cacheReadTokens, where),
    cacheWrite: sumOf(series, PROM.cacheWriteTokens, where),
    output: sumOf(series, PROM.outputTokens, where),
  }).toEqual({ input: t?.input, cacheRead: t?.cached_input, cacheWrite: t?.cache_write, output: t?.output });
}

function usdOf(series: Series[], requestModel: string): number {
  return sumOf(series, PROM.cost, { [LABEL.requestModel]: requestModel, [LABEL.component]: 'api' });
}

function converse(modelId: string, text: string, cached = false): ConverseCommandInput {
  return {
    modelId,
    ...(cached ? { system: [{ text: longSystemText() }, { cachePoint: { type: 'default' as const } }] } : {}),
    messages: [{ role: 'user', content: [{ text }] }],
    inferenceConfig: { maxTokens: 200 },
  };
}

function invokeBody(modelId: string, text: string, cached = false): string {
  if (modelId.includes('anthropic.')) {
    return JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 200,
      ...(cached
        ? { system: [{ type: 'text', text: longSystemText(), cache_control: { type: 'ephemeral' } }] }
        : {}),
      messages: [{ role: 'user', content: text }],
    });
  }
  if (modelId.includes('meta.')) return JSON.stringify({ prompt: text, max_gen_len: 200 });
  if (modelId.includes('titan')) {
    return JSON.stringify({ inputText: text, textGenerationConfig: { maxTokenCount: 200 } });
  }
  return JSON.stringify({
    schemaVersion: 'messages-v1',
    ...(cached ? { system: [{ text: longSystemText() }, { cachePoint: { type: 'default' } }] } : {}),
    messages: [{ role: 'user', content: [{ text }] }],
    inferenceConfig: { maxTokens: 200 },
  });
}

async function drain<T>(it: AsyncIterable<T> | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it ?? []) out.push(x);
  return out;
}

function onlyRecord(records: LlmUsageRecord[]): LlmUsageRecord {
  expect(records).toHaveLength(1);
  return records[0] as LlmUsageRecord;
}

describe('instrumentBedrock: Converse and ConverseStream', () => {
  let f: BedrockFixture;
  beforeEach(async () => {
    f = await bedrockFixture();
  });
  afterEach(() => f.close());

  it('counts every token kind of Converse calls exactly as the ledger, cache writes then reads, and prices them at the published price', async () => {
    const first = await f.client.send(
      new ConverseCommand(converse(HAIKU_PROFILE, 'What is our refund policy?', true)),
    );
    const second = await f.client.send(
      new ConverseCommand(converse(HAIKU_PROFILE, 'And for shipping?', true)),
    );
    // Bedrock's inputTokens leave the cache out; burnrate's input includes it.
    expect(first.usage?.cacheWriteInputTokens).toBeGreaterThan(1024);
    expect(second.usage?.cacheReadInputTokens).toBe(first.usage?.cacheWriteInputTokens);
    const series = await f.scrape();
    expectCountersMatchLedger(series, f.sim, HAIKU_PROFILE);
    expect(sumOf(series, PROM.inputTokens, { [LABEL.requestModel]: HAIKU_PROFILE })).toBe(
      (first.usage?.inputTokens ?? 0) +
        (first.usage?.cacheWriteInputTokens ?? 0) +
        (second.usage?.inputTokens ?? 0) +
        (second.usage?.cacheReadInputTokens ?? 0),
    );
    expect(usdOf(series, HAIKU_PROFILE)).toBeCloseTo(publishedUsd(f.sim, HAIKU_PROFILE, HAIKU), 9);
    expect(
      f.records.map((r) => [r.provider, r.operation, r.requestModel, r.responseModel, r.usageSource]),
    ).toEqual([
      ['aws.bedrock', 'chat', HAIKU_PROFILE, HAIKU_PROFILE, 'provider'],
      ['aws.bedrock', 'chat', HAIKU_PROFILE, HAIKU_PROFILE, 'provider'],
    ]);
  });

  it('passes a ConverseStream through unchanged and counts its metadata usage exactly', async () => {
    const bare = bedrockClient(f.sim);
    const expected = await drain(
      (await bare.send(new ConverseStreamCommand(converse(NOVA, 'stream it')))).stream,
    );
    f.sim.resetLedger();
    const response = await f.client.send(new ConverseStreamCommand(converse(NOVA, 'stream it')));
    const events = await drain(response.stream);
    bare.destroy();
    expect(events).toEqual(expected);
    expect(events.at(-1)?.metadata?.usage?.outputTokens).toBeGreaterThan(0);
    const series = await f.scrape();
    expectCountersMatchLedger(series, f.sim, NOVA);
    expect(usdOf(series, NOVA)).toBeCloseTo(publishedUsd(f.sim, NOVA, NOVA), 9);
    const record = onlyRecord(f.records);
    expect([record.streaming, record.usageSource, record.served]).toEqual([true, 'provider', true]);
    expect(record.timeToFirstChunkS).toBeGreaterThanOrEqual(0);
  });

  it('records a ConverseStream the caller breaks out of early as served with its usage missing, and the caller keeps what it read', async () => {
    const response = await f.client.send(new ConverseStreamCommand(converse(NOVA, 'break early')));
    const seen: unknown[] = [];
    for await (const event of response.stream ?? []) {
      seen.push(event);
      if (event.contentBlockDelta) break;
    }
    expect(seen).toHaveLength(2);
    const record = onlyRecord(f.records);
    expect([record.usageSource, record.served, record.errorType]).toEqual(['missing', true, undefined]);
    expect(record.usage).toEqual({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
  });

  it('keeps the usage a ConverseStream already carried when the caller aborts it after the metadata event', async () => {
    const controller = new AbortController();
    const response = await f.client.send(new ConverseStreamCommand(converse(NOVA, 'abort late')), {
      abortSignal: controller.signal,
    });
    let caught: unknown;
    let outputTokens: number | undefined;
    try {
      for await (const event of response.stream ?? []) {
        if (!event.metadata) continue;
        outputTokens = event.metadata.usage?.outputTokens;
        controller.abort();
      }
    } catch (err) {
      caught = err;
    }
    const record = onlyRecord(f.records);
    expect(record.usageSource).toBe('provider');
    expect(record.usage.output).toBe(outputTokens);
    // Whether the client throws after the last event depends on its timing; if it does, burnrate says so.
    if (caught) expect(record.errorType).toBe((caught as Error).name);
  });
});

describe('instrumentBedrock: InvokeModel and InvokeModelWithResponseStream', () => {
  let f: BedrockFixture;
  beforeEach(async () => {
    f = await bedrockFixture();
  });
  afterEach(() => f.close());

  it.each([
    ['Anthropic', HAIKU, true, 'chat'],
    ['Amazon Nova', NOVA, true, 'chat'],
    ['Meta Llama', LLAMA, false, 'text_completion'],
    ['Amazon Titan text', TITAN, false, 'text_completion'],
  ])(
    'counts %s InvokeModel bodies exactly as the ledger and prices them at the published price',
    async (_family, modelId, cached, operation) => {
      for (const q of ['First question about budgets?', 'Second question about budgets?']) {
        const out = await f.client.send(
          new InvokeModelCommand({
            modelId,
            body: invokeBody(modelId, q, cached),
            contentType: 'application/json',
          }),
        );
        expect(JSON.parse(new TextDecoder().decode(out.body))).toBeTypeOf('object');
      }
      const t = f.sim.ledger().served.models[modelId];
      if (cached) expect([t?.cache_write, t?.cached_input]).toEqual([t?.cached_input, t?.cache_write]);
      if (cached) expect(t?.cached_input).toBeGreaterThan(1024);
      const series = await f.scrape();
      expectCountersMatchLedger(series, f.sim, modelId);
      expect(usdOf(series, modelId)).toBeCloseTo(publishedUsd(f.sim, modelId, modelId), 9);
      expect(f.records.map((r) => [r.operation, r.streaming, r.usageSource])).toEqual([
        [operation, false, 'provider'],
        [operation, false, 'provider'],
      ]);
    },
  );

  it.each([
    ['Anthropic', HAIKU, true],
    ['Amazon Nova', NOVA, true],
    ['Meta Llama', LLAMA, false],
    ['Amazon Titan text', TITAN, false],
  ])(
    'counts %s InvokeModelWithResponseStream chunks exactly as the ledger and prices them at the published price',
    async (_family, modelId, cached) => {
      for (const q of ['First streamed question?', 'Second streamed question?']) {
        const out = await f.client.send(
          new InvokeModelWithResponseStreamCommand({
            modelId,
            body: invokeBody(modelId, q, cached),
            contentType: 'application/json',
          }),
        );
        const chunks = await drain(out.body);
        expect(chunks.length).toBeGreaterThan(2);
      }
      const series = await f.scrape();
      expectCountersMatchLedger(series, f.sim, modelId);
      expect(usdOf(series, modelId)).toBeCloseTo(publishedUsd(f.sim, modelId, modelId), 9);
      expect(f.records.map((r) => [r.streaming, r.usageSource])).toEqual([
        [true, 'provider'],
        [true, 'provider'],
      ]);
    },
  );

  it('never changes the bytes of an InvokeModel body or of a streamed chunk', async () => {
    const bare = bedrockClient(f.sim);
    for (const modelId of [LLAMA, TITAN, NOVA]) {
      const input = {
        modelId,
        body: invokeBody(modelId, 'same bytes please'),
        contentType: 'application/json',
      };
      const plain = await bare.send(new InvokeModelCommand(input));
      const metered = await f.client.send(new InvokeModelCommand(input));
      expect(Buffer.from(metered.body).equals(Buffer.from(plain.body))).toBe(true);
      expect(metered.body.transformToString()).toBe(plain.body.transformToString());
      const plainChunks = await drain(
        (await bare.send(new InvokeModelWithResponseStreamCommand(input))).body,
      );
      const meteredChunks = await drain(
        (await f.client.send(new InvokeModelWithResponseStreamCommand(input))).body,
      );
      expect(meteredChunks).toEqual(plainChunks);
    }
    bare.destroy();
  });
});

describe('instrumentBedrock: streams aborted midway', () => {
  let f: BedrockFixture;
  beforeEach(async () => {
    // Paced chunks, so that an abort after the first chunk always lands before the last one.
    f = await bedrockFixture([], { latency: { chunkIntervalMs: 25 } });
  });
  afterEach(() => f.close());

  it('records an Anthropic InvokeModelWithResponseStream aborted after message_start with its input exact and its output a lower bound, as estimated', async () => {
    const controller = new AbortController();
    const out = await f.client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body: invokeBody(HAIKU, 'abort me') }),
      { abortSignal: controller.signal },
    );
    const seen: unknown[] = [];
    // Over HTTP/2 the client ends the stream quietly after an abort; over HTTP/1.1 it throws.
    await (async () => {
      for await (const chunk of out.body ?? []) {
        seen.push(JSON.parse(new TextDecoder().decode(chunk.chunk?.bytes)));
        controller.abort();
      }
    })().catch(() => undefined);
    // What the caller itself read before aborting: message_start, with the exact input and a provisional output.
    const start = seen[0] as {
      type: string;
      message: { usage: { input_tokens: number; output_tokens: number } };
    };
    expect(start.type).toBe('message_start');
    const record = onlyRecord(f.records);
    expect([record.errorType, record.usageSource, record.served]).toEqual(['AbortError', 'estimated', true]);
    expect(record.usage.input).toBe(start.message.usage.input_tokens);
    expect(record.usage.output).toBe(start.message.usage.output_tokens);
  });

  it("counts the same over the client's HTTP/1.1 handler, and records a mid-stream abort as AbortError whether the client throws or ends the stream", async () => {
    const client = instrumentBedrock(bedrockClient(f.sim, { requestHandler: http1Handler() }), {
      recorder: f.recorder,
    });
    await drain((await client.send(new ConverseStreamCommand(converse(LLAMA, 'over http/1.1')))).stream);
    const controller = new AbortController();
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: HAIKU,
        body: invokeBody(HAIKU, 'abort over http/1.1'),
      }),
      { abortSignal: controller.signal },
    );
    // The client throws `Error: aborted` or ends the stream quietly, depending on when the socket closes.
    const err = await (async () => {
      for await (const _chunk of out.body ?? []) controller.abort();
    })().catch((e: unknown) => e);
    client.destroy();
    if (err !== undefined) expect((err as Error).message).toBe('aborted');
    expectCountersMatchLedger(await f.scrape(), f.sim, LLAMA);
    expect(f.records.map((r) => [r.requestModel, r.errorType, r.usageSource])).toEqual([
      [LLAMA, undefined, 'provider'],
      [HAIKU, 'AbortError', 'estimated'],
    ]);
  });
});

describe('instrumentBedrock: errors, aborts and failing telemetry', () => {
  let f: BedrockFixture;
  beforeEach(async () => {
    f = await bedrockFixture([throwingProcessor]);
  });
  afterEach(() => f.close());

  it("lets a 429 reach the caller as the client's own ThrottlingException after its retries, recorded once as a failed unbilled call", async () => {
    const client = instrumentBedrock(bedrockClient(f.sim, { maxAttempts: 2 }), { recorder: f.recorder });
    const err = await client
      .send(new ConverseCommand(converse(`${HAIKU}:fault=429`, 'throttle me')))
      .catch((e: unknown) => e);
    client.destroy();
    expect(err).toBeInstanceOf(ThrottlingException);
    expect((err as ThrottlingException).$metadata.attempts).toBe(2);
    expect(f.sim.ledger().errors).toEqual({ '429': 2 });
    const record = onlyRecord(f.records);
    expect([record.errorType, record.served, record.usageSource]).toEqual([
      'ThrottlingException',
      false,
      'missing',
    ]);
    const series = await f.scrape();
    expect(sumOf(series, PROM.inferenceDurationCount, { [LABEL.errorType]: 'ThrottlingException' })).toBe(1);
    expect(sumOf(series, PROM.unpriced)).toBe(0);
  });

  it('lets a 429 on a ConverseStream reach the caller as ThrottlingException, recorded as a failed streaming call', async () => {
    const err = await f.client
      .send(new ConverseStreamCommand(converse(`${NOVA}:fault=429`, 'throttle the stream')))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottlingException);
    const record = onlyRecord(f.records);
    expect([record.errorType, record.served, record.streaming]).toEqual(['ThrottlingException', false, true]);
  });

  it('records a 200 whose body does not parse as a served call with the SyntaxError the caller gets', async () => {
    const err = await f.client
      .send(new ConverseCommand(converse(`${NOVA}:fault=bad-json`, 'half a body')))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyntaxError);
    const record = onlyRecord(f.records);
    expect([record.errorType, record.served, record.usageSource]).toEqual(['SyntaxError', true, 'missing']);
  });

  it('takes the usage of an InvokeModel body it cannot parse from the token-count headers, and hands the caller the bytes as sent', async () => {
    const out = await f.client.send(
      new InvokeModelCommand({ modelId: `${LLAMA}:fault=bad-json`, body: invokeBody(LLAMA, 'half a body') }),
    );
    expect(() => JSON.parse(out.body.transformToString())).toThrow(SyntaxError);
    const t = f.sim.ledger().served.models[LLAMA];
    const record = onlyRecord(f.records);
    expect([record.usageSource, record.usage.input, record.usage.output]).toEqual([
      'provider',
      t?.input,
      t?.output,
    ]);
  });

  it('lets an aborted call reject with the AbortError the client throws, recorded as not served', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await f.client
      .send(new ConverseCommand(converse(NOVA, 'never sent')), { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    const record = onlyRecord(f.records);
    expect([record.errorType, record.served]).toEqual(['AbortError', false]);
  });

  it('returns the same result with a processor that throws on every record, and the metrics stay exact', async () => {
    const bare = bedrockClient(f.sim);
    const plain = await bare.send(new ConverseCommand(converse(LLAMA, 'same answer')));
    bare.destroy();
    f.sim.resetLedger();
    const metered = await f.client.send(new ConverseCommand(converse(LLAMA, 'same answer')));
    expect({ ...metered, $metadata: undefined }).toEqual({ ...plain, $metadata: undefined });
    const series = await f.scrape();
    expectCountersMatchLedger(series, f.sim, LLAMA);
    expect(usdOf(series, LLAMA)).toBeCloseTo(publishedUsd(f.sim, LLAMA, LLAMA), 9);
    expect(f.warnings.some((w) => w.includes('processor bug'))).toBe(true);
  });

  it('returns the same stream with a recorder whose meter throws', async () => {
    const { throwingMeterProvider } = await import('../helpers/metrics.js');
    const recorder = createUsageRecorder({
      meterProvider: throwingMeterProvider(),
      logger: { warn: () => {} },
    });
    const client = instrumentBedrock(bedrockClient(f.sim), { recorder });
    const bare = bedrockClient(f.sim);
    const input = { modelId: LLAMA, body: invokeBody(LLAMA, 'meter bug'), contentType: 'application/json' };
    const expected = await drain((await bare.send(new InvokeModelWithResponseStreamCommand(input))).body);
    const got = await drain((await client.send(new InvokeModelWithResponseStreamCommand(input))).body);
    expect(got).toEqual(expected);
    client.destroy();
    bare.destroy();
    await recorder.shutdown();
  });
});

describe('instrumentBedrock: models and pricing', () => {
  let f: BedrockFixture;
  beforeEach(async () => {
    f = await bedrockFixture();
  });
  afterEach(() => f.close());

  it('prices an inference-profile ARN and a foundation-model ARN as their base models', async () => {
    const profileArn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${HAIKU_PROFILE}`;
    const modelArn = `arn:aws:bedrock:us-west-2::foundation-model/${NOVA}`;
    await f.client.send(new ConverseCommand(converse(profileArn, 'priced as haiku')));
    await f.client.send(new ConverseCommand(converse(modelArn, 'priced as nova')));
    const series = await f.scrape();
    expectCountersMatchLedger(series, f.sim, profileArn);
    expect(usdOf(series, profileArn)).toBeCloseTo(publishedUsd(f.sim, profileArn, HAIKU), 9);
    expect(usdOf(series, modelArn)).toBeCloseTo(publishedUsd(f.sim, modelArn, NOVA), 9);
    expect(f.records.map((r) => r.responseModel)).toEqual([HAIKU_PROFILE, NOVA]);
    expect(sumOf(series, PROM.unpriced)).toBe(0);
  });

  it('counts an unknown model as unpriced usage with its reason, never as $0', async () => {
    const model = 'acme.unknown-model-v1:0';
    await f.client.send(new ConverseCommand(converse(model, 'who prices me?')));
    const t = f.sim.ledger().served.models[model];
    const series = await f.scrape();
    expectCountersMatchLedger(series, f.sim, model);
    expect(usdOf(series, model)).toBe(0);
    expect(series.some((s) => s.name === PROM.cost && s.labels[LABEL.requestModel] === model)).toBe(false);
    expect(
      sumOf(series, PROM.unpriced, { [LABEL.requestModel]: model, [LABEL.unpricedReason]: 'unknown_model' }),
    ).toBe((t?.input ?? 0) + (t?.output ?? 0));
    expect(f.warnings.some((w) => w.includes('unknown_model') && w.includes(model))).toBe(true);
  });

  it('counts an application inference profile, whose ARN names no model, as unpriced until the card maps it', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
    await f.client.send(new ConverseCommand(converse(arn, 'which model am I?')));
    const t = f.sim.ledger().served.models[arn];
    const series = await f.scrape();
    expectCountersMatchLedger(series, f.sim, arn);
    expect(f.records[0]?.responseModel).toBeUndefined();
    expect(
      sumOf(series, PROM.unpriced, { [LABEL.requestModel]: arn, [LABEL.unpricedReason]: 'unknown_model' }),
    ).toBe((t?.input ?? 0) + (t?.output ?? 0));
  });

  it('meters the aggregated BedrockRuntime client and its method-style calls the same way', async () => {
    const runtime = instrumentBedrock(new BedrockRuntime(bedrockConfig(f.sim)), { recorder: f.recorder });
    await runtime.converse(converse(TITAN, 'method style'));
    runtime.destroy();
    expectCountersMatchLedger(await f.scrape(), f.sim, TITAN);
    expect(f.records.map((r) => [r.requestModel, r.operation])).toEqual([[TITAN, 'chat']]);
  });

  it('instruments a client once however often it is instrumented', async () => {
    const again: BedrockRuntimeClient = instrumentBedrock(f.client, { recorder: f.recorder });
    expect(again).toBe(f.client);
    await f.client.send(new ConverseCommand(converse(NOVA, 'once')));
    expect(f.records).toHaveLength(1);
  });
});
