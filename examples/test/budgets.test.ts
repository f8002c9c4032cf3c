import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runExample } from './run-example.js';

const out = mkdtempSync(join(tmpdir(), 'burnrate-budgets-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function promtoolInstalled(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('examples/budgets', () => {
  it('turns the example card into rules, promtool tests and Grafana alerts, and explains a bad card', async () => {
    const run = await runExample('budgets', ['--out', out], { deadlineMs: 50_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const files = run.summary?.['files'] as string[];
    expect(run.summary?.['budgets']).toEqual(['llm-monthly', 'search-weekly', 'acme-daily']);
    expect(files).toEqual([
      'rules/burnrate.rules.yml',
      'rules/burnrate-budget-llm-monthly.rules.yml',
      'rules/burnrate-budget-search-weekly.rules.yml',
      'rules/burnrate-budget-acme-daily.rules.yml',
      'tests/burnrate.test.yml',
      'tests/burnrate-budget-llm-monthly.window.test.yml',
      'tests/burnrate-budget-llm-monthly.burn.test.yml',
      'tests/burnrate-budget-search-weekly.window.test.yml',
      'tests/burnrate-budget-search-weekly.burn.test.yml',
      'tests/burnrate-budget-acme-daily.window.test.yml',
      'tests/burnrate-budget-acme-daily.burn.test.yml',
      'grafana/alerting/burnrate-alerts.yml',
    ]);
    for (const f of files) expect(existsSync(join(out, f)), f).toBe(true);

    // The acme-daily budget ($50 per day) alerts at 80 % = $40 of spend by tenant acme.
    const acme = parse(readFileSync(join(out, 'rules/burnrate-budget-acme-daily.rules.yml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; expr: string; labels?: Record<string, string> }> }>;
    };
    const thresholds = acme.groups[0]?.rules.filter((r) => r.alert === 'BurnrateBudgetThreshold');
    expect(thresholds?.map((r) => [r.expr, r.labels?.['severity']])).toEqual([
      ['sum(increase(burnrate_cost_usd_total{tenant="acme"}[1d])) >= 40', 'warning'],
      ['sum(increase(burnrate_cost_usd_total{tenant="acme"}[1d])) >= 50', 'critical'],
    ]);

    expect(run.stdout).toContain(
      '  search-weekly    $800 per 7d   scope {feature="search"}  alerts at 50 %, 80 %, 100 %',
    );
    expect(run.stdout).toContain(
      '    expr: sum(increase(burnrate_cost_usd_total{feature="search"}[7d])) >= 640\n',
    );
    expect(run.stdout).toContain('burnrate_budget_threshold: "80"');
    expect(run.stdout).toMatch(
      /^ {2}burnrate_budget_limit_usd\{burnrate_budget="acme-daily",burnrate_budget_window="1d".*\} 50$/m,
    );
    if (promtoolInstalled()) expect(run.stdout).toContain('promtool test rules: 7 of 7 test files SUCCESS');
    else expect(run.stdout).toContain('promtool not installed; to test:');

    // Budgets that act (enforce-card.yaml): search blocked before its 3rd call, chat downgraded.
    expect(run.summary?.['enforcement']).toEqual({
      blocked: ['search-daily', 'search-daily'],
      sentModels: ['gpt-4o', 'gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini'],
    });
    expect(run.stdout).toMatch(
      /^ {2}search call 3: BudgetExceededError: budget search-daily spent \$0\.000480 of \$0\.0006, resets \d{4}-\d\d-\d\dT00:00:00\.000Z; not sent \(simulator requests so far: 2\)$/m,
    );
    expect(run.stdout).toContain('  chat call 3: asked for gpt-4o, served by gpt-4o-mini-2024-07-18');
    expect(run.stdout).toMatch(
      /^ {2}burnrate_budget_decisions_total\{burnrate_budget="chat-daily",burnrate_budget_action="downgrade".*\} 2$/m,
    );

    expect(run.stdout).toContain('Invalid price card (bad-card.yaml): 5 issues');
    expect(run.stdout).toContain(
      '  - budgets[0].amount: expected a positive number (USD), got "10k" — fix: write 10000 (a plain number, without quotes, units or suffixes)',
    );
    expect(run.stdout).toContain(
      '  - budgets[0].window: expected a window such as 30d, 7d, 1d, 12h or 90m (rolling) or day, week, month (calendar), got "30 days"',
    );
    expect(run.stdout).toContain(
      '  - gpu.h100.spot: expected a positive number (USD per GPU-hour, spot), got -2',
    );
  }, 60_000);
});
