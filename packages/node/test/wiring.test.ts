import { createCostProcessor } from '@burnrate/cost-processor';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import {
  type BurnrateLogger,
  createUsageRecorder,
  instrumentOpenAI,
  type UsageRecorder,
} from '@burnrate/sdk';
import { PROM } from '@burnrate/semconv';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBurnrate } from '../src/index.js';
import { parseExposition, scrape, sum } from './helpers.js';

// The simulator reports its host as the provider; the card maps it to OpenAI's catalog prices.
const CARD = { providers: { '127.0.0.1': 'openai' } };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

/** Collects warnings instead of printing them. */
function collectingLogger(): BurnrateLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (m) => lines.push(m) };
}

/** Two chat calls and one embeddings call, priced from the catalog. */
async function callThrough(recorder: UsageRecorder): Promise<void> {
  const client = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
    recorder,
  });
  await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'price this call' }],
    max_tokens: 200,
  });
  await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'and this one' }],
    max_tokens: 50,
  });
  await client.embeddings.create({ model: 'text-embedding-3-small', input: 'embed me' });
}

/** The dollars the catalog gives for what the simulator served (gpt-4o, gpt-4o-mini, embeddings). */
function expectedUsd(): number {
  const models = sim.ledger().served.models;
  const per1M: Record<string, [number, number]> = {
    'gpt-4o': [2.5, 10],
    'gpt-4o-mini': [0.15, 0.6],
    'text-embedding-3-small': [0.02, 0],
  };
  let usd = 0;
  for (const [model, [input, output]] of Object.entries(per1M)) {
    const m = models[model];
    if (m) usd += (m.input * input + m.output * output) / 1e6;
  }
  return usd;
}

/** A MeterProvider with a Prometheus reader whose exposition the test reads directly. */
function prometheusProvider(): { meterProvider: MeterProvider; text: () => Promise<string> } {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  return {
    meterProvider,
    text: async () => {
      const { resourceMetrics } = await exporter.collect();
      // The exporter's own serializer, as a scrape would produce it.
      const { PrometheusSerializer } = await import('@opentelemetry/exporter-prometheus');
      return new PrometheusSerializer().serialize(resourceMetrics);
    },
  };
}

describe('every obvious wiring of the cost processor puts the same dollars on /metrics as report()', () => {
  it('setupBurnrate({ priceCard }) alone gives priced series', async () => {
    sim.resetLedger();
    const br = await setupBurnrate({ prometheus: { port: 0 }, priceCard: CARD });
    try {
      await callThrough(br.recorder);
      const onMetrics = sum(await scrape(br.metricsUrl as string), PROM.cost);
      expect(onMetrics).toBeGreaterThan(0);
      expect(onMetrics).toBeCloseTo(br.costs.report().totalUsd, 12);
      expect(onMetrics).toBeCloseTo(expectedUsd(), 12);
    } finally {
      await br.shutdown();
    }
  });

  it('setupBurnrate({ processors: [createCostProcessor()] }) uses that processor instead of a second one', async () => {
    sim.resetLedger();
    const logger = collectingLogger();
    const costs = createCostProcessor({ priceCard: CARD });
    const br = await setupBurnrate({ prometheus: { port: 0 }, processors: [costs], logger });
    try {
      expect(br.costs).toBe(costs);
      await callThrough(br.recorder);
      const onMetrics = sum(await scrape(br.metricsUrl as string), PROM.cost);
      expect(onMetrics).toBeCloseTo(costs.report().totalUsd, 12);
      expect(onMetrics).toBeCloseTo(expectedUsd(), 12);
      expect(logger.lines).toEqual([]);
    } finally {
      await br.shutdown();
    }
  });

  it('a second cost processor added after setup keeps its report() but does not count the dollars twice, and says so once', async () => {
    sim.resetLedger();
    const logger = collectingLogger();
    const br = await setupBurnrate({ prometheus: { port: 0 }, priceCard: CARD, logger });
    const second = createCostProcessor({ priceCard: CARD });
    br.recorder.addProcessor(second);
    try {
      await callThrough(br.recorder);
      await callThrough(br.recorder);
      const onMetrics = sum(await scrape(br.metricsUrl as string), PROM.cost);
      expect(onMetrics).toBeCloseTo(br.costs.report().totalUsd, 12);
      expect(second.report().totalUsd).toBeCloseTo(onMetrics, 12);
      expect(onMetrics).toBeCloseTo(expectedUsd(), 12);
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]).toContain('a second cost processor was added to the same recorder');
    } finally {
      await br.shutdown();
    }
  });

  it('createUsageRecorder({ meterProvider, processors: [createCostProcessor({ priceCard })] }) records dollars on that provider', async () => {
    sim.resetLedger();
    const { meterProvider, text } = prometheusProvider();
    const costs = createCostProcessor({ priceCard: CARD });
    const recorder = createUsageRecorder({ meterProvider, processors: [costs] });
    await callThrough(recorder);
    const onMetrics = sum(parseExposition(await text()), PROM.cost);
    expect(onMetrics).toBeCloseTo(costs.report().totalUsd, 12);
    expect(onMetrics).toBeCloseTo(expectedUsd(), 12);
    await meterProvider.shutdown();
  });

  it('recorder.addProcessor(createCostProcessor({ priceCard })) records dollars on the recorder provider', async () => {
    sim.resetLedger();
    const { meterProvider, text } = prometheusProvider();
    const recorder = createUsageRecorder({ meterProvider });
    const costs = createCostProcessor({ priceCard: CARD });
    recorder.addProcessor(costs);
    await callThrough(recorder);
    const onMetrics = sum(parseExposition(await text()), PROM.cost);
    expect(onMetrics).toBeCloseTo(costs.report().totalUsd, 12);
    expect(onMetrics).toBeCloseTo(expectedUsd(), 12);
    await meterProvider.shutdown();
  });

  it('an explicit meterProvider option still wins over the recorder provider', async () => {
    sim.resetLedger();
    const recorderSide = prometheusProvider();
    const explicit = prometheusProvider();
    const costs = createCostProcessor({ priceCard: CARD, meterProvider: explicit.meterProvider });
    const recorder = createUsageRecorder({ meterProvider: recorderSide.meterProvider, processors: [costs] });
    await callThrough(recorder);
    expect(sum(parseExposition(await explicit.text()), PROM.cost)).toBeCloseTo(costs.report().totalUsd, 12);
    expect(sum(parseExposition(await recorderSide.text()), PROM.cost)).toBe(0);
    await recorderSide.meterProvider.shutdown();
    await explicit.meterProvider.shutdown();
  });

  it('a cost processor on a recorder with no MeterProvider at all says so once and still prices report()', async () => {
    sim.resetLedger();
    const logger = collectingLogger();
    const costs = createCostProcessor({ priceCard: CARD });
    const recorder = createUsageRecorder({ processors: [costs], logger });
    await callThrough(recorder);
    await callThrough(recorder);
    expect(costs.report().totalUsd).toBeCloseTo(expectedUsd(), 12);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('no MeterProvider');
  });

  it('a cost processor fed records by hand, never added to a recorder, says so once', () => {
    const logger = collectingLogger();
    const costs = createCostProcessor({ priceCard: CARD, logger });
    for (let i = 0; i < 3; i++) costs.onUsage({ kind: 'revenue', timeMs: 0, attributes: {}, usd: 1 });
    expect(costs.report().revenueUsd).toBe(3);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('without being added to a recorder');
  });
});
