import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import {
  createManualClock,
  createUsageRecorder,
  instrumentOpenAI,
  type ManualClock,
  type UsageRecorder,
  withAttributes,
} from '@burnrate/sdk';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../src/budgets/budget-exceeded-error.js';
import { PriceCardError } from '../src/price-card/errors.js';
import { loadPriceCard } from '../src/price-card/load-price-card.js';
import type { PriceCardInput } from '../src/price-card/schema.js';
import { type CostProcessor, createCostProcessor } from '../src/processor/create-cost-processor.js';
import { formatReport, formatUsd } from '../src/report/format-report.js';

/** Explicit prices, USD per 1M tokens: the test computes every dollar from these. */
const PRICE = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
} as const;
type Model = keyof typeof PRICE;

const MODELS: PriceCardInput['models'] = {
  'gpt-4o-mini*': PRICE['gpt-4o-mini'],
  'gpt-4o*': PRICE['gpt-4o'],
};

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const DAY_MS = 86_400_000;
const QUESTION = 'What is our refund policy for damaged goods?';

/** USD of a call at the card's explicit prices. */
function usd(model: Model, input: number, output: number): number {
  const p = PRICE[model];
  return (input * p.input + output * p.output) / 1e6;
}

/** One user message as the estimate counts it: 3 + role + content, plus 3 to prime the reply. */
function estimatedInput(content: string): number {
  return 3 + countTokens('user') + countTokens(content) + 3;
}

/** Dollars compared to 1e-9. */
function nano(n: number): number {
  return Math.round(n * 1e9);
}

interface Fixture {
  sim: Simulator;
  clock: ManualClock;
  costs: CostProcessor;
  recorder: UsageRecorder;
  openai: OpenAI;
  warnings: string[];
  /** The /metrics text of the real Prometheus exporter. */
  scrape(): Promise<string>;
  /** Served requests' usage from the simulator's ledger, in order. */
  served(): { model: string | null; input: number; output: number }[];
  close(): Promise<void>;
}

let open: Fixture | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function fixture(budgets: PriceCardInput['budgets']): Promise<Fixture> {
  const sim = await startSimulator();
  const clock = createManualClock(T0);
  const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m) };
  const costs = createCostProcessor({
    priceCard: { providers: { '127.0.0.1': 'openai' }, models: MODELS, budgets },
    logger,
  });
  const recorder = createUsageRecorder({ meterProvider, processors: [costs], clock, logger });
  const openai = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
    recorder,
  });
  const f: Fixture = {
    sim,
    clock,
    costs,
    recorder,
    openai,
    warnings,
    async scrape() {
      const { port } = server.address() as AddressInfo;
      return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    },
    served: () =>
      sim
        .ledger()
        .requests.filter((r) => r.usage !== null)
        .map((r) => ({ model: r.model, input: r.usage?.input ?? 0, output: r.usage?.output ?? 0 })),
    async close() {
      await recorder.shutdown();
      await meterProvider.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    },
  };
  open = f;
  return f;
}

/** The value of one series on /metrics, by name and label subset. */
function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const head = line.slice(0, line.lastIndexOf(' '));
    if (Object.entries(labels).every(([k, v]) => head.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const ask = (f: Fixture, model: string, feature: string, maxTokens?: number) =>
  withAttributes({ feature }, () =>
    f.openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: QUESTION }],
      ...(maxTokens !== undefined && { max_tokens: maxTokens }),
    }),
  );

describe('budgets with enforce: block', () => {
  it('rejects the call that does not fit before it reaches the simulator, with exact error fields', async () => {
    const sentInput = 6 + countTokens(QUESTION);
    const callUsd = usd('gpt-4o', sentInput, 20);
    const estimateUsd = usd('gpt-4o', estimatedInput(QUESTION), 20);
    const limitUsd = 2.5 * callUsd;
    const f = await fixture([
      {
        name: 'search',
        amount: limitUsd,
        window: '1d',
        scope: { feature: 'search' },
        enforce: { action: 'block' },
      },
    ]);
    await ask(f, 'gpt-4o', 'search', 20);
    f.clock.advance(5 * 60_000);
    await ask(f, 'gpt-4o', 'search', 20);
    f.clock.advance(5 * 60_000);
    const error = await ask(f, 'gpt-4o', 'search', 20).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(BudgetExceededError);
    const e = error as BudgetExceededError;
    expect({
      budget: e.budget,
      scope: e.scope,
      spentUsd: nano(e.spentUsd),
      reservedUsd: e.reservedUsd,
      limitUsd: e.limitUsd,
      estimateUsd: nano(e.estimateUsd),
      resetsAt: e.resetsAt.toISOString(),
    }).toEqual({
      budget: 'search',
      scope: { feature: 'search' },
      spentUsd: nano(2 * callUsd),
      reservedUsd: 0,
      limitUsd,
      estimateUsd: nano(estimateUsd),
      // Rolling 1d: the oldest spend (the first call, at T0) ages out one day later.
      resetsAt: new Date(T0 + DAY_MS).toISOString(),
    });
    expect(e.name).toBe('BudgetExceededError');
    expect(f.sim.ledger().requests).toHaveLength(2);

    const text = await f.scrape();
    const b = { burnrate_budget: 'search' };
    expect(nano(series(text, 'burnrate_budget_spent_usd', b) ?? Number.NaN)).toBe(nano(2 * callUsd));
    expect(series(text, 'burnrate_budget_reserved_usd', b)).toBe(0);
    expect(nano(series(text, 'burnrate_budget_remaining_usd', b) ?? Number.NaN)).toBe(
      nano(limitUsd - 2 * callUsd),
    );
    const decisions = { ...b, burnrate_budget_action: 'allow' };
    expect(series(text, 'burnrate_budget_decisions_total', decisions)).toBe(2);
    expect(series(text, 'burnrate_budget_decisions_total', { ...b, burnrate_budget_action: 'block' })).toBe(
      1,
    );

    // The report's budget section: one blocked call and the dollars it did not spend (its estimate).
    const status = f.costs.report().budgets.find((s) => s.name === 'search');
    expect(status?.enforcement?.blocked.calls).toBe(1);
    expect(nano(status?.enforcement?.blocked.usd ?? 0)).toBe(nano(estimateUsd));
    expect(formatReport(f.costs.report())).toContain(
      `  search [block]: 2 allowed, 1 blocked (${formatUsd(estimateUsd)} not spent), 0 downgraded ($0.00 saved), 0 capped (up to $0.00 saved), 0 warned`,
    );
  });

  it('counts the estimates of the calls in flight in reservedUsd of the error', async () => {
    const estimate = usd('gpt-4o', estimatedInput(QUESTION), 20);
    const f = await fixture([
      { name: 'all', amount: 2.5 * estimate, window: '1d', enforce: { action: 'block' } },
    ]);
    // Two calls in flight (not awaited yet), then a third that does not fit beside them.
    const inFlight = [ask(f, 'gpt-4o', 'search', 20), ask(f, 'gpt-4o', 'search', 20)];
    const e = (await ask(f, 'gpt-4o', 'search', 20).catch((x: unknown) => x)) as BudgetExceededError;
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect([e.spentUsd, nano(e.reservedUsd), nano(e.estimateUsd)]).toEqual([
      0,
      nano(2 * estimate),
      nano(estimate),
    ]);
    await Promise.all(inFlight);
    expect(f.served()).toHaveLength(2);
  });

  it('also rejects through withResponse(), and lets the call through once the oldest spend ages out', async () => {
    const callUsd = usd('gpt-4o', 6 + countTokens(QUESTION), 20);
    const f = await fixture([
      {
        name: 'search',
        amount: 1.5 * callUsd,
        window: '1d',
        scope: { feature: 'search' },
        enforce: { action: 'block' },
      },
    ]);
    await ask(f, 'gpt-4o', 'search', 20);
    await expect(
      withAttributes({ feature: 'search' }, () =>
        f.openai.chat.completions
          .create({ model: 'gpt-4o', messages: [{ role: 'user', content: QUESTION }], max_tokens: 20 })
          .withResponse(),
      ),
    ).rejects.toBeInstanceOf(BudgetExceededError);
    expect(f.sim.ledger().requests).toHaveLength(1);
    f.clock.advance(DAY_MS);
    await ask(f, 'gpt-4o', 'search', 20);
    expect(f.sim.ledger().requests).toHaveLength(2);
  });

  it('leaves other scopes unaffected: a call of another feature goes through while search is blocked', async () => {
    const callUsd = usd('gpt-4o', 6 + countTokens(QUESTION), 20);
    const f = await fixture([
      {
        name: 'search',
        amount: 0.5 * callUsd,
        window: '1d',
        scope: { feature: 'search' },
        enforce: { action: 'block' },
      },
    ]);
    const blocked = (await ask(f, 'gpt-4o', 'search', 20).catch((e: unknown) => e)) as BudgetExceededError;
    expect(blocked).toBeInstanceOf(BudgetExceededError);
    // Nothing spent in the rolling window yet: spend made now ages out one window from now.
    expect(blocked.resetsAt.toISOString()).toBe(new Date(T0 + DAY_MS).toISOString());
    const chat = await ask(f, 'gpt-4o', 'chat', 20);
    expect(chat.usage?.completion_tokens).toBe(20);
    expect(f.served().map((r) => r.model)).toEqual(['gpt-4o']);
    const text = await f.scrape();
    expect(series(text, 'burnrate_budget_spent_usd', { burnrate_budget: 'search' })).toBe(0);
  });

  it('gives resetsAt as the next midnight in the card time zone for a calendar day window', async () => {
    const f = await fixture([
      {
        name: 'daily',
        amount: 1e-9,
        window: 'day',
        timezone: 'America/New_York',
        enforce: { action: 'block' },
      },
    ]);
    const e = (await ask(f, 'gpt-4o', 'search', 20).catch((x: unknown) => x)) as BudgetExceededError;
    // T0 is 05:00 in New York (EST, UTC−5): the next local midnight is 05:00 UTC the next day.
    expect(e.resetsAt.toISOString()).toBe('2026-12-02T05:00:00.000Z');
    expect(f.sim.ledger().requests).toEqual([]);
  });

  it('allows the call when the decision throws, and counts the failure in burnrate.telemetry.dropped', async () => {
    const f = await fixture([{ name: 'all', amount: 1e-9, window: '1d', enforce: { action: 'block' } }]);
    let reads = 0;
    // The estimator reads `role` first and throws; the client reads it again to send the call.
    const message = {
      get role(): 'user' {
        reads += 1;
        if (reads === 1) throw new Error('estimator failed');
        return 'user';
      },
      content: QUESTION,
    };
    const got = await f.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [message],
      max_tokens: 3,
    });
    expect(got.usage?.completion_tokens).toBe(3);
    expect(f.served()).toHaveLength(1);
    const text = await f.scrape();
    expect(series(text, 'burnrate_telemetry_dropped_total', { burnrate_telemetry_cause: 'processor' })).toBe(
      1,
    );
    expect(
      f.warnings.some((w) => w.includes('UsageProcessor.beforeCall failed (Error: estimator failed)')),
    ).toBe(true);
  });
});

describe('budgets with enforce: downgrade, cap_output, warn', () => {
  it('sends a call that does not fit to downgrade_to, priced at its price, with burnrate.budget.action', async () => {
    const sentInput = 6 + countTokens(QUESTION);
    const f = await fixture([
      {
        name: 'search',
        amount: 1.5 * usd('gpt-4o', sentInput, 20),
        window: '1d',
        scope: { feature: 'search' },
        enforce: { action: 'downgrade', downgrade_to: 'gpt-4o-mini' },
      },
    ]);
    await ask(f, 'gpt-4o', 'search', 20);
    const second = await ask(f, 'gpt-4o', 'search', 20);
    // Once crossed, always: the third is downgraded too even though the mini call would fit.
    await ask(f, 'gpt-4o', 'search', 20);
    expect(second.model).toMatch(/^gpt-4o-mini/);
    expect(f.served().map((r) => r.model)).toEqual(['gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini']);

    const text = await f.scrape();
    const miniUsd = usd('gpt-4o-mini', sentInput, 20);
    const downgraded = text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('burnrate_cost_usd_total{') &&
          l.includes('burnrate_budget_action="downgrade"') &&
          l.includes('gen_ai_request_model="gpt-4o-mini"'),
      );
    expect(downgraded).toHaveLength(1);
    expect(nano(Number(downgraded[0]?.split(' ').at(-1)))).toBe(nano(2 * miniUsd));
    expect(
      series(text, 'burnrate_budget_decisions_total', {
        burnrate_budget: 'search',
        burnrate_budget_action: 'downgrade',
      }),
    ).toBe(2);
    const status = f.costs.report().budgets.find((s) => s.name === 'search')?.enforcement;
    expect(status?.downgraded.calls).toBe(2);
    // What the downgrade saved: the same usage at gpt-4o's price minus what was paid.
    expect(nano(status?.downgraded.usd ?? 0)).toBe(nano(2 * (usd('gpt-4o', sentInput, 20) - miniUsd)));
  });

  it('lowers the output cap to what fits and sends it (the simulator serves exactly that many tokens)', async () => {
    const sentInput = 6 + countTokens(QUESTION);
    const first = usd('gpt-4o', sentInput, 20);
    const inputUsd = usd('gpt-4o', estimatedInput(QUESTION), 0);
    const room = 0.9 * first; // left after the first call
    const f = await fixture([
      {
        name: 'search',
        amount: first + room,
        window: '1d',
        scope: { feature: 'search' },
        enforce: { action: 'cap_output', max_output_tokens: 500 },
      },
    ]);
    await ask(f, 'gpt-4o', 'search', 20);
    const capped = await ask(f, 'gpt-4o', 'search', 400);
    const expectedCap = Math.floor((room - inputUsd) / (PRICE['gpt-4o'].output / 1e6));
    expect(expectedCap).toBeGreaterThan(0);
    expect(expectedCap).toBeLessThan(20);
    expect(capped.usage?.completion_tokens).toBe(expectedCap);
    expect(f.served().map((r) => r.output)).toEqual([20, expectedCap]);
    // Not even one output token fits now: cap_output blocks.
    await expect(ask(f, 'gpt-4o', 'search', 400)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(f.served()).toHaveLength(2);
    const status = f.costs.report().budgets.find((s) => s.name === 'search')?.enforcement;
    expect(status?.capped.calls).toBe(1);
    expect(nano(status?.capped.usd ?? 0)).toBe(nano(((400 - expectedCap) * PRICE['gpt-4o'].output) / 1e6));
  });

  it('only records with warn: the call is sent unchanged and counted', async () => {
    const f = await fixture([{ name: 'all', amount: 1e-9, window: '1d', enforce: { action: 'warn' } }]);
    const got = await ask(f, 'gpt-4o', 'search', 5);
    expect(got.usage?.completion_tokens).toBe(5);
    expect(f.served().map((r) => r.model)).toEqual(['gpt-4o']);
    const text = await f.scrape();
    expect(
      series(text, 'burnrate_budget_decisions_total', {
        burnrate_budget: 'all',
        burnrate_budget_action: 'warn',
      }),
    ).toBe(1);
    expect(f.warnings.some((w) => w.includes('budget all would be exceeded'))).toBe(true);
  });
});

describe('reservations', () => {
  it('holds the estimate of a streaming call until its stream ends, then settles to the real cost', async () => {
    const estimate = usd('gpt-4o', estimatedInput(QUESTION), 20);
    const f = await fixture([{ name: 'all', amount: 1, window: '1d', enforce: { action: 'block' } }]);
    const stream = await f.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: QUESTION }],
      max_tokens: 20,
      stream: true,
    });
    const during = await f.scrape();
    expect(
      nano(series(during, 'burnrate_budget_reserved_usd', { burnrate_budget: 'all' }) ?? Number.NaN),
    ).toBe(nano(estimate));
    for await (const _chunk of stream) {
      // drain
    }
    const after = await f.scrape();
    const [served] = f.served();
    expect(series(after, 'burnrate_budget_reserved_usd', { burnrate_budget: 'all' })).toBe(0);
    expect(nano(series(after, 'burnrate_budget_spent_usd', { burnrate_budget: 'all' }) ?? Number.NaN)).toBe(
      nano(usd('gpt-4o', served?.input ?? 0, served?.output ?? 0)),
    );
  });

  it('releases the reservation of a call that failed (429): nothing spent, the next call fits', async () => {
    const estimate = usd('gpt-4o', estimatedInput(QUESTION), 20);
    const f = await fixture([
      { name: 'all', amount: 1.5 * estimate, window: '1d', enforce: { action: 'block' } },
    ]);
    await expect(ask(f, 'gpt-4o:fault=429', 'search', 20)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const text = await f.scrape();
    expect(series(text, 'burnrate_budget_reserved_usd', { burnrate_budget: 'all' })).toBe(0);
    expect(series(text, 'burnrate_budget_spent_usd', { burnrate_budget: 'all' })).toBe(0);
    const ok = await ask(f, 'gpt-4o', 'search', 20);
    expect(ok.usage?.completion_tokens).toBe(20);
  });
});

describe('budgets with enforce under concurrency', () => {
  it('200 concurrent calls against a nearly spent budget stay within it when each call sets its cap', async () => {
    const sentInput = 6 + countTokens(QUESTION);
    const callUsd = usd('gpt-4o', sentInput, 20);
    const estimate = usd('gpt-4o', estimatedInput(QUESTION), 20);
    const spent = 3 * callUsd;
    const fitting = 7;
    // Room for 7.5 estimates: exactly 7 calls fit, wherever rounding falls.
    const limit = spent + (fitting + 0.5) * estimate;
    const f = await fixture([
      {
        name: 'search',
        amount: limit,
        window: '1d',
        scope: { feature: 'search' },
        enforce: { action: 'block' },
      },
    ]);
    for (let i = 0; i < 3; i++) await ask(f, 'gpt-4o', 'search', 20);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => ask(f, 'gpt-4o', 'search', 20)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const blocked = results.filter(
      (r) => r.status === 'rejected' && r.reason instanceof BudgetExceededError,
    ).length;
    expect({ ok, blocked }).toEqual({ ok: fitting, blocked: 200 - fitting });
    expect(f.served()).toHaveLength(3 + fitting);
    const total = f.served().reduce((sum, r) => sum + usd('gpt-4o', r.input, r.output), 0);
    // The stated bound: overspend ≤ Σ over the calls in flight of (real cost − estimate)⁺, here 0.
    const overshootBound = f
      .served()
      .slice(3)
      .reduce((sum, r) => sum + Math.max(0, usd('gpt-4o', r.input, r.output) - estimate), 0);
    expect(overshootBound).toBe(0);
    expect(total).toBeLessThanOrEqual(limit + overshootBound);
    const text = await f.scrape();
    expect(series(text, 'burnrate_budget_reserved_usd', { burnrate_budget: 'search' })).toBe(0);
    expect(nano(series(text, 'burnrate_budget_spent_usd', { burnrate_budget: 'search' }) ?? Number.NaN)).toBe(
      nano(total),
    );
  });

  it('200 concurrent calls without a cap overspend by at most what was in flight beyond the estimates', async () => {
    // Calls without max_tokens are estimated at default_max_output_tokens (8 here); the simulator
    // answers 16-64 tokens, so each admitted call may cost more than it reserved.
    const estimate = usd('gpt-4o', estimatedInput(QUESTION), 8);
    const limit = 10.5 * estimate;
    const f = await fixture([
      {
        name: 'search',
        amount: limit,
        window: '1d',
        scope: { feature: 'search' },
        enforce: { action: 'block', default_max_output_tokens: 8 },
      },
    ]);
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => ask(f, 'gpt-4o', 'search')));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBe(10);
    const served = f.served();
    expect(served).toHaveLength(10);
    const total = served.reduce((sum, r) => sum + usd('gpt-4o', r.input, r.output), 0);
    const inFlightExcess = served.reduce(
      (sum, r) => sum + Math.max(0, usd('gpt-4o', r.input, r.output) - estimate),
      0,
    );
    expect(total).toBeGreaterThan(limit);
    expect(total - limit).toBeLessThanOrEqual(inFlightExcess);
    // Once the real costs are in, the budget is crossed: the next call is blocked.
    await expect(ask(f, 'gpt-4o', 'search')).rejects.toBeInstanceOf(BudgetExceededError);
  });
});

describe('enforce in the price card', () => {
  it('requires downgrade_to for downgrade, naming the field, the value and the fix', () => {
    let error: unknown;
    try {
      loadPriceCard({
        budgets: [
          { name: 'a', amount: 10, window: '1d' },
          { name: 'b', amount: 10, window: '1d', enforce: { action: 'downgrade' } },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PriceCardError);
    expect((error as PriceCardError).message).toContain(
      'budgets[1].enforce.downgrade_to: expected a model name (required when action is downgrade), got nothing — fix: add downgrade_to: the cheaper model calls go to once the budget is crossed, e.g. downgrade_to: gpt-4o-mini',
    );
  });

  it('refuses an unknown action, an unpriced downgrade_to and max_output_tokens on another action', () => {
    const issues = (budget: unknown): string[] => {
      try {
        loadPriceCard({ budgets: [budget] } as PriceCardInput);
        return [];
      } catch (e) {
        return (e as PriceCardError).issues.map((i) => `${i.path}: ${i.expected}`);
      }
    };
    expect(issues({ name: 'a', amount: 1, window: '1d', enforce: { action: 'stop' } })).toEqual([
      'budgets[0].enforce.action: expected block, downgrade, cap_output or warn',
    ]);
    expect(
      issues({
        name: 'a',
        amount: 1,
        window: '1d',
        enforce: { action: 'downgrade', downgrade_to: 'my-llm-9' },
      }),
    ).toEqual([
      'budgets[0].enforce.downgrade_to: expected a model in `models` or in the genai-prices catalog (downgraded calls are counted against the budget at its price)',
    ]);
    expect(
      issues({ name: 'a', amount: 1, window: '1d', enforce: { action: 'block', max_output_tokens: 10 } }),
    ).toEqual([
      'budgets[0].enforce.max_output_tokens: expected no max_output_tokens with action block (it applies to action: cap_output)',
    ]);
    expect(
      loadPriceCard({ budgets: [{ name: 'a', amount: 1, window: '1d', enforce: { action: 'cap_output' } }] })
        .budgets[0]?.enforce,
    ).toEqual({
      action: 'cap_output',
      defaultMaxOutputTokens: 4096,
    });
  });
});
