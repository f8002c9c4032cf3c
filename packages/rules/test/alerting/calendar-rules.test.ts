import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ALERT,
  type BudgetRuleInput,
  calendarWindowNote,
  generatePrometheusRules,
  generatePromtoolTests,
  type PrometheusAlertingRule,
} from '../../src/index.js';

const run = promisify(execFile);

const berlinMonth: BudgetRuleInput = {
  name: 'search-monthly',
  amountUsd: 100,
  window: 'month',
  windowSeconds: 30 * 86_400,
  scope: { feature: 'search' },
  thresholds: [0.5, 0.8, 1],
  calendar: { unit: 'month', timeZone: 'Europe/Berlin' },
};
const newYorkDay: BudgetRuleInput = {
  name: 'acme-daily',
  amountUsd: 5,
  window: 'day',
  windowSeconds: 86_400,
  scope: { tenant: 'acme' },
  thresholds: [0.8, 1],
  calendar: { unit: 'day', timeZone: 'America/New_York' },
};
const kolkataWeek: BudgetRuleInput = {
  name: 'all-weekly',
  amountUsd: 700,
  window: 'week',
  windowSeconds: 7 * 86_400,
  scope: {},
  thresholds: [1],
  calendar: { unit: 'week', timeZone: 'Asia/Kolkata' },
};

describe('rules of calendar budgets', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('measure the rolling nominal window and say so, exactly, in a calendar_window annotation of every alert', () => {
    const rules = generatePrometheusRules([berlinMonth])
      .document.groups.flatMap((g) => g.rules)
      .filter((r): r is PrometheusAlertingRule => 'alert' in r && r.labels.burnrate_budget !== undefined);
    expect(rules.map((r) => r.alert)).toEqual([
      ALERT.threshold,
      ALERT.threshold,
      ALERT.threshold,
      ALERT.fastBurn,
      ALERT.slowBurn,
      ALERT.forecast,
    ]);
    expect(rules[0]?.expr).toBe('sum(increase(burnrate_cost_usd_total{feature="search"}[30d])) >= 50');
    const note =
      'The budget is per calendar month in Europe/Berlin; PromQL has no calendar increase, so this alert measures the rolling last 30d. ' +
      'Spend made before midnight still counts after it until it is 30d old: after the boundary this alert can still fire and clears gradually, not at midnight. ' +
      'In a 31-day month the 1st has left the last 30d by the 31st; in February the last 30d reach into January. ' +
      'The in-process budget (and its enforcement) resets exactly at midnight Europe/Berlin. See docs/budgets-calendar-windows.md.';
    expect(calendarWindowNote(berlinMonth)).toBe(note);
    for (const r of rules) expect(r.annotations.calendar_window).toBe(note);
    const { calendar: _, ...rolling } = berlinMonth;
    expect(calendarWindowNote(rolling)).toBeUndefined();
    expect(calendarWindowNote(newYorkDay)).toContain(
      'On a day with a DST change (23 or 25 hours) the last 24h reach one hour into the day before, or miss the first hour.',
    );
  });

  it('pass `promtool test rules`, including the calendar test across midnight in the budget zone', async () => {
    const budgets = [berlinMonth, newYorkDay, kolkataWeek];
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-promtool-calendar-'));
    dirs.push(dir);
    const tests = generatePromtoolTests(budgets);
    const files = [...generatePrometheusRules(budgets).files, ...tests];
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const calendar = tests.filter((t) => t.path.endsWith('.calendar.test.yml'));
    expect(calendar.map((t) => [t.path, t.document.tests[0]?.name])).toEqual([
      [
        'tests/burnrate-budget-search-monthly.calendar.test.yml',
        'search-monthly (calendar month, Europe/Berlin): spend just before midnight (1970-01-31T23:00:00Z) still alerts after it, until it is 30d old, since the rules measure the rolling 30d',
      ],
      [
        'tests/burnrate-budget-acme-daily.calendar.test.yml',
        'acme-daily (calendar day, America/New_York): spend just before midnight (1970-01-02T05:00:00Z) still alerts after it, until it is 1d old, since the rules measure the rolling 1d',
      ],
      [
        'tests/burnrate-budget-all-weekly.calendar.test.yml',
        'all-weekly (calendar week, Asia/Kolkata): spend just before midnight (1970-01-04T18:30:00Z) still alerts after it, until it is 7d old, since the rules measure the rolling 7d',
      ],
    ]);
    // Fires after midnight with 1.2 x the amount, and the alert carries the note.
    const after = calendar[0]?.document.tests[0]?.alert_rule_test?.[1];
    expect(after?.eval_time).toBe('31d');
    expect(after?.exp_alerts.map((a) => a.exp_labels.burnrate_budget_threshold)).toEqual(['50', '80', '100']);
    expect(after?.exp_alerts[0]?.exp_annotations.calendar_window).toBe(calendarWindowNote(berlinMonth));

    const ruleFiles = files.filter((f) => f.path.startsWith('rules/')).map((f) => join(dir, f.path));
    await run('promtool', ['check', 'rules', ...ruleFiles]);
    // The month budget's window and burn tests are those of any 30d budget (rules.test.ts runs them,
    // ~25 s of promtool); every calendar test and the day and week budgets' tests run here.
    const selected = tests.filter(
      (t) =>
        !/search-monthly\.(window|burn)\.test\.yml$/.test(t.path) && t.path !== 'tests/burnrate.test.yml',
    );
    expect(selected).toHaveLength(3 + 2 * 2);
    const results = await Promise.all(
      selected.map((t) =>
        run('promtool', ['test', 'rules', join(dir, t.path)]).then(
          () => ({ path: t.path, ok: true, out: '' }),
          (e: { stdout?: string; stderr?: string }) => ({
            path: t.path,
            ok: false,
            out: `${e.stdout}${e.stderr}`,
          }),
        ),
      ),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(tests).toHaveLength(1 + 3 * 3);
  }, 120_000);
});
