import { describe, expect, it } from 'vitest';
import {
  apiCandidate,
  breakEven,
  CompareInputError,
  compare,
  costOf,
  type DeploymentCandidate,
  deploymentCandidate,
  HOURS_PER_MONTH,
  parseDeploymentRef,
} from '../src/compare/index.js';
import { loadPriceCard } from '../src/index.js';

// Known inputs: L4 at the default $0.80/h on demand and $0.38/h spot; an API model with explicit
// prices of $0.15 / $0.60 per 1M input / output tokens; 4 queries/s of 800 input + 200 output tokens.
const L4 = 0.8;
const L4_SPOT = 0.38;
const IN_PRICE = 0.15;
const OUT_PRICE = 0.6;
const workload = { qps: 4, inputTokensPerQuery: 800, outputTokensPerQuery: 200 };

const card = loadPriceCard({
  models: { 'house-model': { provider: 'openai', input: IN_PRICE, output: OUT_PRICE } },
  deployments: [
    {
      name: 'fp16-2xl4',
      model: 'llama-3.1-8b',
      batch_size: 8,
      utilization_target: 0.7,
      gpu: { model: 'L4', count: 2, market: 'on_demand' },
    },
    {
      name: 'int8-1xl4',
      model: 'llama-3.1-8b',
      batch_size: 8,
      utilization_target: 0.7,
      gpu: { model: 'L4', count: 1, market: 'on_demand' },
    },
    { name: 'planning-only', batch_size: 4, utilization_target: 0.5 },
  ],
});

const fp16 = deploymentCandidate(card, { name: 'fp16-2xl4' }, { latencySeconds: 1.2 });
const int8 = deploymentCandidate(card, { name: 'int8-1xl4' }, { latencySeconds: 0.9 });
const api = apiCandidate(card, 'openai/house-model', workload);

describe('compare: two deployments', () => {
  it('prices FP16 on 2×L4 against INT8 on 1×L4 per 1M tokens, per query and per month at the capacity formula’s instances', () => {
    const c = compare(workload, fp16, int8);
    const [a, b] = c.candidates;
    // Instances: ceil(4 × 1.2 / (8 × 0.7)) = ceil(0.857) = 1 and ceil(4 × 0.9 / 5.6) = 1.
    expect(a.deployment?.instances).toBe(1);
    expect(b.deployment?.instances).toBe(1);
    const hourA = 2 * L4;
    const hourB = 1 * L4;
    const queriesPerHour = 4 * 3600;
    expect(a.usdPerHour).toBeCloseTo(hourA, 12);
    expect(a.usdPerQuery).toBeCloseTo(hourA / queriesPerHour, 15);
    // No prefill/decode times given: the cost is split by tokens, 800 of 1000 to input.
    expect(a.deployment?.split).toBe('tokens');
    expect(a.usdPer1MInputTokens).toBeCloseTo(((hourA * 0.8) / (queriesPerHour * 800)) * 1e6, 12);
    expect(a.usdPer1MOutputTokens).toBeCloseTo(((hourA * 0.2) / (queriesPerHour * 200)) * 1e6, 12);
    expect(a.usdPerMonth).toBeCloseTo(hourA * 720, 9);
    expect(b.usdPerMonth).toBeCloseTo(hourB * 720, 9);
    expect(c.cheaper).toBe('int8-1xl4');
    expect(c.monthlyDifferenceUsd).toBeCloseTo((hourA - hourB) * 720, 9);
    expect(c.breakEven).toBeUndefined();
  });

  it('gives the seed’s before/after table from the measured latencies and prices', () => {
    const rows = compare(workload, fp16, int8).beforeAfter ?? [];
    const byMetric = Object.fromEntries(rows.map((r) => [r.metric, r]));
    expect(byMetric['cost_usd_per_day']?.before).toBeCloseTo(2 * L4 * 24, 9);
    expect(byMetric['cost_usd_per_day']?.after).toBeCloseTo(L4 * 24, 9);
    expect(byMetric['cost_usd_per_day']?.change).toBeCloseTo(-0.5, 12);
    expect(byMetric['latency_s']).toEqual({
      metric: 'latency_s',
      before: 1.2,
      after: 0.9,
      change: (0.9 - 1.2) / 1.2,
    });
    // Throughput: batch × utilization ÷ latency queries/s per instance.
    expect(byMetric['throughput_qps_per_instance']?.before).toBeCloseTo((8 * 0.7) / 1.2, 12);
    expect(byMetric['throughput_qps_per_instance']?.after).toBeCloseTo((8 * 0.7) / 0.9, 12);
    expect(byMetric['cost_usd_per_query']?.after).toBeCloseTo(L4 / (4 * 3600), 15);
  });

  it('prices the same GPU set on spot with NAME@spot and splits by prefill time when given', () => {
    const spot = deploymentCandidate(card, parseDeploymentRef('int8-1xl4@spot'), {
      latencySeconds: 0.9,
      prefillShare: 0.25,
    });
    expect(spot.name).toBe('int8-1xl4@spot');
    expect(spot.gpu).toEqual({ model: 'l4', count: 1, market: 'spot', usdPerGpuHour: L4_SPOT });
    const c = compare(workload, int8, spot);
    const b = c.candidates[1];
    expect(b.deployment?.split).toBe('prefill_decode_time');
    expect(b.usdPer1MInputTokens).toBeCloseTo(((L4_SPOT * 0.25) / (4 * 3600 * 800)) * 1e6, 12);
    expect(b.usdPer1MOutputTokens).toBeCloseTo(((L4_SPOT * 0.75) / (4 * 3600 * 200)) * 1e6, 12);
    expect(c.monthlyDifferenceUsd).toBeCloseTo((L4 - L4_SPOT) * HOURS_PER_MONTH, 9);
  });

  it('adds instances in whole GPU sets as the rate grows past one instance’s capacity', () => {
    // 20 queries/s × 0.9 s / (8 × 0.7) = 3.21 → 4 instances of 1 L4.
    const c = costOf({ ...workload, qps: 20 }, int8);
    expect(c.deployment?.instances).toBe(Math.ceil((20 * 0.9) / (8 * 0.7)));
    expect(c.usdPerHour).toBeCloseTo(4 * L4, 12);
  });
});

describe('compare: an API model against a deployment', () => {
  it('prices the API per query and per 1M tokens from the card through the pricer', () => {
    expect(api.name).toBe('openai/house-model');
    expect(api.source).toBe('explicit');
    expect(api.usdPerQuery).toBeCloseTo((800 * IN_PRICE + 200 * OUT_PRICE) / 1e6, 15);
    expect(api.usdPer1MInput).toBeCloseTo(IN_PRICE, 12);
    expect(api.usdPer1MOutput).toBeCloseTo(OUT_PRICE, 12);
  });

  it('finds the break-even rate and the monthly difference at the workload', () => {
    const c = compare(workload, api, int8);
    const perQuery = (800 * IN_PRICE + 200 * OUT_PRICE) / 1e6;
    // One L4 costs $0.80/h = the API's spend at 0.8 / (3600 × 0.00024) = 0.926 queries/s, well within
    // one instance's 5.6 / 0.9 = 6.2 queries/s: one instance is the whole story.
    const q1 = L4 / (3600 * perQuery);
    expect(c.breakEven?.firstInstanceQps).toBeCloseTo(q1, 12);
    expect(c.breakEven?.qps).toBeCloseTo(q1, 12);
    expect(c.breakEven?.instancesAtBreakEven).toBe(1);
    expect(c.candidates[0].usdPerMonth).toBeCloseTo(perQuery * 4 * 3600 * 720, 9);
    expect(c.monthlyDifferenceUsd).toBeCloseTo(perQuery * 4 * 3600 * 720 - L4 * 720, 9);
    expect(c.cheaper).toBe('int8-1xl4');
  });

  it('puts the break-even past the last rate at which a fresh instance still costs more than the API', () => {
    // A slow deployment: one instance serves 1 query/s, so each new instance is a step in its cost.
    const slow: DeploymentCandidate = {
      ...int8,
      name: 'slow',
      batchSize: 1,
      utilizationTarget: 1,
      latencySeconds: 1,
    };
    const be = breakEven(api, slow);
    const perQuery = (800 * IN_PRICE + 200 * OUT_PRICE) / 1e6;
    const q1 = L4 / (3600 * perQuery);
    // Q / (Q − q1) with Q = 1: the last step where the API is cheaper is n = floor(13.5) = 13.
    expect(be.instancesAtBreakEven).toBe(Math.floor(1 / (1 - q1)));
    expect(be.qps).toBeCloseTo(13 * q1, 12);
    // Checked against the definition: the API is cheaper just below, the deployment at rates above.
    const monthly = (qps: number) => ({
      api: costOf({ ...workload, qps }, api).usdPerMonth,
      self: costOf({ ...workload, qps }, slow).usdPerMonth,
    });
    const below = monthly((be.qps ?? 0) - 1e-6);
    expect(below.api).toBeLessThan(below.self);
    for (let qps = (be.qps ?? 0) + 0.001; qps < 40; qps += 0.037) {
      const m = monthly(qps);
      expect(m.self).toBeLessThanOrEqual(m.api);
    }
  });

  it('has no break-even when one full instance costs more per query than the API', () => {
    const cheapApi = { ...api, usdPerQuery: 1e-6 };
    expect(breakEven(cheapApi, int8)).toEqual({
      deployment: 'int8-1xl4',
      api: 'openai/house-model',
      firstInstanceQps: L4 / (3600 * 1e-6),
      qps: null,
      instancesAtBreakEven: null,
    });
  });
});

describe('compare: bad input', () => {
  it('names the deployment and the card’s deployments when it is not there', () => {
    expect(() => deploymentCandidate(card, { name: 'fp8' }, { latencySeconds: 1 })).toThrow(
      '--deployment: no deployment "fp8" in the price card; it declares fp16-2xl4, int8-1xl4, planning-only',
    );
  });

  it('says how to declare GPUs for a deployment without them', () => {
    expect(() => deploymentCandidate(card, { name: 'planning-only' }, { latencySeconds: 1 })).toThrow(
      /deployments\[2\]\.gpu: deployment "planning-only" declares no GPUs; add gpu: \{ model: L4/,
    );
  });

  it('rejects an unknown market and an unpriced API model with the value and the fix', () => {
    expect(() => parseDeploymentRef('int8-1xl4@cheap')).toThrow(CompareInputError);
    expect(() => parseDeploymentRef('int8-1xl4@cheap')).toThrow(
      '--deployment: expected NAME or NAME@MARKET with a market of on_demand, spot, reserved, got "int8-1xl4@cheap"',
    );
    expect(() => apiCandidate(card, 'openai/no-such-model-xyz', workload)).toThrow(
      /^--api: openai\/no-such-model-xyz/,
    );
  });

  it('rejects a workload without queries or tokens, naming the field', () => {
    expect(() => compare({ ...workload, qps: 0 }, fp16, int8)).toThrow('qps: expected a number > 0');
    expect(() => compare({ qps: 1, inputTokensPerQuery: 0, outputTokensPerQuery: 0 }, fp16, int8)).toThrow(
      'inputTokensPerQuery + outputTokensPerQuery',
    );
  });
});
