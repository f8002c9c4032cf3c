import { createManualClock, createUsageRecorder } from '@burnrate/sdk';
import { describe, expect, it } from 'vitest';
import { createCostProcessor, loadPriceCard, type PriceCardInput } from '../src/index.js';
import { BudgetSpend } from '../src/internal/budgets/budget-spend.js';
import {
  type BudgetWindow,
  budgetWindowAt,
  SpendHistory,
  WindowTracker,
  windowSpend,
} from '../src/internal/budgets/budget-window.js';
import { createBudgetSpendSource, fleetSpendQuery } from '../src/internal/budgets/fleet-spend.js';
import { llm, testMeter } from './helpers.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();
const HOUR = 3_600_000;

function bounds(
  window: BudgetWindow,
  now: string,
): { start: string | undefined; resetsAt: string | undefined } {
  const b = budgetWindowAt(window, at(now));
  return { start: iso(b.startMs), resetsAt: iso(b.resetsAtMs) };
}

const berlin = (unit: 'day' | 'week' | 'month'): BudgetWindow => ({
  kind: 'calendar',
  unit,
  timeZone: 'Europe/Berlin',
});

describe('calendar budget windows', () => {
  it('starts a month at local midnight of the 1st in the zone and resets at the next 1st', () => {
    // 2026-03-01T00:00 CET is 2026-02-28T23:00Z; 2026-04-01T00:00 CEST (after DST) is 22:00Z.
    expect(bounds(berlin('month'), '2026-03-15T12:00:00Z')).toEqual({
      start: '2026-02-28T23:00:00.000Z',
      resetsAt: '2026-03-31T22:00:00.000Z',
    });
    // One millisecond before the boundary is still February.
    expect(bounds(berlin('month'), '2026-02-28T22:59:59.999Z')).toEqual({
      start: '2026-01-31T23:00:00.000Z',
      resetsAt: '2026-02-28T23:00:00.000Z',
    });
    expect(bounds(berlin('month'), '2026-02-28T23:00:00.000Z').start).toBe('2026-02-28T23:00:00.000Z');
  });

  it('gives the spring-forward day in Europe/Berlin 23 hours and the fall-back day 25', () => {
    const spring = budgetWindowAt(berlin('day'), at('2026-03-29T12:00:00Z'));
    expect([iso(spring.startMs), iso(spring.resetsAtMs)]).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect((spring.resetsAtMs ?? 0) - spring.startMs).toBe(23 * HOUR);
    const fall = budgetWindowAt(berlin('day'), at('2026-10-25T12:00:00Z'));
    expect([iso(fall.startMs), iso(fall.resetsAtMs)]).toEqual([
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
    ]);
    expect((fall.resetsAtMs ?? 0) - fall.startMs).toBe(25 * HOUR);
  });

  it('gives 2026-11-01 in America/New_York 25 hours, from 04:00Z (EDT) to 05:00Z the next day (EST)', () => {
    const ny: BudgetWindow = { kind: 'calendar', unit: 'day', timeZone: 'America/New_York' };
    expect(bounds(ny, '2026-11-01T12:00:00Z')).toEqual({
      start: '2026-11-01T04:00:00.000Z',
      resetsAt: '2026-11-02T05:00:00.000Z',
    });
    const month: BudgetWindow = { kind: 'calendar', unit: 'month', timeZone: 'America/New_York' };
    expect(bounds(month, '2026-11-15T12:00:00Z')).toEqual({
      start: '2026-11-01T04:00:00.000Z',
      resetsAt: '2026-12-01T05:00:00.000Z',
    });
  });

  it('gives the Berlin week of the spring-forward Sunday 167 hours', () => {
    const week = budgetWindowAt(berlin('week'), at('2026-03-25T12:00:00Z'));
    expect([iso(week.startMs), iso(week.resetsAtMs)]).toEqual([
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect((week.resetsAtMs ?? 0) - week.startMs).toBe(167 * HOUR);
  });

  it('starts weeks on Monday at local midnight', () => {
    // 2026-03-04 is a Wednesday; in Tokyo, 2026-03-01T16:00Z is already Monday 2 March, 01:00.
    expect(bounds({ kind: 'calendar', unit: 'week', timeZone: 'UTC' }, '2026-03-04T12:00:00Z')).toEqual({
      start: '2026-03-02T00:00:00.000Z',
      resetsAt: '2026-03-09T00:00:00.000Z',
    });
    expect(
      bounds({ kind: 'calendar', unit: 'week', timeZone: 'Asia/Tokyo' }, '2026-03-01T16:00:00Z'),
    ).toEqual({
      start: '2026-03-01T15:00:00.000Z',
      resetsAt: '2026-03-08T15:00:00.000Z',
    });
  });

  it('starts a day whose midnight the DST change skips at the first instant after the gap', () => {
    // Havana springs from 00:00 CST to 01:00 CDT on 2026-03-08: the day begins at 01:00 CDT, 05:00Z.
    expect(
      bounds({ kind: 'calendar', unit: 'day', timeZone: 'America/Havana' }, '2026-03-08T12:00:00Z'),
    ).toEqual({ start: '2026-03-08T05:00:00.000Z', resetsAt: '2026-03-09T04:00:00.000Z' });
    // Half-hour zones: India's day starts at 18:30Z.
    expect(
      bounds({ kind: 'calendar', unit: 'day', timeZone: 'Asia/Kolkata' }, '2026-09-06T12:00:00Z').start,
    ).toBe('2026-09-05T18:30:00.000Z');
  });
});

describe('spend in a window over two months of minutes', () => {
  it('counts exactly the current UTC month after 84,960 minutes of spend, pruning what came before', () => {
    const history = new SpendHistory();
    const tracker = new WindowTracker({ kind: 'calendar', unit: 'month', timeZone: 'UTC' });
    const rolling = new WindowTracker({ kind: 'rolling', seconds: 86_400 });
    const rollingHistory = new SpendHistory();
    const from = at('2026-01-01T00:00:00Z');
    const minutes = (at('2026-02-28T23:59:00Z') - from) / 60_000 + 1;
    for (let i = 0; i < minutes; i++) {
      const t = from + i * 60_000;
      history.add(0.5, t);
      rollingHistory.add(0.5, t);
      // Read as a decision would, every hour: pruning and the running sum stay in step.
      if (i % 60 === 0) {
        windowSpend(history, tracker, t);
        windowSpend(rollingHistory, rolling, t);
      }
    }
    expect(minutes).toBe(84_960);
    // February: 28 days of minutes at $0.50.
    expect(windowSpend(history, tracker, at('2026-02-28T23:59:30Z'))).toEqual({
      startMs: at('2026-02-01T00:00:00Z'),
      resetsAtMs: at('2026-03-01T00:00:00Z'),
      spentUsd: 28 * 1440 * 0.5,
    });
    expect(windowSpend(history, tracker, at('2026-03-01T00:00:00Z')).spentUsd).toBe(0);
    // The last 24 hours, (now − 1d, now]: 1440 minutes, the oldest made at 00:00 on 28 February.
    expect(windowSpend(rollingHistory, rolling, at('2026-02-28T23:59:30Z'))).toEqual({
      startMs: at('2026-02-27T23:59:30.001Z'),
      resetsAtMs: at('2026-03-01T00:00:00Z'),
      spentUsd: 1440 * 0.5,
    });
  });
});

describe('rolling budget windows', () => {
  it('resets when the oldest spend in the window ages out, and says nothing when the window is empty', () => {
    const w: BudgetWindow = { kind: 'rolling', seconds: 12 * 3600 };
    const history = new SpendHistory();
    history.add(2, at('2026-03-01T08:00:30Z'));
    history.add(3, at('2026-03-01T09:15:00Z'));
    const now = at('2026-03-01T12:00:00Z');
    const start = budgetWindowAt(w, now).startMs;
    expect(history.spentSince(start)).toBe(5);
    expect(iso(budgetWindowAt(w, now, history.oldestSince(start)).resetsAtMs)).toBe(
      '2026-03-01T20:00:30.000Z',
    );
    // Exactly 12 hours after the first spend it has left the window; the second counts on.
    const later = at('2026-03-01T20:00:30Z');
    const laterStart = budgetWindowAt(w, later).startMs;
    expect(history.spentSince(laterStart)).toBe(3);
    expect(iso(budgetWindowAt(w, later, history.oldestSince(laterStart)).resetsAtMs)).toBe(
      '2026-03-01T21:15:00.000Z',
    );
    expect(budgetWindowAt(w, at('2026-03-02T12:00:00Z'), undefined).resetsAtMs).toBeUndefined();
  });
});

/** A card with one model at $1 per 1M input tokens (so 1M tokens cost exactly $1) and `budgets`. */
function card(budgets: PriceCardInput['budgets']): PriceCardInput {
  return { models: { 'flat-model': { input: 1, output: 0 } }, budgets };
}

/** A processor on a recorder with a manual clock, and a way to spend exact dollars at an instant. */
function setup(budgets: PriceCardInput['budgets'], start: string) {
  const clock = createManualClock(at(start));
  const costs = createCostProcessor({ priceCard: card(budgets) });
  createUsageRecorder({ meterProvider: testMeter().meterProvider, clock, processors: [costs] });
  const spend = (usd: number, attributes: Record<string, string> = {}): void =>
    costs.onUsage(llm('flat-model', { input: usd * 1_000_000 }, { attributes }));
  return { clock, costs, spend };
}

describe('a calendar budget in the cost processor', () => {
  it('rolls a month over at midnight in the card time zone: spend before midnight is not counted after', () => {
    const { clock, costs, spend } = setup(
      [{ name: 'search-monthly', amount: 100, window: 'month', timezone: 'Europe/Berlin' }],
      '2026-03-31T21:59:59.000Z', // 23:59:59 CEST on 31 March
    );
    spend(7);
    expect(costs.budgetSpend('search-monthly')).toMatchObject({
      spentUsd: 7,
      startMs: at('2026-02-28T23:00:00Z'),
      resetsAtMs: at('2026-03-31T22:00:00Z'),
      source: 'local',
      failClosed: false,
    });
    clock.set(at('2026-03-31T21:59:59.999Z'));
    expect(costs.budgetSpend('search-monthly')?.spentUsd).toBe(7);
    clock.set(at('2026-03-31T22:00:00.000Z')); // midnight, 1 April, in Berlin
    expect(costs.budgetSpend('search-monthly')).toMatchObject({
      spentUsd: 0,
      startMs: at('2026-03-31T22:00:00Z'),
      resetsAtMs: at('2026-04-30T22:00:00Z'),
    });
    spend(2);
    expect(costs.budgetSpend('search-monthly')?.spentUsd).toBe(2);
    const status = costs.report().budgets[0];
    expect(status).toMatchObject({ name: 'search-monthly', spentUsd: 2, share: 0.02, withinWindow: true });
    expect(iso(status?.windowStartMs)).toBe('2026-03-31T22:00:00.000Z');
    expect(iso(status?.resetsAtMs)).toBe('2026-04-30T22:00:00.000Z');
  });

  it('resets a day budget after the 23 hours of the spring-forward day in Berlin, not after 24', () => {
    const { clock, costs, spend } = setup(
      [{ name: 'daily', amount: 10, window: 'day', timezone: 'Europe/Berlin' }],
      '2026-03-28T23:00:00.000Z', // 00:00 CET on 29 March
    );
    spend(4);
    clock.advance(23 * HOUR - 1);
    expect(costs.budgetSpend('daily')?.spentUsd).toBe(4);
    clock.advance(1);
    expect(costs.budgetSpend('daily')).toMatchObject({ spentUsd: 0, resetsAtMs: at('2026-03-30T22:00:00Z') });
  });

  it('keeps the spend of the 25-hour fall-back day in New York until 05:00Z the next day', () => {
    const { clock, costs, spend } = setup(
      [{ name: 'daily', amount: 10, window: 'day', timezone: 'America/New_York' }],
      '2026-11-01T04:00:00.000Z',
    );
    spend(1.5);
    clock.set(at('2026-11-02T04:59:59.999Z')); // 23:59:59.999 EST, 24h59m after midnight EDT
    expect(costs.budgetSpend('daily')?.spentUsd).toBe(1.5);
    clock.set(at('2026-11-02T05:00:00.000Z'));
    expect(costs.budgetSpend('daily')?.spentUsd).toBe(0);
  });

  it('counts only the spend in the budget scope, and a UTC month when no time zone is given', () => {
    const { costs, spend } = setup(
      [{ name: 'search', amount: 50, window: 'month', scope: { feature: 'search' } }],
      '2026-04-30T23:59:00.000Z',
    );
    spend(3, { feature: 'search' });
    spend(5, { feature: 'chat' });
    expect(costs.budgetSpend('search')).toMatchObject({
      spentUsd: 3,
      startMs: at('2026-04-01T00:00:00Z'),
      resetsAtMs: at('2026-05-01T00:00:00Z'),
    });
    expect(costs.budgetSpend('no-such-budget')).toBeUndefined();
  });

  it('gives a rolling budget its resetsAt from the oldest spend still in the window', () => {
    const { clock, costs, spend } = setup(
      [{ name: 'rolling', amount: 10, window: '12h' }],
      '2026-03-01T08:00:00Z',
    );
    spend(1);
    clock.advance(HOUR);
    spend(2);
    expect(costs.budgetSpend('rolling')).toMatchObject({
      spentUsd: 3,
      resetsAtMs: at('2026-03-01T20:00:00Z'),
    });
    clock.set(at('2026-03-01T20:00:00Z'));
    expect(costs.budgetSpend('rolling')).toMatchObject({
      spentUsd: 2,
      resetsAtMs: at('2026-03-01T21:00:00Z'),
    });
  });
});

describe('an enforced calendar budget', () => {
  it('blocks before midnight in Berlin with resetsAt at the boundary, and lets the call through at midnight', () => {
    const clock = createManualClock(at('2026-03-31T21:00:00.000Z')); // 23:00 CEST, 31 March
    const costs = createCostProcessor({
      priceCard: {
        models: { 'flat-model': { input: 0, output: 1 } },
        budgets: [
          {
            name: 'monthly',
            amount: 10,
            window: 'month',
            timezone: 'Europe/Berlin',
            enforce: { action: 'block' },
          },
        ],
      },
    });
    const recorder = createUsageRecorder({
      meterProvider: testMeter().meterProvider,
      clock,
      processors: [costs],
    });
    // A call estimated and billed at exactly $1: a 1M output-token cap, 1M output tokens, input free.
    const call = (): Error | undefined => {
      const plan = recorder.decideCall(
        {
          provider: 'openai',
          operation: 'chat',
          model: 'flat-model',
          maxOutputTokens: 1_000_000,
          streaming: false,
          content: { messages: [] },
        },
        {},
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
      });
      return undefined;
    };
    for (let i = 0; i < 10; i++) expect(call()).toBeUndefined();
    clock.set(at('2026-03-31T21:59:59.999Z'));
    const refused = call();
    expect(refused).toMatchObject({ budget: 'monthly', spentUsd: 10, limitUsd: 10, reservedUsd: 0 });
    expect((refused as { resetsAt?: Date }).resetsAt?.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    clock.set(at('2026-03-31T22:00:00.000Z')); // 00:00 CEST, 1 April
    expect(call()).toBeUndefined();
    expect(costs.budgetSpend('monthly')).toMatchObject({
      spentUsd: 1,
      resetsAtMs: at('2026-04-30T22:00:00Z'),
    });
  });
});

describe('calendar windows and budgets_source in the price card', () => {
  const issues = (input: PriceCardInput): string[] => {
    try {
      loadPriceCard(input);
      return [];
    } catch (error) {
      return String((error as Error).message)
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/^ {2}- /, ''));
    }
  };

  it('loads window: month with a time zone as a calendar budget of nominal length 30 days', () => {
    const loaded = loadPriceCard({
      budgets: [{ name: 'm', amount: 10, window: 'month', timezone: 'Europe/Berlin' }],
    });
    expect(loaded.budgets[0]).toMatchObject({
      window: 'month',
      windowSeconds: 2_592_000,
      calendar: { unit: 'month', timeZone: 'Europe/Berlin' },
    });
    expect(
      loadPriceCard({ budgets: [{ name: 'w', amount: 1, window: 'week' }] }).budgets[0]?.calendar,
    ).toEqual({
      unit: 'week',
      timeZone: 'UTC',
    });
    expect(
      loadPriceCard({ budgets: [{ name: 'r', amount: 1, window: '30d' }] }).budgets[0]?.calendar,
    ).toBeUndefined();
  });

  it('rejects an unknown time zone with the field, the value and the fix', () => {
    expect(issues({ budgets: [{ name: 'm', amount: 10, window: 'month', timezone: 'Mars/Base' }] })).toEqual([
      'budgets[0].timezone: expected an IANA time zone such as "Europe/Berlin", got "Mars/Base" — fix: write a zone name from the tz database (Europe/Berlin, America/New_York, Asia/Tokyo, UTC)',
    ]);
  });

  it('rejects a time zone on a rolling window, which has no midnight to reset at', () => {
    expect(
      issues({ budgets: [{ name: 'r', amount: 10, window: '30d', timezone: 'Europe/Berlin' }] }),
    ).toEqual([
      'budgets[0].timezone: expected no timezone on a rolling window (it applies to window: day, week or month), got "Europe/Berlin" — fix: remove timezone, or write window: day, week or month to reset at midnight in Europe/Berlin',
    ]);
  });

  it('loads budgets_source with its defaults and rejects a URL that is not http(s), a bad refresh and a bad fail', () => {
    const budgets = [{ name: 'b', amount: 1, window: '1d' }];
    expect(
      loadPriceCard({ budgets, budgets_source: { prometheus: 'http://prom:9090' } }).budgetsSource,
    ).toEqual({
      prometheusUrl: 'http://prom:9090',
      refreshSeconds: 30,
      fail: 'open',
    });
    expect(
      loadPriceCard({ budgets, budgets_source: { prometheus: 'https://p', refresh: '2m', fail: 'closed' } })
        .budgetsSource,
    ).toEqual({ prometheusUrl: 'https://p', refreshSeconds: 120, fail: 'closed' });
    expect(
      issues({ budgets, budgets_source: { prometheus: 'prom:9090', refresh: '30', fail: 'shut' as 'open' } }),
    ).toEqual([
      'budgets_source.refresh: expected a duration from 1s to 60m, such as 30s or 1m, got "30" — fix: write e.g. refresh: 30s (a whole number followed by s or m)',
      'budgets_source.fail: expected open or closed, got "shut" — fix: write fail: open (use local spend while Prometheus is down, the default) or fail: closed (block)',
    ]);
    expect(issues({ budgets, budgets_source: { prometheus: 'ftp://prom' } })).toEqual([
      'budgets_source.prometheus: expected an http or https URL of Prometheus\' HTTP API, got "ftp://prom" — fix: write e.g. prometheus: "http://prometheus:9090" (the base URL; /api/v1/query is added)',
    ]);
  });
});

describe('a fleet reading across a calendar boundary', () => {
  // Window math with an injected clock; the HTTP side against a real Prometheus is in
  // fleet-budget-prometheus.test.ts. Here Prometheus' answer is fixed: the fleet spent $50.
  it("queries the exact time since local midnight, and drops the last period's fleet value at the boundary", async () => {
    const clock = createManualClock(at('2026-03-31T21:59:00.000Z')); // 23:59 CEST, 31 March
    const queries: string[] = [];
    const budgets = [{ name: 'm', amount: 100, window: 'month', timezone: 'Europe/Berlin' }];
    const loaded = loadPriceCard({
      models: { 'flat-model': { input: 1, output: 0 } },
      budgets,
      budgets_source: { prometheus: 'http://prometheus.invalid:9090', refresh: '60m' },
    });
    const local = new BudgetSpend(loaded.budgets);
    const warnings: string[] = [];
    const source = createBudgetSpendSource({
      local,
      source: loaded.budgetsSource,
      clock: () => clock.now(),
      warn: (_k, m) => warnings.push(m),
      fetch: async (url) => {
        queries.push(new URL(String(url)).searchParams.get('query') ?? '');
        return new Response(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: [0, '50'] }] },
          }),
        );
      },
    });
    local.add({}, undefined, 4, clock.now());
    await source.refresh();
    // From 2026-02-28T23:00Z (1 March, 00:00 CET) to 21:59Z on 31 March: 30 days and 22h59m.
    const rangeMs = at('2026-03-31T21:59:00.000Z') - at('2026-02-28T23:00:00.000Z');
    expect(queries[0]).toBe(fleetSpendQuery({ scope: {} }, rangeMs));
    expect(queries[0]).toContain(`[${rangeMs}ms]`);
    local.add({}, undefined, 1, at('2026-03-31T21:59:30.000Z'));
    clock.set(at('2026-03-31T21:59:59.999Z'));
    // The fleet's $50 at the refresh (this replica's $4 in it) plus the $1 since.
    expect(source.read('m', clock.now())).toMatchObject({ spentUsd: 51, source: 'fleet', failClosed: false });
    clock.set(at('2026-03-31T22:00:00.000Z'));
    expect(source.read('m', clock.now())).toMatchObject({
      spentUsd: 0,
      source: 'fleet',
      resetsAtMs: at('2026-04-30T22:00:00Z'),
    });
    local.add({}, undefined, 2, clock.now());
    expect(source.spentUsd('m', clock.now())).toBe(2);
    expect(warnings).toEqual([]);
  });
});
