import type { LlmCall } from '@burnrate/sdk';
import { PROM } from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';
import { setupBurnrate } from '../src/index.js';
import { scrape, sum } from './helpers.js';

/** A priced chat call of `model` with the given caller attributes. */
const call = (model: string, attributes: Record<string, string>, i: number): LlmCall => ({
  provider: 'openai',
  operation: 'chat',
  requestModel: model,
  usage: { input: 1000 + (i % 7), cacheRead: 0, cacheWrite: 0, output: 100 + (i % 13), reasoning: 0 },
  usageSource: 'provider',
  durationS: 0.5,
  streaming: false,
  attributes,
});

describe('no dollar is lost on /metrics at scale', () => {
  it('at 10,000 label sets (20 models × 10 features × 50 tenants) the dollars on /metrics equal report() to 1e-9', async () => {
    const warnings: string[] = [];
    const br = await setupBurnrate({
      prometheus: { port: 0 },
      priceCard: { models: { 'model-*': { input: 2.5, output: 10 } } },
      logger: { warn: (m) => warnings.push(m) },
    });
    try {
      let i = 0;
      for (let m = 0; m < 20; m++)
        for (let f = 0; f < 10; f++)
          for (let t = 0; t < 50; t++)
            br.recorder.recordLlm(
              call(`model-${m}`, { feature: `feature-${f}`, tenant: `tenant-${t}` }, i++),
            );
      const samples = await scrape(br.metricsUrl as string);
      const onMetrics = sum(samples, PROM.cost);
      const inReport = br.costs.report().totalUsd;
      expect(Math.abs(onMetrics - inReport) / inReport).toBeLessThan(1e-9);
      const costSeries = samples.filter((s) => s.name === PROM.cost);
      // 1998 label sets as themselves plus one that sums the rest: inside the SDK's limit of 2000.
      expect(costSeries).toHaveLength(1999);
      expect(costSeries.filter((s) => s.labels['otel_metric_overflow'] === 'true')).toHaveLength(1);
      expect(warnings.filter((w) => w.includes('label sets'))).toEqual([
        `burnrate: the cost metric passed 1998 label sets; new ones are summed in one series with otel.metric.overflow="true" — totals stay exact, but those dollars carry no model, feature or tenant labels (lower label cardinality, or raise maxSeriesPerMetric with the SDK's cardinality limit)`,
      ]);
    } finally {
      await br.shutdown();
    }
  }, 60_000);

  it('under a flood of 100,000 model names (50,000 priced fine-tunes, 50,000 unknown) keeps series, report rows and warnings bounded, and every dollar', async () => {
    const warnings: string[] = [];
    const br = await setupBurnrate({
      prometheus: { port: 0 },
      priceCard: { models: { 'ft:*': { input: 1, output: 2 } } },
      logger: { warn: (m) => warnings.push(m) },
    });
    try {
      for (let i = 0; i < 50_000; i++) br.recorder.recordLlm(call(`ft:gpt-4o-mini:acme:${i}`, {}, i));
      // And 50,000 names no card prices: unpriced, never $0, and warned about 20 times plus a count.
      for (let i = 0; i < 50_000; i++) br.recorder.recordLlm(call(`unknown-${i}`, {}, i));
      await br.forceFlush();
      const samples = await scrape(br.metricsUrl as string);
      const report = br.costs.report();
      expect(Math.abs(sum(samples, PROM.cost) - report.totalUsd) / report.totalUsd).toBeLessThan(1e-9);
      expect(samples.filter((s) => s.name === PROM.cost).length).toBeLessThanOrEqual(1999);
      expect(samples.filter((s) => s.name === PROM.unpriced).length).toBeLessThanOrEqual(1999);
      expect(report.models.length).toBeLessThanOrEqual(1001);
      expect(report.unpriced.length).toBeLessThanOrEqual(1001);
      expect(report.unpriced.reduce((n, u) => n + u.amount, 0)).toBe(
        Array.from({ length: 50_000 }, (_, i) => 1100 + (i % 7) + (i % 13)).reduce((a, b) => a + b, 0),
      );
      // Token series fold model names past 500 into other; the token totals stay exact.
      const input = samples.filter((x) => x.name === PROM.inputTokens);
      expect(input.length).toBeLessThanOrEqual(501);
      expect(sum(samples, PROM.inputTokens)).toBe(
        2 * Array.from({ length: 50_000 }, (_, i) => 1000 + (i % 7)).reduce((a, b) => a + b, 0),
      );
      expect(input.some((x) => x.labels['gen_ai_request_model'] === 'other')).toBe(true);
      const unknown = warnings.filter((w) => w.includes('unknown_model'));
      expect(unknown).toHaveLength(22);
      expect(unknown.at(-1)).toBe(
        'burnrate: 49980 more unpriced-usage (unknown_model) warnings were suppressed',
      );
    } finally {
      await br.shutdown();
    }
  }, 120_000);
});
