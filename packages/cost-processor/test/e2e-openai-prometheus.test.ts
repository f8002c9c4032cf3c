import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '@burnrate/llm-simulator';
import { createUsageRecorder, instrumentOpenAI } from '@burnrate/sdk';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createCostProcessor } from '../src/processor/create-cost-processor.js';

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

function sumSeries(exposition: string, name: string): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('end to end: openai client → simulator → recorder → cost processor → Prometheus', () => {
  it('scrapes burnrate_cost_usd_total equal to the simulator ledger priced at published prices', async () => {
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
      for (const q of ['refunds?', 'shipping?', 'returns?']) {
        await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: LONG_PREFIX },
            { role: 'user', content: q },
          ],
          max_tokens: 20,
        });
      }
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'stream a short answer' }],
        max_tokens: 30,
        stream: true,
      });
      for await (const _chunk of stream) {
        // drain
      }
      await client.chat.completions.create({
        model: 'o3',
        messages: [{ role: 'user', content: 'think about it' }],
        max_completion_tokens: 200,
      });
      await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['alpha beta gamma', 'delta'],
      });

      const ledger = sim.ledger();
      let expectedUsd = 0;
      for (const [model, t] of Object.entries(ledger.served.models)) {
        const p = PUBLISHED[model];
        if (!p) throw new Error(`no published price in this test for ${model}`);
        expectedUsd +=
          ((t.input - t.cached_input) * p.input + t.cached_input * p.cached + t.output * p.output) / 1e6;
      }
      expect(ledger.served.totals.cached_input).toBeGreaterThan(0);
      expect(ledger.served.totals.reasoning).toBeGreaterThan(0);

      const { port } = server.address() as AddressInfo;
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const scraped = sumSeries(body, 'burnrate_cost_usd_total');
      expect(Math.round(scraped * 1e9)).toBe(Math.round(expectedUsd * 1e9));
      expect(Math.round(costs.report().totalUsd * 1e9)).toBe(Math.round(expectedUsd * 1e9));
      expect(body).toMatch(/burnrate_cost_usd_total\{[^}]*burnrate_cost_component="api"[^}]*\}/);
      expect(body).toContain('burnrate_request_cost_usd_bucket');
      expect(sumSeries(body, 'burnrate_savings_usd_total')).toBeGreaterThan(0);
      expect(body).not.toContain('burnrate_unpriced_usage_total{');
      expect(warnings).toEqual([]);
    } finally {
      await recorder.shutdown();
      await meterProvider.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    }
  });
});
