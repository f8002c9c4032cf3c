import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CostReport } from '@burnrate/cost-processor';
import { LABEL as L, PROM as S } from '@burnrate/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import {
  type BackfilledPrometheus,
  type BackfillSeries,
  startBackfilledPrometheus,
} from './prometheus-backfill.js';

/** Evaluation time: a whole minute in the past, so every query sees exactly the backfilled samples. */
const T = Math.floor(Date.now() / 60_000) * 60 - 120;
const DAY = 86_400;
const S0 = T - DAY - 3600; // before the window: must not count
const W = T - DAY; // window start (Prometheus 2 ranges include both ends, so no extrapolation)
const now = (): number => T * 1000;

const gpt4o = { [L.provider]: 'openai', [L.requestModel]: 'gpt-4o', feature: 'chat' };
const mini = { [L.provider]: 'openai', [L.requestModel]: 'gpt-4o-mini', feature: 'search' };
const series = (name: string, labels: Record<string, string>, ...values: number[]): BackfillSeries => ({
  name,
  labels,
  points: [S0, W, T].map((t, i) => [t, values[i] ?? 0] as const),
});
const withFiveMinutes = (
  name: string,
  labels: Record<string, string>,
  before: number,
  last: number,
): BackfillSeries => ({
  name,
  labels,
  points: [
    [S0, 0],
    [W, 0],
    [T - 300, before],
    [T, last],
  ],
});

const DATA: BackfillSeries[] = [
  series(S.cost, { ...gpt4o, [L.component]: 'api', [L.priceSource]: 'catalog' }, 1, 2, 5),
  series(S.cost, { ...mini, [L.component]: 'api', [L.priceSource]: 'catalog' }, 0.25, 0.25, 0.75),
  series(
    S.cost,
    {
      [L.component]: 'gpu',
      [L.gpuModel]: 'a100-80gb',
      [L.gpuMarket]: 'on_demand',
      [L.priceSource]: 'default',
    },
    0,
    10,
    92.32,
  ),
  series(S.gpuTime, { [L.gpuModel]: 'a100-80gb', [L.gpuMarket]: 'on_demand' }, 0, 10_000, 96_400),
  withFiveMinutes(S.inferenceDurationCount, gpt4o, 0, 30_000),
  withFiveMinutes(S.inferenceDurationSum, gpt4o, 0, 15_000),
  withFiveMinutes(S.inferenceDurationCount, mini, 100, 400),
  // 100 gpt-4o calls that failed (429) in the window: calls, not queries.
  series(S.inferenceDurationCount, { ...gpt4o, [L.errorType]: '429' }, 0, 0, 100),
  withFiveMinutes(S.inferenceDurationSum, mini, 10, 70),
  series(S.requestCostCount, gpt4o, 0, 0, 30_000),
  series(S.requestCostCount, mini, 0, 0, 400),
  series(S.inputTokens, gpt4o, 0, 0, 600_000),
  series(S.inputTokens, mini, 0, 0, 400_000),
  series(S.outputTokens, gpt4o, 0, 0, 100_000),
  series(S.outputTokens, mini, 0, 0, 20_000),
  series(S.cacheReadTokens, mini, 0, 0, 300_000),
  series(S.savings, { ...mini, [L.savingsStrategy]: 'prompt_cache' }, 0, 0, 0.25),
  series(
    S.unpriced,
    {
      [L.provider]: 'openai',
      [L.requestModel]: 'acme-llm-7b',
      [L.unpricedReason]: 'unknown_model',
      [L.unit]: 'token',
    },
    0,
    0,
    1200,
  ),
  series(S.cacheRequests, { [L.cacheResult]: 'hit' }, 0, 0, 40),
  series(S.cacheRequests, { [L.cacheResult]: 'miss' }, 0, 0, 60),
  series(S.revenue, {}, 0, 100, 200),
  // The card the fleet priced with in the window, and one it served only before the window.
  {
    name: S.priceCardInfo,
    labels: {
      [L.cardChecksum]: 'c0ffee0123456789',
      [L.catalogVersion]: '0.1.8',
      [L.cardDefaultsAsOf]: '2026-11-15',
    },
    points: [
      [W, 1],
      [T, 1],
    ],
  },
  {
    name: S.priceCardInfo,
    labels: {
      [L.cardChecksum]: '0ld0ld0ld0ld0ld0',
      [L.catalogVersion]: '0.1.7',
      [L.cardDefaultsAsOf]: '2026-06-01',
    },
    points: [[S0, 1]],
  },
];

let prom: BackfilledPrometheus;
const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-capacity-'));
const cardPath = join(dir, 'card.yaml');
writeFileSync(
  cardPath,
  [
    'deployments:',
    '  - { name: chat, model: gpt-4o, scope: { feature: chat }, batch_size: 4, utilization_target: 0.5 }',
    '  - { name: llama, model: "llama-*", batch_size: 8, utilization_target: 0.7 }',
    '',
  ].join('\n'),
);

beforeAll(async () => {
  prom = await startBackfilledPrometheus(DATA);
});
afterAll(async () => {
  await prom?.stop();
});

describe('burnrate report --prometheus (a real Prometheus over known data)', () => {
  it('reports the increase over the window: total, shares, cost per query, tokens, savings, unpriced, ROI and GPU recommendations in dollars', async () => {
    const r = await runCli(['report', '--prometheus', prom.url, '--window', '1d', '--json'], { now });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { source, report } = JSON.parse(r.stdout) as { source: Record<string, string>; report: CostReport };
    expect(source).toEqual({
      kind: 'prometheus',
      url: prom.url,
      window: '1d',
      evaluatedAt: new Date(T * 1000).toISOString(),
    });
    expect(report.fromMs).toBe((T - DAY) * 1000);
    expect(report.toMs).toBe(T * 1000);
    expect(report.totalUsd).toBeCloseTo(85.82, 9);
    expect(report.components.api.usd).toBeCloseTo(3.5, 9);
    expect(report.components.gpu.usd).toBeCloseTo(82.32, 9);
    expect(report.components.gpu.share).toBeCloseTo(82.32 / 85.82, 9);
    expect(report.bySource['catalog']).toBeCloseTo(3.5, 9);
    expect(report.bySource['default']).toBeCloseTo(82.32, 9);
    expect(report.queries).toBe(30_400);
    expect(report.failedCalls).toBe(100);
    expect(report.costPerQueryUsd).toBeCloseTo(85.82 / 30_400, 12);
    expect(report.projectedMonthlyUsd).toBeCloseTo(85.82 * 30, 9);
    expect(report.tokens).toEqual({
      input: 1_000_000,
      cacheRead: 300_000,
      cacheWrite: 0,
      output: 120_000,
      reasoning: 0,
    });
    expect(
      report.models.map((m) => [
        m.model,
        m.calls,
        m.queries,
        m.failedCalls,
        m.pricedCalls,
        m.inputTokens,
        m.outputTokens,
      ]),
    ).toEqual([
      ['gpt-4o', 30_100, 30_000, 100, 30_000, 600_000, 100_000],
      ['gpt-4o-mini', 400, 400, 0, 400, 400_000, 20_000],
    ]);
    expect(report.models[0]?.usd).toBeCloseTo(3, 9);
    expect(report.gpus).toHaveLength(1);
    expect(report.gpus[0]).toMatchObject({ gpu: 'a100-80gb', market: 'on_demand', gpuSeconds: 86_400 });
    expect(report.gpus[0]?.usdPerHour).toBeCloseTo(3.43, 9);
    expect(report.savings.byStrategy['prompt_cache']).toBeCloseTo(0.25, 9);
    expect(report.unpriced).toEqual([
      {
        reason: 'unknown_model',
        unit: 'token',
        subject: 'openai/acme-llm-7b',
        amount: 1200,
        detail:
          'give the model an explicit price under models: or an alias to a priced model under aliases: in the price card',
      },
    ]);
    expect(report.responseCache).toEqual({ hits: 40, misses: 60 });
    expect(report.revenueUsd).toBeCloseTo(100, 9);
    expect(report.roiPercent).toBeCloseTo(((100 - 85.82) / 85.82) * 100, 9);
    const savings = Object.fromEntries(report.recommendations.map((x) => [x.id, x.estimatedSavingsUsd]));
    expect(Object.keys(savings)).toEqual([
      'gpu.int8_quantization',
      'gpu.cheaper_gpu',
      'gpu.dynamic_batching',
      'gpu.spot',
    ]);
    expect(savings['gpu.int8_quantization']).toBeCloseTo(41.16, 9); // half of the GPU spend
    expect(savings['gpu.cheaper_gpu']).toBeCloseTo(24 * (3.43 - 0.53), 9); // 24 h on a T4
    expect(savings['gpu.spot']).toBeCloseTo(24 * (3.43 - 1.3), 9); // 24 h at the spot price
  });

  it('prints the report as a table, with the window and the server as its period', async () => {
    const r = await runCli(['report', '--prometheus', `${prom.url}/`, '--window', '1d'], { now });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'burnrate cost report (USD)',
      `period: the 1d before ${new Date(T * 1000).toISOString()}, from Prometheus at ${prom.url} (increase() over the window)`,
      'total: $85.82',
    ]);
    expect(r.stdout).toContain(
      '\nat this rate: $2,574.60 per 30-day month ($85.82 over the 24.00 h of the period)\n',
    );
    expect(r.stdout).toContain(
      '\nqueries: 30400 (one query = one successful LLM call)\nfailed calls: 100 (ended with an error: not queries; what the provider billed for them is in the total)\n',
    );
    // The GPU row multiplies out: 24.00 h × $3.43 = $82.32.
    expect(r.stdout).toMatch(/\na100-80gb +on_demand +24\.00 +3\.43 +\$82\.32\n/);
    expect(r.stdout).toContain('ROI: 16.5 %');
  });

  it('names the card the fleet served in the window without --card, not the defaults the CLI loaded', async () => {
    const r = await runCli(['report', '--prometheus', prom.url, '--window', '1d', '--json'], { now });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { report: CostReport; servedPriceCards: unknown[] };
    expect(out.report.priceCard).toEqual({
      checksum: 'c0ffee0123456789',
      catalogVersion: '0.1.8',
      defaultsAsOf: '2026-11-15',
      origin: 'as served by the apps Prometheus scraped',
    });
    expect(out.servedPriceCards).toEqual([
      { checksum: 'c0ffee0123456789', catalogVersion: '0.1.8', defaultsAsOf: '2026-11-15' },
    ]);
    const text = await runCli(['report', '--prometheus', prom.url, '--window', '1d'], { now });
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      'price card: as served by the apps Prometheus scraped (checksum c0ffee0123456789, catalog @pydantic/genai-prices 0.1.8, defaults as of 2026-11-15)',
    );
  });

  it('fails with exit 1 when the URL is not a Prometheus API', async () => {
    const r = await runCli(['report', '--prometheus', `${prom.url}/nope`], { now });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: --prometheus: ${prom.url}/nope answered HTTP 404 with something other than Prometheus API JSON (404 page not found); give the Prometheus server's base URL, e.g. http://localhost:9090\n`,
    );
  });

  it('rejects a malformed --window with exit 2', async () => {
    const r = await runCli(['report', '--prometheus', prom.url, '--window', '30 days']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: --window: expected a duration such as 30d, 12h, 5m or 90s (a whole number and one of s, m, h, d, w), got "30 days"',
    );
  });
});

describe('burnrate capacity --prometheus (a real Prometheus over known data)', () => {
  it('measures QPS and latency of every call over 5m: 101 QPS at 0.497 s needs 9 instances of batch 8 at 70 %', async () => {
    const r = await runCli(
      ['capacity', '--prometheus', prom.url, '--batch', '8', '--utilization', '0.7', '--json'],
      {
        now,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.qps).toBeCloseTo(101, 9);
    expect(plan.latencySeconds).toBeCloseTo(15_060 / 30_300, 9);
    expect(plan.requiredInstances).toBe(9);
    expect(plan.measured).toEqual({
      prometheus: prom.url,
      window: '5m',
      qpsQuery: `sum(rate(${S.inferenceDurationCount}[5m]))`,
      latencyQuery: `sum(rate(${S.inferenceDurationSum}[5m])) / sum(rate(${S.inferenceDurationCount}[5m]))`,
    });
  });

  it("takes a deployment's model, scope, batch size and utilization from the card: 100 QPS at 0.5 s needs 25", async () => {
    const r = await runCli(
      ['capacity', '--prometheus', prom.url, '--card', cardPath, '--deployment', 'chat'],
      { now },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'required instances: 25',
      '  ceil(qps 100 × latency 0.5 s / (batch 4 × utilization 0.5)) = ceil(25)',
      `  measured over 5m in Prometheus at ${prom.url} for deployment chat`,
    ]);
    expect(r.stdout).toContain(
      `qps: sum(rate(${S.inferenceDurationCount}{${L.requestModel}=~"(?i)gpt-4o",feature="chat"}[5m]))`,
    );
  });

  it('fails with exit 1 when no calls match the deployment', async () => {
    const r = await runCli(
      ['capacity', '--prometheus', prom.url, '--card', cardPath, '--deployment', 'llama'],
      { now },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: no ${S.inferenceDurationCount} series matching {${L.requestModel}=~"(?i)llama-.*"}`,
    );
  });

  it('fails with exit 1 for a deployment the card does not declare, listing the ones it does', async () => {
    const r = await runCli(
      ['capacity', '--prometheus', prom.url, '--card', cardPath, '--deployment', 'nope'],
      { now },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: --deployment: no deployment "nope" in ${cardPath}; it declares chat, llama\n`,
    );
  });

  it('needs --card for --deployment and batch and utilization without one (exit 2)', async () => {
    const noCard = await runCli(['capacity', '--prometheus', prom.url, '--deployment', 'chat']);
    expect(noCard.code).toBe(2);
    expect(noCard.stderr).toContain(
      'error: --deployment: needs --card FILE, the price card that declares "chat"',
    );
    const noBatch = await runCli(['capacity', '--prometheus', prom.url]);
    expect(noBatch.code).toBe(2);
    expect(noBatch.stderr).toContain(
      'error: capacity: missing --batch <n>, --utilization <fraction>; or give --card FILE --deployment NAME',
    );
  });
});
