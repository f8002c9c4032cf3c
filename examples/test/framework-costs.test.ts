import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenAI } from '@ai-sdk/openai';
import { createCostProcessor } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import {
  BurnrateCallbackHandler,
  burnrateEmbeddingMiddleware,
  burnrateMiddleware,
  createUsageRecorder,
} from '@burnrate/sdk';
import { ChatOpenAI } from '@langchain/openai';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { embedMany, generateText, streamText, wrapEmbeddingModel, wrapLanguageModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { parseMetrics } from './run-example.js';

/** Published OpenAI prices, USD per 1M tokens (input, cached input, output). */
const PUBLISHED: Record<string, { input: number; cached: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, cached: 0.075, output: 0.6 },
  o3: { input: 2, cached: 0.5, output: 8 },
  'text-embedding-3-small': { input: 0.02, cached: 0.02, output: 0 },
};

const LONG_PREFIX = Array.from(
  { length: 400 },
  (_, i) => `Rule ${i}: answer briefly and cite the section.`,
).join(' ');

describe('AI SDK and LangChain calls → cost processor → Prometheus', () => {
  it('scrapes tokens and dollars equal to the simulator ledger at published prices, with a throwing processor beside', async () => {
    const sim = await startSimulator();
    const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const warnings: string[] = [];
    const costs = createCostProcessor({ logger: { warn: (m) => warnings.push(m) } });
    const broken = {
      onUsage(): void {
        throw new Error('processor bug');
      },
    };
    const recorder = createUsageRecorder({
      meterProvider,
      processors: [costs, broken],
      logger: { warn: (m) => warnings.push(m) },
    });
    try {
      // The AI SDK: cached input (a repeated long prefix), a reasoning model, a stream, embeddings.
      const openai = createOpenAI({ baseURL: sim.url, apiKey: 'x' });
      const middleware = burnrateMiddleware({ recorder });
      const mini = wrapLanguageModel({ model: openai.chat('gpt-4o-mini'), middleware });
      for (const q of ['refunds?', 'shipping?']) {
        await generateText({ model: mini, system: LONG_PREFIX, prompt: q, maxOutputTokens: 20 });
      }
      await generateText({
        model: wrapLanguageModel({ model: openai('o3'), middleware }),
        prompt: 'think about it',
        maxOutputTokens: 200,
      });
      await streamText({ model: mini, prompt: 'stream a short answer', maxOutputTokens: 30 }).text;
      await embedMany({
        model: wrapEmbeddingModel({
          model: openai.embedding('text-embedding-3-small'),
          middleware: burnrateEmbeddingMiddleware({ recorder }),
        }),
        values: ['alpha beta gamma', 'delta'],
      });

      // LangChain: the same prefix again (cached), and a stream.
      const chat = new ChatOpenAI({
        model: 'gpt-4o-mini',
        apiKey: 'x',
        configuration: { baseURL: sim.url },
        maxRetries: 0,
        maxTokens: 15,
        callbacks: [new BurnrateCallbackHandler({ recorder })],
      });
      await chat.invoke([
        { role: 'system', content: LONG_PREFIX },
        { role: 'user', content: 'returns?' },
      ]);
      for await (const _ of await chat.stream('stream it')) {
        // drain
      }

      const ledger = sim.ledger().served;
      expect(ledger.totals.requests).toBe(7);
      expect(ledger.totals.cached_input).toBeGreaterThan(0);
      expect(ledger.totals.reasoning).toBeGreaterThan(0);
      let expectedUsd = 0;
      for (const [model, t] of Object.entries(ledger.models)) {
        const p = PUBLISHED[model];
        if (!p) throw new Error(`no published price in this test for ${model}`);
        expectedUsd +=
          ((t.input - t.cached_input) * p.input + t.cached_input * p.cached + t.output * p.output) / 1e6;
      }

      const { port } = server.address() as AddressInfo;
      const samples = parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      const sum = (name: string): number =>
        samples.filter((s) => s.name === name).reduce((acc, s) => acc + s.value, 0);
      expect(sum('gen_ai_client_inference_usage_input_tokens_total')).toBe(ledger.totals.input);
      expect(sum('gen_ai_client_inference_usage_cache_read_input_tokens_total')).toBe(
        ledger.totals.cached_input,
      );
      expect(sum('gen_ai_client_inference_usage_output_tokens_total')).toBe(ledger.totals.output);
      expect(sum('gen_ai_client_inference_usage_reasoning_output_tokens_total')).toBe(
        ledger.totals.reasoning,
      );
      expect(sum('burnrate_cost_usd_total')).toBeCloseTo(expectedUsd, 9);
      expect(costs.report().totalUsd).toBeCloseTo(expectedUsd, 9);
      expect(costs.report().queries).toBe(7);
      // Priced by provider name (openai), from the catalog: nothing unpriced.
      expect(samples.filter((s) => s.name === 'burnrate_unpriced_usage_total')).toEqual([]);
      expect(
        new Set(
          samples
            .filter((s) => s.name === 'burnrate_cost_usd_total')
            .map((s) => s.labels['gen_ai_provider_name']),
        ),
      ).toEqual(new Set(['openai']));
      // The throwing processor is warned about once, and every one of its drops is counted.
      expect(warnings.filter((w) => w.includes('processor'))).toHaveLength(1);
    } finally {
      await recorder.shutdown();
      await meterProvider.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    }
  });
});
