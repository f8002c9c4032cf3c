import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '@burnrate/llm-simulator';
import { METRIC, prometheusName } from '@burnrate/semconv';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { setupBurnrate } from '../src/index.js';
import { parseExposition } from './helpers.js';

describe('setupBurnrate', () => {
  it('serves /metrics on 127.0.0.1 with token counters that match the simulator ledger', async () => {
    const sim = await startSimulator();
    const br = await setupBurnrate({ prometheus: { port: 0 }, attributes: { service: 'checkout' } });
    try {
      expect(br.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const client = br.instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test' }), {
        attributes: { feature: 'search' },
      });
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'a' }],
        max_tokens: 11,
      });
      const s = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'b' }],
        max_tokens: 13,
        stream: true,
      });
      for await (const _ of s) {
        // drain
      }
      br.recorder.gpu.track({ gpu: 'h100' }, () => undefined);

      const text = await (await fetch(br.metricsUrl as string)).text();
      const samples = parseExposition(text);
      const ledger = sim.ledger().served.totals;
      const sum = (name: string) => samples.filter((x) => x.name === name).reduce((a, x) => a + x.value, 0);
      expect(sum(prometheusName(METRIC.inputTokens, 'counter'))).toBe(ledger.input);
      expect(sum(prometheusName(METRIC.outputTokens, 'counter'))).toBe(24);
      const out = samples.find((x) => x.name === 'gen_ai_client_inference_usage_output_tokens_total');
      expect(out?.labels).toMatchObject({
        service: 'checkout',
        feature: 'search',
        gen_ai_operation_name: 'chat',
        gen_ai_request_model: 'gpt-4o-mini',
        gen_ai_provider_name: '127.0.0.1',
      });
      expect(
        samples.some(
          (x) => x.name === 'gen_ai_client_inference_duration_bucket' && x.labels['le'] === '0.01',
        ),
      ).toBe(true);
      expect(samples.some((x) => x.name === 'burnrate_gpu_time_total')).toBe(true);
      expect(text).not.toContain('sk-test');
    } finally {
      await br.shutdown();
      await sim.close();
    }
  });

  it('refuses a port that is already taken, naming the address', async () => {
    const a = await setupBurnrate({ prometheus: { port: 0 } });
    try {
      const port = Number(new URL(a.metricsUrl as string).port);
      await expect(setupBurnrate({ prometheus: { port } })).rejects.toThrow(/EADDRINUSE.*127\.0\.0\.1/);
    } finally {
      await a.shutdown();
    }
  });

  it('starts no server with serve: false and answers scrapes through metricsHandler on the caller’s server', async () => {
    const br = await setupBurnrate({ prometheus: { serve: false } });
    const server = createServer((req, res) => br.metricsHandler?.(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(br.metricsUrl).toBeUndefined();
      br.recorder.revenue.add(12.5, { tenant: 'acme' });
      const text = await (
        await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)
      ).text();
      expect(text).toMatch(
        /^burnrate_revenue_usd_total\{tenant="acme",otel_scope_name="@burnrate\/sdk",otel_scope_version="[^"]+"\} 12\.5$/m,
      );
    } finally {
      server.close();
      await br.shutdown();
    }
  });

  it('starts extra processors with its own MeterProvider and hands them every record after the cost processor', async () => {
    const seen: string[] = [];
    let started: unknown;
    const br = await setupBurnrate({
      prometheus: false,
      processors: [
        {
          start: (ctx) => {
            started = ctx.meterProvider;
          },
          onUsage: (r) => seen.push(r.kind),
        },
      ],
    });
    br.recorder.revenue.add(2);
    expect(started).toBe(br.meterProvider);
    expect(seen).toEqual(['revenue']);
    expect(br.costs.report().revenueUsd).toBe(2);
    await br.shutdown();
  });

  it('builds a pipeline without an endpoint when prometheus is false', async () => {
    const br = await setupBurnrate({ prometheus: false });
    expect(br.metricsUrl).toBeUndefined();
    await br.shutdown();
  });
});
