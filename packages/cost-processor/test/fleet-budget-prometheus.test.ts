import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUsageRecorder, type UsageRecorder } from '@burnrate/sdk';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  type RunningPrometheus,
  startPrometheus,
  waitFor,
} from '../../../docker/test/harness/index.js';
import {
  BudgetExceededError,
  type CostProcessor,
  createCostProcessor,
  type PriceCardInput,
} from '../src/index.js';
import { fleetSpendQuery } from '../src/internal/budgets/fleet-spend.js';
import { llm } from './helpers.js';

/** One replica: its own MeterProvider, PrometheusExporter on a free port, recorder and cost processor. */
interface Replica {
  readonly port: number;
  readonly costs: CostProcessor;
  readonly recorder: UsageRecorder;
  readonly warnings: string[];
  /** Dollars this replica spent (the truth the fleet's numbers are checked against). */
  spentUsd: number;
  /** Spends exactly `usd` (a record of `usd` million output tokens at $1 per 1M), bypassing enforcement. */
  spend(usd: number): void;
  /**
   * One $1 call through the decision path wrappers use (decideCall, then recordLlm with its
   * callId): an estimate of exactly $1 (a 1M output-token cap at $1 per 1M, input free), 1M
   * output tokens used.
   * Returns the rejection's error, or undefined when the call was sent.
   */
  call(): Error | undefined;
  stop(): Promise<void>;
}

/**
 * A card with one model at $1 per 1M output tokens (input free, so a call's estimate is its output
 * cap's price) and one blocking budget shared
 * through `budgets_source`.
 */
function card(prometheus: string, extra: Partial<PriceCardInput> = {}): PriceCardInput {
  return {
    models: { 'flat-model': { input: 0, output: 1 } },
    budgets: [
      {
        name: 'shared',
        amount: 95,
        window: '1h',
        scope: { feature: 'search' },
        enforce: { action: 'block' },
      },
    ],
    // The timer would refresh at its own moments; this test refreshes on demand (refreshBudgets) after
    // each scrape, so an hour's timer never fires while it runs.
    budgets_source: { prometheus, refresh: '60m' },
    ...extra,
  };
}

/** The metrics endpoint of a replica: exporter and HTTP server, up before Prometheus is configured. */
async function startEndpoint(): Promise<{
  port: number;
  meterProvider: MeterProvider;
  close(): Promise<void>;
}> {
  const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    meterProvider,
    async close() {
      await meterProvider.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function startReplica(
  priceCard: PriceCardInput,
  endpoint?: Awaited<ReturnType<typeof startEndpoint>>,
): Promise<Replica> {
  const ep = endpoint ?? (await startEndpoint());
  const warnings: string[] = [];
  const costs = createCostProcessor({ priceCard, logger: { warn: (m) => warnings.push(m) } });
  const recorder = createUsageRecorder({ meterProvider: ep.meterProvider, processors: [costs] });
  const replica: Replica = {
    port: ep.port,
    costs,
    recorder,
    warnings,
    spentUsd: 0,
    spend(usd) {
      costs.onUsage(llm('flat-model', { output: usd * 1_000_000 }, { attributes: { feature: 'search' } }));
      replica.spentUsd += usd;
    },
    call() {
      const plan = recorder.decideCall(
        {
          provider: 'openai',
          operation: 'chat',
          model: 'flat-model',
          maxOutputTokens: 1_000_000,
          streaming: false,
          content: { messages: [] },
        },
        { feature: 'search' },
      );
      if (plan.kind === 'reject') return plan.error;
      recorder.recordLlm({
        provider: 'openai',
        operation: 'chat',
        requestModel: plan.model,
        usage: { input: 0, cacheRead: 0, cacheWrite: 0, output: 1_000_000, reasoning: 0 },
        usageSource: 'provider',
        durationS: 1,
        streaming: false,
        served: true,
        ...(plan.callId !== undefined && { callId: plan.callId }),
        attributes: { feature: 'search' },
      });
      replica.spentUsd += 1;
      return undefined;
    },
    async stop() {
      await recorder.shutdown();
      await ep.close();
    },
  };
  return replica;
}

/** What one replica may spend between two refreshes in this test: the "spend of one refresh interval". */
const PER_ROUND_USD = 5;
const AMOUNT_USD = 95;

describe('three replicas sharing one budget through a real Prometheus', () => {
  let prom: RunningPrometheus | undefined;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    const endpoints = await Promise.all([startEndpoint(), startEndpoint(), startEndpoint()]);
    const targets = endpoints.map((e) => `'127.0.0.1:${e.port}'`).join(', ');
    prom = await startPrometheus({
      config: `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: burnrate\n    static_configs: [{ targets: [${targets}] }]\n`,
    });
    const url = prom.url;
    for (const e of endpoints) replicas.push(await startReplica(card(url), e));
  }, 60_000);

  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await prom?.stop();
  });

  /** Waits until Prometheus has scraped every replica's latest spend, then refreshes every replica. */
  async function syncFleet(): Promise<number> {
    const truth = replicas.reduce((sum, r) => sum + r.spentUsd, 0);
    await waitFor(
      async () => {
        const [s] = (await prom?.query('sum(burnrate_cost_usd_total)')) ?? [];
        return truth === 0 || Math.abs((s?.value ?? -1) - truth) < 1e-9;
      },
      { what: `Prometheus to scrape $${truth} from the three replicas`, timeoutMs: 20_000, intervalMs: 100 },
    );
    await Promise.all(replicas.map((r) => r.costs.refreshBudgets()));
    return truth;
  }

  it('blocks the fleet within N × the spend of one refresh interval: $105 spent against $95, bound $110', async () => {
    // Each round, each replica in turn makes $1 calls until enforce: block rejects one, at most
    // PER_ROUND_USD; then Prometheus scrapes and every replica refreshes. Its reading between two
    // refreshes is the fleet's spend at the last refresh plus its own spend since.
    const rounds: number[][] = [];
    const rejections: Error[] = [];
    const firstCallMs = Date.now();
    for (let round = 0; round < 40; round++) {
      const truth = await syncFleet();
      for (const r of replicas) {
        const reading = r.costs.budgetSpend('shared');
        expect(reading?.source).toBe('fleet');
        // Right after a refresh every replica reads the fleet's exact spend.
        expect(reading?.spentUsd).toBeCloseTo(truth, 9);
      }
      const spent = replicas.map((r) => {
        let n = 0;
        while (n < PER_ROUND_USD) {
          const error = r.call();
          if (error) {
            rejections.push(error);
            break;
          }
          n++;
        }
        return n;
      });
      rounds.push(spent);
      if (spent.every((n) => n === 0)) break;
    }
    const total = replicas.reduce((sum, r) => sum + r.spentUsd, 0);
    // Six rounds of $15 reach $90; in the seventh each replica still sees $90 plus its own spend, so
    // each spends $5 ($105); the eighth spends nothing.
    expect(rounds).toEqual([...Array.from({ length: 7 }, () => [5, 5, 5]), [0, 0, 0]]);
    expect(total).toBe(105);
    const overshoot = total - AMOUNT_USD;
    expect(overshoot).toBe(10);
    expect(overshoot).toBeLessThanOrEqual(replicas.length * PER_ROUND_USD);
    // The eighth round's first call on each replica was refused, with the fleet's numbers.
    expect(rejections).toHaveLength(3);
    for (const e of rejections) {
      expect(e).toBeInstanceOf(BudgetExceededError);
      expect(e).toMatchObject({
        budget: 'shared',
        spentUsd: 105,
        reservedUsd: 0,
        limitUsd: 95,
        estimateUsd: 1,
      });
      // This replica's oldest spend in the hour leaves it one hour after it was made.
      const resetsAt = (e as BudgetExceededError).resetsAt.getTime();
      expect(resetsAt).toBeGreaterThanOrEqual(firstCallMs + 3_600_000);
      expect(resetsAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    }
    for (const r of replicas) expect(r.warnings).toEqual([]);
  }, 120_000);

  it("refreshes on its own every refresh interval: another replica's new spend reaches its reading", async () => {
    const url = prom?.url ?? '';
    const watcher = await startReplica(card(url, { budgets_source: { prometheus: url, refresh: '1s' } }));
    try {
      const fleetAt = async (usd: number): Promise<void> => {
        await waitFor(
          () => {
            const r = watcher.costs.budgetSpend('shared');
            return r?.source === 'fleet' && Math.abs(r.spentUsd - usd) < 1e-9;
          },
          { what: `the watcher's timer to read $${usd}`, timeoutMs: 20_000, intervalMs: 100 },
        );
      };
      await fleetAt(105);
      // Spend recorded past enforcement (a record with no decision, as for an unwrapped call).
      replicas[0]?.spend(2.5);
      await fleetAt(107.5);
      expect(watcher.warnings).toEqual([]);
    } finally {
      await watcher.stop();
    }
  });

  it('reads local spend and warns once when Prometheus is unreachable, and blocks with fail: closed', async () => {
    const closedPort = await freePort();
    const down = `http://127.0.0.1:${closedPort}`;
    const open = await startReplica(card(down));
    const closed = await startReplica(
      card(down, { budgets_source: { prometheus: down, refresh: '60m', fail: 'closed' } }),
    );
    try {
      open.spend(3);
      await open.costs.refreshBudgets();
      await open.costs.refreshBudgets();
      expect(open.costs.budgetSpend('shared')).toMatchObject({
        spentUsd: 3,
        source: 'local',
        failClosed: false,
      });
      const bs = open.warnings.filter((w) => w.includes('budgets_source'));
      expect(bs).toHaveLength(1);
      expect(bs[0]).toContain(`burnrate: budgets_source: cannot read the fleet's spend from ${down}:`);
      expect(bs[0]).toContain("budgets count this replica's spend only until it answers (fail: open)");
      // Telemetry being down does not block (fail: open): the call fits the local $3 + $1.
      expect(open.call()).toBeUndefined();

      await closed.costs.refreshBudgets();
      expect(closed.costs.budgetSpend('shared')).toMatchObject({
        spentUsd: 0,
        source: 'local',
        failClosed: true,
      });
      // fail: closed blocks a budget-enforced call while the fleet's spend is unknown.
      expect(closed.call()).toBeInstanceOf(BudgetExceededError);
      expect(closed.spentUsd).toBe(0);
      expect(
        closed.warnings.filter((w) => w.includes('fail: closed, so budget-enforced calls are blocked')),
      ).toHaveLength(1);
    } finally {
      await open.stop();
      await closed.stop();
    }
  });

  it('lets calls through under fail: closed once Prometheus answers, and still enforces the budget', async () => {
    const url = prom?.url ?? '';
    const r = await startReplica(
      card(url, { budgets_source: { prometheus: url, refresh: '60m', fail: 'closed' } }),
    );
    try {
      await r.costs.refreshBudgets();
      expect(r.costs.budgetSpend('shared')).toMatchObject({ source: 'fleet', failClosed: false });
      // The fleet spent $107.50 of $95 in the tests above: refused for the budget, not for Prometheus.
      expect(r.call()).toMatchObject({ budget: 'shared', spentUsd: 107.5 });
    } finally {
      await r.stop();
    }
  });
});

describe('the fleet spend query', () => {
  it('counts increase() for series older than the range and the highest value of series born in it', () => {
    expect(fleetSpendQuery({ scope: { feature: 'search' } }, 3_600_000)).toBe(
      '(sum(increase(burnrate_cost_usd_total{feature="search"}[3600000ms]) and burnrate_cost_usd_total{feature="search"} offset 3600000ms) or vector(0))' +
        ' + (sum(max_over_time(burnrate_cost_usd_total{feature="search"}[3600000ms]) unless burnrate_cost_usd_total{feature="search"} offset 3600000ms) or vector(0))',
    );
  });
});
