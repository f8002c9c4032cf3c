import { readFileSync } from 'node:fs';
import {
  COST_METRIC,
  METRIC,
  METRIC_SPECS,
  prometheusNameOf,
  renderMetricReference,
} from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';
import { createManualClock, createUsageRecorder } from '../src/index.js';
import { privateMeter } from './helpers/metrics.js';

describe('the metric contract', () => {
  it('has a spec for every metric name in the constants module, and no other', () => {
    const names = [...Object.values(METRIC), ...Object.values(COST_METRIC)].sort();
    expect(METRIC_SPECS.map((s) => s.name).sort()).toEqual(names);
  });

  it('gives counters the _total suffix the Prometheus exporter adds', () => {
    const byName = Object.fromEntries(METRIC_SPECS.map((s) => [s.name, prometheusNameOf(s)]));
    expect(byName[METRIC.inputTokens]).toBe('gen_ai_client_inference_usage_input_tokens_total');
    expect(byName[COST_METRIC.cost]).toBe('burnrate_cost_usd_total');
    expect(byName[COST_METRIC.gpuHourlyCost]).toBe('burnrate_gpu_hourly_cost_usd');
  });

  it('creates every sdk instrument with the unit and type of its spec', async () => {
    const { meterProvider, reader } = privateMeter();
    const clock = createManualClock();
    const recorder = createUsageRecorder({
      meterProvider,
      clock,
      legacyMetrics: true,
      gpuAccrualIntervalMs: 0,
    });
    recorder.recordLlm({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'o3',
      usage: { input: 10, cacheRead: 1, cacheWrite: 1, output: 10, reasoning: 5 },
      usageSource: 'provider',
      durationS: 1,
      timeToFirstChunkS: 0.5,
      streaming: true,
      units: { images: [{ count: 1 }], audioSeconds: 1, characters: 1, toolCalls: { web_search: 1 } },
    });
    recorder.gpu.reserve({ gpu: 'h100' });
    recorder.gpu.track({ gpu: 'h100' }, () => clock.advance(1));
    recorder.storage.set(1);
    recorder.network.add(1);
    recorder.cache.hit();
    recorder.revenue.add(1);
    const { resourceMetrics } = await reader.collect();
    const seen = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor));
    const sdkSpecs = METRIC_SPECS.filter(
      (s) => s.recordedBy === '@burnrate/sdk' && !s.name.startsWith('hw.'),
    );
    expect(seen.map((d) => d.name).sort()).toEqual(sdkSpecs.map((s) => s.name).sort());
    for (const d of seen) {
      const spec = METRIC_SPECS.find((s) => s.name === d.name);
      expect([d.name, d.unit]).toEqual([spec?.name, spec?.unit]);
    }
  });

  it('docs/metrics.md is generated from the specs (run `pnpm run gen:docs` after changing them)', () => {
    const committed = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderMetricReference());
  });
});
