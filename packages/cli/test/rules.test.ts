import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './helpers.js';

const run = promisify(execFile);

function tempCard(text: string): { dir: string; card: string } {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-rules-'));
  const card = join(dir, 'card.yaml');
  writeFileSync(card, text);
  return { dir, card };
}

const TWO_BUDGETS = [
  'budgets:',
  '  - { name: all-monthly, amount: 500, window: 30d }',
  '  - { name: acme-daily, amount: 5, window: 1d, scope: { tenant: acme }, thresholds: [0.8, 1.0] }',
  '',
].join('\n');

describe('burnrate rules', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await runCli(['rules', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: burnrate rules [options]');
    expect(r.stdout).toContain('--card <file>');
    expect(r.stdout).toContain('--out <dir>');
  });

  it('writes rules that promtool check rules accepts, rule tests that promtool test rules passes, the dashboards and a scrape config', async () => {
    const { dir, card } = tempCard(TWO_BUDGETS);
    const out = join(dir, 'out');
    const r = await runCli(['rules', '--card', card, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'rules')).sort()).toEqual([
      'burnrate-budget-acme-daily.rules.yml',
      'burnrate-budget-all-monthly.rules.yml',
      'burnrate.rules.yml',
    ]);
    expect(readdirSync(join(out, 'tests')).sort()).toEqual([
      'burnrate-budget-acme-daily.burn.test.yml',
      'burnrate-budget-acme-daily.window.test.yml',
      'burnrate-budget-all-monthly.burn.test.yml',
      'burnrate-budget-all-monthly.window.test.yml',
      'burnrate.test.yml',
    ]);
    expect(r.stdout.split('\n')[0]).toBe(
      `wrote 15 files for 2 budgets (all-monthly, acme-daily) into ${out}:`,
    );
    expect(readdirSync(join(out, 'grafana/dashboards')).sort()).toEqual([
      'burnrate-budgets.json',
      'burnrate-gpu.json',
      'burnrate-overview.json',
      'burnrate-savings.json',
      'burnrate-tokens.json',
    ]);
    const budgetsBoard = JSON.parse(
      readFileSync(join(out, 'grafana/dashboards/burnrate-budgets.json'), 'utf8'),
    );
    expect(budgetsBoard.uid).toBe('burnrate-budgets');
    const scrape = parse(readFileSync(join(out, 'prometheus/scrape-config.yml'), 'utf8'));
    expect(scrape.rule_files).toEqual(['rules/*.yml']);
    expect(scrape.scrape_configs[0].job_name).toBe('burnrate');
    expect(scrape.scrape_configs[0].static_configs[0].targets).toEqual(['127.0.0.1:9464']);

    const rules = readdirSync(join(out, 'rules')).map((f) => join(out, 'rules', f));
    const check = await run('promtool', ['check', 'rules', ...rules]);
    expect(check.stdout).toContain('SUCCESS');
    const tests = readdirSync(join(out, 'tests')).map((f) => join(out, 'tests', f));
    const test = await run('promtool', ['test', 'rules', ...tests]);
    expect(test.stdout).not.toContain('FAILED');
    expect(test.stdout.match(/SUCCESS/g)?.length).toBe(5);

    const grafana = parse(
      readFileSync(join(out, 'grafana/provisioning/alerting/burnrate-alerts.yml'), 'utf8'),
    );
    expect(grafana.apiVersion).toBe(1);
    expect(grafana.groups.map((g: { name: string }) => g.name)).toEqual([
      'burnrate-health',
      'burnrate-budget-all-monthly',
      'burnrate-budget-acme-daily',
    ]);
    const budgetRules = readFileSync(join(out, 'rules/burnrate-budget-acme-daily.rules.yml'), 'utf8');
    expect(budgetRules).toContain('tenant="acme"');
  });

  it('removes budget files it generated before once the budget is gone, and keeps other files', async () => {
    const { dir, card } = tempCard(TWO_BUDGETS);
    const out = join(dir, 'out');
    expect((await runCli(['rules', '--card', card, '--out', out])).code).toBe(0);
    writeFileSync(join(out, 'rules', 'mine.yml'), 'groups: []\n');
    writeFileSync(card, 'budgets:\n  - { name: all-monthly, amount: 500, window: 30d }\n');
    const r = await runCli(['rules', '--card', card, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  removed stale rules/burnrate-budget-acme-daily.rules.yml\n');
    expect(existsSync(join(out, 'rules/burnrate-budget-acme-daily.rules.yml'))).toBe(false);
    expect(existsSync(join(out, 'tests/burnrate-budget-acme-daily.burn.test.yml'))).toBe(false);
    expect(existsSync(join(out, 'rules/mine.yml'))).toBe(true);
  });

  it('uses --job in the exporter alerts', async () => {
    const { dir, card } = tempCard(TWO_BUDGETS);
    const out = join(dir, 'out');
    expect((await runCli(['rules', '--card', card, '--out', out, '--job', 'llm-api'])).code).toBe(0);
    expect(readFileSync(join(out, 'rules/burnrate.rules.yml'), 'utf8')).toContain('job="llm-api"');
  });

  it('refuses --job \'\' (up{job=""} matches nothing: an always-firing exporter alert) with exit 2 naming --job and the fix, and writes nothing', async () => {
    const { dir, card } = tempCard(TWO_BUDGETS);
    const out = join(dir, 'out');
    const r = await runCli(['rules', '--card', card, '--out', out, '--job', '']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: --job: expected the job_name of the scrape job in prometheus.yml (e.g. burnrate), got "": up{job=""} matches no target, so BurnrateExporterAbsent would always fire; or leave --job out (default: burnrate)\n(add --help for usage)\n',
    });
    expect(existsSync(out)).toBe(false);
    const spaced = await runCli(['rules', '--card', card, '--out', out, '--job', ' llm-api']);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toContain(
      'error: --job: expected the job_name of the scrape job without surrounding spaces',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an invalid card with exit 1 and writes nothing', async () => {
    const { dir, card } = tempCard('budgets:\n  - { name: x, amount: -5, window: 30d }\n');
    const out = join(dir, 'out');
    const r = await runCli(['rules', '--card', card, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: Invalid price card (${card}): 1 issue\n  - budgets[0].amount: expected a positive number (USD), got -5`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('requires --out (exit 2)', async () => {
    const { card } = tempCard(TWO_BUDGETS);
    const r = await runCli(['rules', '--card', card]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: required option '--out <dir>' not specified");
  });
});
