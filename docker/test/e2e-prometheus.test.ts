/**
 * End to end with real Prometheus and Alertmanager (Debian packages): three replicas of the
 * instrumented demo app call the simulator, Prometheus scrapes them and evaluates the rules
 * generated from a price card's budgets, Alertmanager routes the low budget's alert to a webhook.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrometheusRules } from '@burnrate/rules';
import { PROM } from '@burnrate/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPriceCard } from '../../packages/cost-processor/src/index.js';
import { type Simulator, startSimulator } from '../../packages/llm-simulator/src/index.js';
import {
  localAlertmanagerConfig,
  localPrometheusConfig,
  type RunningAlertmanager,
  type RunningPrometheus,
  type RunningReplica,
  startAlertmanager,
  startPrometheus,
  startReplica,
  startWebhookReceiver,
  stopAll,
  type WebhookReceiver,
  waitFor,
} from './harness/index.js';
import { stringifyYaml } from './harness/yaml.js';

/** Explicit prices of the test's card, USD per 1M tokens. */
const PRICES: Record<string, { input: number; cached_input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, cached_input: 0.075, output: 0.6 },
  'text-embedding-3-small': { input: 0.02, cached_input: 0.02, output: 0 },
};
const CARD = {
  currency: 'USD',
  providers: { '127.0.0.1': 'openai' },
  models: PRICES,
  budgets: [
    // Set far below what the replicas spend: both thresholds fire at once.
    { name: 'e2e-low', amount: 0.00001, window: '30d', thresholds: [0.5, 1] },
    // Far above: must stay silent.
    { name: 'e2e-high', amount: 1000, window: '30d', scope: { feature: 'search' } },
  ],
};
const REPLICAS = 3;
const CALLS_PER_REPLICA = 24;

function run(cmd: string, args: string[], input: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
    child.stdin?.end(input);
  });
}

describe('end to end: replicas → Prometheus rules → Alertmanager → webhook', () => {
  let dir = '';
  let sim: Simulator | undefined;
  let webhook: WebhookReceiver | undefined;
  let am: RunningAlertmanager | undefined;
  let prom: RunningPrometheus | undefined;
  const replicas: RunningReplica[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-e2e-'));
    const cardPath = join(dir, 'price-card.yaml');
    writeFileSync(cardPath, stringifyYaml(CARD));
    sim = await startSimulator();
    webhook = await startWebhookReceiver();
    am = await startAlertmanager({ config: localAlertmanagerConfig(webhook.url) });
    for (let i = 1; i <= REPLICAS; i++) {
      replicas.push(
        await startReplica(`replica-${i}`, {
          openaiBaseUrl: sim.url,
          priceCard: cardPath,
          calls: CALLS_PER_REPLICA,
          paceMs: 200,
          waitForGo: true,
        }),
      );
    }
    const rules = generatePrometheusRules(loadPriceCard(cardPath).budgets, { job: 'burnrate' });
    prom = await startPrometheus({
      config: localPrometheusConfig(
        replicas.map((r) => r.target),
        new URL(am.url).host,
      ),
      files: new Map(rules.files.map((f) => [f.path, f.content])),
    });
  });

  afterAll(async () => {
    await stopAll([...replicas.map((r) => r.process), prom?.process, am?.process]);
    await Promise.allSettled([prom?.stop(), am?.stop(), webhook?.close(), sim?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes all three replicas before they start calling', async () => {
    const p = prom!;
    const up = await waitFor(
      async () => {
        const r = await p.query('sum(up{job="burnrate"})');
        return r[0]?.value === REPLICAS ? r[0].value : undefined;
      },
      { what: 'three replicas up', context: () => JSON.stringify(replicas.map((r) => r.process.output())) },
    );
    expect(up).toBe(REPLICAS);
    for (const r of replicas) r.go();
    expect(await Promise.all(replicas.map((r) => r.done()))).toEqual([24, 24, 24]);
  }, 120_000);

  it('sum(burnrate_cost_usd_total) equals the dollars of the simulator ledger at the card prices', async () => {
    const ledger = sim!.ledger();
    expect(ledger.served.totals.requests).toBe(REPLICAS * CALLS_PER_REPLICA);
    expect(ledger.served.totals.cached_input).toBeGreaterThan(0);
    let expectedUsd = 0;
    for (const [model, t] of Object.entries(ledger.served.models)) {
      const p = PRICES[model];
      if (!p) throw new Error(`no price in this test for ${model}`);
      expectedUsd +=
        ((t.input - t.cached_input) * p.input + t.cached_input * p.cached_input + t.output * p.output) / 1e6;
    }
    const p = prom!;
    const scraped = await waitFor(
      async () => {
        const v = (await p.query('sum(burnrate_cost_usd_total)'))[0]?.value;
        return v !== undefined && Math.round(v * 1e9) === Math.round(expectedUsd * 1e9) ? v : undefined;
      },
      { what: `sum(burnrate_cost_usd_total) = ${expectedUsd}` },
    );
    expect(Math.round(scraped * 1e9)).toBe(Math.round(expectedUsd * 1e9));
    const byInstance = await p.query('sum by (instance) (burnrate_cost_usd_total)');
    expect(byInstance.map((s) => s.metric['instance']).sort()).toEqual(replicas.map((r) => r.target).sort());
  }, 60_000);

  it('fires the low budget, routes its critical alert to the critical webhook and inhibits its warning', async () => {
    const hook = webhook!;
    const delivery = await waitFor(
      () =>
        hook.deliveries.find((d) =>
          d.payload.alerts.some(
            (a) =>
              a.status === 'firing' &&
              a.labels['alertname'] === 'BurnrateBudgetThreshold' &&
              a.labels['burnrate_budget'] === 'e2e-low' &&
              a.labels['burnrate_budget_threshold'] === '100',
          ),
        ),
      {
        what: 'the e2e-low 100% alert at the webhook',
        timeoutMs: 45_000,
        context: () => JSON.stringify(hook.deliveries),
      },
    );
    expect(delivery.path).toBe('/critical');
    expect(delivery.payload.receiver).toBe('burnrate-critical');
    const alert = delivery.payload.alerts.find((a) => a.labels['burnrate_budget_threshold'] === '100');
    expect(alert?.labels['severity']).toBe('critical');
    expect(alert?.annotations['summary']).toMatch(
      /^Budget e2e-low has spent \$\S+ of \$0\.00001 \(100% threshold\) in 30d$/,
    );
    expect(alert?.annotations['dashboard']).toBe('http://localhost:3000/d/burnrate-budgets/burnrate-budgets');

    const m = am!;
    const warning = await waitFor(
      async () =>
        (await m.alerts()).find(
          (a) => a.labels['burnrate_budget'] === 'e2e-low' && a.labels['burnrate_budget_threshold'] === '50',
        ),
      { what: 'the e2e-low 50% alert in Alertmanager' },
    );
    expect(warning.status.state).toBe('suppressed');
    expect(warning.status.inhibitedBy.length).toBe(1);
    expect(
      hook.deliveries
        .flatMap((d) => d.payload.alerts)
        .filter((a) => a.labels['burnrate_budget'] === 'e2e-high'),
    ).toEqual([]);
    const high = (await prom!.alerts()).filter((a) => a.labels['burnrate_budget'] === 'e2e-high');
    expect(high).toEqual([]);
  }, 90_000);

  it('promtool check metrics finds nothing wrong with a replica /metrics', async () => {
    const body = await (await fetch(replicas[0]!.metricsUrl)).text();
    // The series the dashboards and rules query for LLM calls are all there, under these exact names.
    for (const name of [
      PROM.cost,
      PROM.requestCostBucket,
      PROM.requestCostSum,
      PROM.requestCostCount,
      PROM.savings,
      PROM.inputTokens,
      PROM.outputTokens,
      PROM.cacheReadTokens,
      PROM.inferenceDurationBucket,
      PROM.inferenceDurationCount,
    ]) {
      expect(body, name).toContain(`\n${name}{`);
    }
    const result = await run('promtool', ['check', 'metrics'], body);
    expect(result).toEqual({ code: 0, out: '' });
  });
});
