import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CostReport } from '@burnrate/cost-processor';
import { ENGINE_METRICS, LABEL as L, PROM as S } from '@burnrate/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareOutput } from '../src/index.js';
import { runCli } from './helpers.js';
import {
  type BackfilledPrometheus,
  type BackfillSeries,
  startBackfilledPrometheus,
} from './prometheus-backfill.js';

/** Evaluation time: a whole minute in the past, so every query sees exactly the backfilled samples. */
const T = Math.floor(Date.now() / 60_000) * 60 - 120;
const DAY = 86_400;
const W = T - DAY; // window start (Prometheus 2 ranges include both ends: no extrapolation)
const now = (): number => T * 1000;
const L4 = 0.8;

// What two vLLM servers of the same model served in one day, as their counters say: each 2
// queries/s of 800 input + 200 output tokens; FP16 at 1.2 s per query (0.3 s prefill, 0.9 s decode)
// with 4 requests running on average, INT8 at 0.9 s (0.18 s prefill, 0.72 s decode) with 3.
const QPS = 2;
const REQUESTS = QPS * DAY;
interface Served {
  job: string;
  latency: number;
  prefill: number;
  decode: number;
  running: number;
}
const FP16: Served = { job: 'vllm-fp16', latency: 1.2, prefill: 0.3, decode: 0.9, running: 4 };
const INT8: Served = { job: 'vllm-int8', latency: 0.9, prefill: 0.18, decode: 0.72, running: 3 };
const vllm = ENGINE_METRICS.vllm;
const counter = (name: string, labels: Record<string, string>, increase: number): BackfillSeries => ({
  name,
  labels,
  points: [
    [W - 3600, 0],
    [W, 1000],
    [T, 1000 + increase],
  ],
});
const engine = (s: Served): BackfillSeries[] => {
  const labels = { job: s.job, model_name: 'llama-3.1-8b' };
  return [
    counter(vllm.requests.name, labels, REQUESTS),
    counter(vllm.requestSeconds.name, labels, REQUESTS * s.latency),
    counter(vllm.inputTokens.name, labels, REQUESTS * 800),
    counter(vllm.outputTokens.name, labels, REQUESTS * 200),
    counter(vllm.prefillSeconds.plus.name, labels, REQUESTS * s.prefill),
    counter(vllm.decodeSeconds.plus.name, labels, REQUESTS * s.decode),
    {
      name: vllm.runningRequests,
      labels,
      points: [
        [W, s.running],
        [T, s.running],
      ],
    },
  ];
};
// burnrate's client counters for the API model: 1 successful query/s of 800 + 200 tokens, and
// failed calls (error_type) that are not queries.
const house = { [L.provider]: 'openai', [L.requestModel]: 'house-model' };
const DATA: BackfillSeries[] = [
  ...engine(FP16),
  ...engine(INT8),
  counter(S.inferenceDurationCount, house, DAY),
  counter(S.inferenceDurationCount, { ...house, [L.errorType]: '429' }, 5000),
  counter(S.inputTokens, house, DAY * 800),
  counter(S.outputTokens, house, DAY * 200),
  // The FP16 deployment's two L4s for the day, as the cost processor counted them: all GPU spend.
  counter(
    S.cost,
    { [L.component]: 'gpu', [L.gpuModel]: 'l4', [L.gpuMarket]: 'on_demand', [L.priceSource]: 'default' },
    2 * L4 * 24,
  ),
];

const dir = mkdtempSync(join(tmpdir(), 'burnrate-compare-prom-'));
const CARD = join(dir, 'card.yaml');
writeFileSync(
  CARD,
  `models:
  house-model: { provider: openai, input: 0.15, output: 0.6 }
deployments:
  - name: fp16-2xl4
    model: llama-3.1-8b
    batch_size: 8
    utilization_target: 0.7
    gpu: { model: L4, count: 2, market: on_demand }
    server: { engine: vllm, selector: '{job="${FP16.job}"}' }
  - name: int8-1xl4
    model: llama-3.1-8b
    batch_size: 8
    utilization_target: 0.7
    gpu: { model: L4, count: 1 }
    server: { engine: vllm, selector: '{job="${INT8.job}"}' }
  - name: not-scraped
    model: llama-3.1-8b
    batch_size: 8
    utilization_target: 0.7
    gpu: { model: L4, count: 1 }
    server: { engine: vllm, selector: '{job="vllm-nowhere"}' }
`,
);

let prom: BackfilledPrometheus;
beforeAll(async () => {
  prom = await startBackfilledPrometheus(DATA);
}, 60_000);
afterAll(async () => {
  await prom?.stop();
});

async function compareJson(args: string[]): Promise<CompareOutput> {
  const r = await runCli(
    ['compare', '--card', CARD, '--prometheus', prom.url, '--window', '1d', ...args, '--json'],
    {
      now,
    },
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as CompareOutput;
}

describe('burnrate compare --prometheus (a real Prometheus over known vLLM counters)', () => {
  it('measures QPS, latency, tokens/s, prefill share and busy ratio per deployment from the engine series', async () => {
    const out = await compareJson(['--deployment', 'fp16-2xl4', '--deployment', 'int8-1xl4']);
    expect(out.source).toEqual({ kind: 'prometheus', prometheus: prom.url, window: '1d' });
    const [fp16, int8] = out.observed?.deployments ?? [];
    expect(fp16?.deployment).toBe('fp16-2xl4');
    expect(fp16?.qps).toBeCloseTo(QPS, 9);
    expect(fp16?.latencySeconds).toBeCloseTo(FP16.latency, 9);
    expect(fp16?.inputTokensPerSecond).toBeCloseTo(QPS * 800, 6);
    expect(fp16?.outputTokensPerSecond).toBeCloseTo(QPS * 200, 6);
    expect(fp16?.prefillShare).toBeCloseTo(FP16.prefill / (FP16.prefill + FP16.decode), 9);
    expect(fp16?.busyRatio).toBeCloseTo(FP16.running / 8, 9);
    expect(int8?.latencySeconds).toBeCloseTo(INT8.latency, 9);
    expect(int8?.prefillShare).toBeCloseTo(INT8.prefill / (INT8.prefill + INT8.decode), 9);
    expect(int8?.busyRatio).toBeCloseTo(INT8.running / 8, 9);
    // As deployed (the card's GPU set, idle included) over the tokens it served, split by prefill time.
    const share = FP16.prefill / (FP16.prefill + FP16.decode);
    expect(fp16?.asDeployed?.usdPerHour).toBeCloseTo(2 * L4, 12);
    expect(fp16?.asDeployed?.usdPer1MInputTokens).toBeCloseTo(
      ((2 * L4 * share) / (QPS * 800 * 3600)) * 1e6,
      9,
    );
    expect(fp16?.asDeployed?.usdPer1MOutputTokens).toBeCloseTo(
      ((2 * L4 * (1 - share)) / (QPS * 200 * 3600)) * 1e6,
      9,
    );
    expect(fp16?.asDeployed?.idleUsdPerHour).toBeCloseTo(2 * L4 * (1 - FP16.running / 8), 9);
  });

  it('compares the two at their combined traffic with their own latencies and prefill shares', async () => {
    const out = await compareJson(['--deployment', 'fp16-2xl4', '--deployment', 'int8-1xl4']);
    expect(out.workload.qps).toBeCloseTo(2 * QPS, 9);
    expect(out.workload.inputTokensPerQuery).toBeCloseTo(800, 9);
    expect(out.workload.outputTokensPerQuery).toBeCloseTo(200, 9);
    const [a, b] = out.candidates;
    // ceil(4 × 1.2 / 5.6) = 1 instance of 2 L4s; ceil(4 × 0.9 / 5.6) = 1 of 1 L4.
    expect(a.deployment?.instances).toBe(1);
    expect(b.deployment?.instances).toBe(1);
    const queriesPerHour = 2 * QPS * 3600;
    const share = FP16.prefill / (FP16.prefill + FP16.decode);
    expect(a.usdPer1MInputTokens).toBeCloseTo(((2 * L4 * share) / (queriesPerHour * 800)) * 1e6, 9);
    expect(a.usdPer1MOutputTokens).toBeCloseTo(((2 * L4 * (1 - share)) / (queriesPerHour * 200)) * 1e6, 9);
    expect(b.usdPerQuery).toBeCloseTo(L4 / queriesPerHour, 12);
    expect(out.monthlyDifferenceUsd).toBeCloseTo((2 * L4 - L4) * 720, 6);
    const latency = out.beforeAfter?.find((r) => r.metric === 'latency_s');
    expect(latency?.before).toBeCloseTo(FP16.latency, 9);
    expect(latency?.after).toBeCloseTo(INT8.latency, 9);
  });

  it('adds the API model’s successful calls from burnrate’s client counters to the workload', async () => {
    const out = await compareJson(['--deployment', 'int8-1xl4', '--api', 'openai/house-model']);
    expect(out.observed?.api).toEqual({
      model: 'house-model',
      qps: 1,
      inputTokensPerSecond: 800,
      outputTokensPerSecond: 200,
    });
    // 2 queries/s on the INT8 server + 1 through the API (the 429s are not queries).
    expect(out.workload.qps).toBeCloseTo(3, 9);
    const perQuery = (800 * 0.15 + 200 * 0.6) / 1e6;
    expect(out.candidates[0].usdPerMonth).toBeCloseTo(perQuery * 3 * 3600 * 720, 6);
    expect(out.breakEven?.qps).toBeCloseTo(L4 / (3600 * perQuery), 9);
  });

  it('prints the measurements under the table', async () => {
    const r = await runCli(
      [
        'compare',
        '--card',
        CARD,
        '--prometheus',
        prom.url,
        '--window',
        '1d',
        '--deployment',
        'fp16-2xl4',
        '--deployment',
        'int8-1xl4',
      ],
      { now },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`(measured over 1d in Prometheus at ${prom.url})`);
    expect(r.stdout).toContain(
      'fp16-2xl4 (vllm {job="vllm-fp16"}): 2 queries/s, latency 1.2 s, 1600 input + 400 output tokens/s, prefill share 25.0 %, busy 50.0 %; as deployed $1.60/h = $0.06944 / $0.8333 per 1M input / output tokens, idle $0.80/h',
    );
  });

  it('gives the report’s GPU recommendations the measured savings of INT8 on 1×L4 and of spot', async () => {
    const r = await runCli(['report', '--prometheus', prom.url, '--window', '1d', '--card', CARD, '--json'], {
      now,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const recs = (JSON.parse(r.stdout) as { report: CostReport }).report.recommendations;
    const byId = Object.fromEntries(recs.map((x) => [x.id, x]));
    // The busiest deployment (a tie at 2 queries/s: the card's first) against INT8 at 2 queries/s:
    // ceil(2 × 1.2 / 5.6) = 1 instance of 2 L4s against ceil(2 × 0.9 / 5.6) = 1 of 1 L4.
    expect(byId['gpu.int8_quantization']?.estimatedMonthlySavingsUsd).toBeCloseTo((2 * L4 - L4) * 720, 6);
    expect(byId['gpu.int8_quantization']?.action).toBe(
      'Serve int8-1xl4 (1 × 1 L4 on_demand) instead of fp16-2xl4 (1 × 2 L4 on_demand): $576.00/month less at the observed 2 queries/s.',
    );
    expect(byId['gpu.spot']?.estimatedMonthlySavingsUsd).toBeCloseTo((2 * L4 - 2 * 0.38) * 720, 6);
  });

  it('fails with exit 1 naming the series and the selector to check when a deployment is not scraped', async () => {
    const r = await runCli(
      [
        'compare',
        '--card',
        CARD,
        '--prometheus',
        prom.url,
        '--window',
        '1d',
        '--deployment',
        'not-scraped',
        '--deployment',
        'int8-1xl4',
      ],
      { now },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: no vllm:e2e_request_latency_seconds_count{job="vllm-nowhere"} series in Prometheus at ${prom.url} over the last 1d for deployment not-scraped; check that Prometheus scrapes its vllm server and deployments[2].server.selector`,
    );
  });
});
