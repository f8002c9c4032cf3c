import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '@burnrate/llm-simulator';
import { createUsageRecorder, instrumentOpenAI } from '@burnrate/sdk';
import { ATTR, COST_METRIC, labelName, METRIC, prometheusName } from '@burnrate/semconv';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { createCostProcessor } from '../src/processor/create-cost-processor.js';

/** OpenAI's published prices (platform.openai.com/docs/pricing, checked 2026-12-01), per the unit billed. */
const PER_IMAGE: Record<string, number> = {
  'dall-e-3 1792x1024 hd': 0.12,
  'dall-e-2 256x256 standard': 0.016,
};
const PER_MINUTE = { 'whisper-1': 0.006 };
const PER_1M_CHARACTERS: Record<string, number> = { 'tts-1': 15, 'tts-1-hd': 30 };
const PER_1K_CALLS: Record<string, number> = { web_search: 10, file_search: 2.5 };
const PER_CONTAINER_1G = 0.03;
/** USD per 1M tokens: input (text), cached input, output; gpt-4o-transcribe's input here is all audio. */
const PER_1M_TOKENS: Record<string, { input: number; cached: number; output: number }> = {
  'gpt-image-1': { input: 5, cached: 1.25, output: 40 },
  'gpt-4o-transcribe': { input: 6, cached: 6, output: 10 },
  'gpt-4.1': { input: 2, cached: 0.5, output: 8 },
};

const AUDIO_BYTES_PER_SECOND = 16_000;

function series(exposition: string, name: string, where: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(where).every(([k, v]) => line.includes(`${labelName(k)}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const counter = (name: string): string => prometheusName(name, 'counter');

describe('end to end: OpenAI images, audio and built-in tools → simulator → cost processor → Prometheus', () => {
  it('scrapes unit counters equal to the ledger and dollars equal to the ledger at published unit prices', async () => {
    const sim = await startSimulator();
    const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const warnings: string[] = [];
    const costs = createCostProcessor({
      meterProvider,
      priceCard: { providers: { '127.0.0.1': 'openai' } },
      logger: { warn: (m) => warnings.push(m) },
    });
    // A processor that throws on every record, beside the cost processor: no call and no dollar changes.
    const broken = {
      onUsage(): void {
        throw new Error('processor bug');
      },
    };
    const recorder = createUsageRecorder({
      meterProvider,
      processors: [broken, costs],
      logger: { warn: () => {} },
    });
    const client = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
      recorder,
    });
    const audio = (seconds: number) =>
      toFile(Buffer.alloc(seconds * AUDIO_BYTES_PER_SECOND, 1), 'a.mp3', { type: 'audio/mpeg' });
    try {
      await client.images.generate({ model: 'dall-e-3', prompt: 'a fox', quality: 'hd', size: '1792x1024' });
      await client.images.generate({ model: 'dall-e-3', prompt: 'a hare', quality: 'hd', size: '1792x1024' });
      await client.images.generate({ model: 'dall-e-2', prompt: 'a cat', size: '256x256', n: 3 });
      await client.images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse', quality: 'low' });
      const speech = await client.audio.speech.create({
        model: 'tts-1',
        voice: 'alloy',
        input: 'Hello there.',
      });
      expect((await speech.arrayBuffer()).byteLength).toBeGreaterThan(0);
      await client.audio.speech.create({
        model: 'tts-1-hd',
        voice: 'nova',
        input: 'A longer sentence, in HD.',
      });
      await client.audio.transcriptions.create({ model: 'whisper-1', file: await audio(37) });
      await client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await audio(12) });
      await client.responses.create({
        model: 'gpt-4.1',
        input: 'find and compute',
        tools: [
          { type: 'web_search' },
          { type: 'file_search', vector_store_ids: ['vs_1'] },
          { type: 'code_interpreter', container: { type: 'auto' } },
        ],
      });
      const queued = await client.responses.create({
        model: 'gpt-4.1',
        input: 'background research',
        background: true,
        tools: [{ type: 'web_search' }],
      });
      while ((await client.responses.retrieve(queued.id)).status !== 'completed') {
        // polls: the simulator answers in_progress once, then completed
      }
      await client.responses.retrieve(queued.id);

      const ledger = sim.ledger();
      let expectedUsd = 0;
      for (const [model, t] of Object.entries(ledger.served.models)) {
        const p = PER_1M_TOKENS[model];
        if (p)
          expectedUsd +=
            ((t.input - t.cached_input) * p.input + t.cached_input * p.cached + t.output * p.output) / 1e6;
      }
      const units = ledger.served.units;
      expectedUsd += (units.models['dall-e-3']?.images ?? 0) * (PER_IMAGE['dall-e-3 1792x1024 hd'] ?? 0);
      expectedUsd += (units.models['dall-e-2']?.images ?? 0) * (PER_IMAGE['dall-e-2 256x256 standard'] ?? 0);
      expectedUsd += ((units.models['whisper-1']?.audio_seconds ?? 0) / 60) * PER_MINUTE['whisper-1'];
      for (const model of ['tts-1', 'tts-1-hd'])
        expectedUsd += ((units.models[model]?.characters ?? 0) / 1e6) * (PER_1M_CHARACTERS[model] ?? 0);
      for (const [tool, n] of Object.entries(units.totals.tool_calls ?? {}))
        if (tool !== 'code_interpreter') expectedUsd += (n / 1000) * (PER_1K_CALLS[tool] ?? Number.NaN);
      expectedUsd += (units.totals.containers ?? 0) * PER_CONTAINER_1G;
      expect(units.totals).toEqual({
        images: 6,
        audio_seconds: 37,
        characters: 12 + 25,
        tool_calls: { web_search: 4, file_search: 1, code_interpreter: 2 },
        containers: 1,
      });

      const { port } = server.address() as AddressInfo;
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(series(body, counter(METRIC.images))).toBe(units.totals.images);
      expect(
        series(body, counter(METRIC.images), {
          [ATTR.requestModel]: 'dall-e-2',
          [ATTR.imageSize]: '256x256',
        }),
      ).toBe(3);
      expect(series(body, counter(METRIC.audioDuration))).toBe(units.totals.audio_seconds);
      expect(series(body, counter(METRIC.characters))).toBe(units.totals.characters);
      for (const [tool, n] of Object.entries(units.totals.tool_calls ?? {}))
        expect(series(body, counter(METRIC.toolCalls), { [ATTR.toolType]: tool })).toBe(n);
      expect(series(body, counter(METRIC.inputTokens))).toBe(ledger.served.totals.input);
      expect(series(body, counter(METRIC.outputTokens))).toBe(ledger.served.totals.output);
      const cost = counter(COST_METRIC.cost);
      expect(Math.abs(series(body, cost, { [ATTR.costComponent]: 'api' }) - expectedUsd)).toBeLessThan(1e-9);
      expect(Math.abs(series(body, cost) - expectedUsd)).toBeLessThan(1e-9);
      expect(Math.abs(costs.report().totalUsd - expectedUsd)).toBeLessThan(1e-9);
      expect(body).not.toContain(`${counter(COST_METRIC.unpricedUsage)}{`);
      expect(warnings).toEqual([]);
    } finally {
      await recorder.shutdown();
      await meterProvider.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    }
  });

  it('scrapes the characters of a binary gpt-4o-mini-tts response as unpriced usage with its reason, never $0', async () => {
    const sim = await startSimulator();
    const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const warnings: string[] = [];
    const costs = createCostProcessor({
      meterProvider,
      priceCard: { providers: { '127.0.0.1': 'openai' } },
      logger: { warn: (m) => warnings.push(m) },
    });
    const recorder = createUsageRecorder({ meterProvider, processors: [costs] });
    const client = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
      recorder,
    });
    try {
      await client.audio.speech.create({
        model: 'gpt-4o-mini-tts',
        voice: 'alloy',
        input: 'Twenty characters!!!',
      });
      const { port } = server.address() as AddressInfo;
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const unpriced = counter(COST_METRIC.unpricedUsage);
      expect(
        series(body, unpriced, { [ATTR.unpricedReason]: 'unknown_unit_price', [ATTR.unit]: 'character' }),
      ).toBe(sim.ledger().served.units.totals.characters);
      expect(body).not.toContain(`${counter(COST_METRIC.cost)}{`);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('gpt-4o-mini-tts');
    } finally {
      await recorder.shutdown();
      await meterProvider.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    }
  });
});
