import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-check-'));
function card(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('burnrate check', () => {
  it("prints each enforcing budget's enforcement after its alerts, and puts it in the JSON", async () => {
    const path = card(
      'enforce.yaml',
      [
        'budgets:',
        '  - { name: alerts-only, amount: 500, window: 30d }',
        '  - { name: search, amount: 5, window: 1d, scope: { feature: search }, enforce: { action: block } }',
        '  - { name: chat, amount: 5, window: 1d, enforce: { action: downgrade, downgrade_to: gpt-4o-mini } }',
        '  - { name: long, amount: 5, window: 1d, enforce: { action: cap_output, max_output_tokens: 256, default_max_output_tokens: 1000 } }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['check', '--card', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('    alerts-only: $500 per 30d, alerts at 50 %, 80 %, 100 %\n');
    expect(r.stdout).toContain(
      '    search: $5 per 1d feature=search, alerts at 50 %, 80 %, 100 %; enforced: block (a call that does not fit is rejected with BudgetExceededError before it is sent; calls without an output cap estimated at 4096 output tokens)\n',
    );
    expect(r.stdout).toContain(
      '    chat: $5 per 1d, alerts at 50 %, 80 %, 100 %; enforced: downgrade to gpt-4o-mini (every call that does not fit is sent to it; calls without an output cap estimated at 4096 output tokens)\n',
    );
    expect(r.stdout).toContain(
      '    long: $5 per 1d, alerts at 50 %, 80 %, 100 %; enforced: cap_output (a call that does not fit gets the output cap that fits, at most 256 tokens; blocked when not one token fits; calls without an output cap estimated at 1000 output tokens)\n',
    );
    const json = await runCli(['check', '--card', path, '--json']);
    const s = JSON.parse(json.stdout) as { budgets: { name: string; enforce?: string }[] };
    expect(s.budgets.map((b) => [b.name, b.enforce?.split(' (')[0]])).toEqual([
      ['alerts-only', undefined],
      ['search', 'enforced: block'],
      ['chat', 'enforced: downgrade to gpt-4o-mini'],
      ['long', 'enforced: cap_output'],
    ]);
  });

  it('prints its usage with --help and exits 0', async () => {
    const r = await runCli(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: burnrate check [options]');
    expect(r.stdout).toContain('--card <file>');
    expect(r.stdout).toContain('Exit codes: 0 valid, 1 invalid (every error listed), 2 usage error.');
  });

  it('summarizes a valid card: explicit prices, GPUs from the card, budgets with scope and thresholds, and the scoped attributes the guard always keeps', async () => {
    const path = card(
      'good.yaml',
      [
        'models:',
        '  acme-llm: { input: 1, output: 2 }',
        'gpu:',
        '  a100: { on_demand: 2.5 }',
        'budgets:',
        '  - { name: all-monthly, amount: 500, window: 30d }',
        '  - { name: search-daily, amount: 5, window: 1d, scope: { feature: search }, thresholds: [0.8, 1.0] }',
        '  - { name: acme-weekly, amount: 50, window: 7d, scope: { customer: acme } }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['check', '--card', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: valid price card \\(checksum [0-9a-f]{16}, catalog @pydantic/genai-prices 0\\.1\\.8, defaults as of \\d{4}-\\d{2}-\\d{2}\\)$`,
      ),
    );
    expect(lines.slice(1)).toEqual([
      '  models: 1 explicit price (acme-llm), 0 aliases, 0 multiplier rules; the rest from the catalog',
      '  GPUs: 10 priced, from the card: a100',
      '  budgets: 3',
      '    all-monthly: $500 per 30d, alerts at 50 %, 80 %, 100 %',
      '    search-daily: $5 per 1d feature=search, alerts at 80 %, 100 %',
      '    acme-weekly: $50 per 7d customer=acme, alerts at 50 %, 80 %, 100 %',
      '  always kept by the cardinality guard: feature=search, customer=acme; customer added to its allow-list (so these budgets see their spend)',
      '',
    ]);
  });

  it('prints the summary as JSON with --json', async () => {
    const path = card('json.yaml', 'budgets:\n  - { name: b, amount: 10, window: 7d }\n');
    const r = await runCli(['check', '--card', path, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.valid).toBe(true);
    expect(s.budgets).toEqual([
      { name: 'b', amountUsd: 10, window: '7d', scope: {}, thresholds: [0.5, 0.8, 1] },
    ]);
    expect(s.gpus.fromCard).toEqual([]);
  });

  it('refuses a bad card with exit 1, listing every error with its path, the value and the fix', async () => {
    const path = card(
      'bad.yaml',
      'gpu:\n  a100: { on_demand: -1 }\nbudgets:\n  - name: x\n    amount: 10k\n    window: 30days\n',
    );
    const r = await runCli(['check', '--card', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: Invalid price card (${path}): 3 issues\n` +
        '  - gpu.a100.on_demand: expected a positive number (USD per GPU-hour, on-demand), got -1 — fix: write 1 (prices and amounts are positive; a discount is a multiplier with factor below 1)\n' +
        '  - budgets[0].amount: expected a positive number (USD), got "10k" — fix: write 10000 (a plain number, without quotes, units or suffixes)\n' +
        '  - budgets[0].window: expected a window such as 30d, 7d, 1d, 12h or 90m (rolling) or day, week, month (calendar), got "30days" — fix: write 30d (a whole number followed by m, h, d or w; a month is 30d)\n',
    );
  });

  it('refuses a card whose budget window cannot become promtool-tested rules (exit 1)', async () => {
    const path = card('minutes.yaml', 'budgets:\n  - { name: short, amount: 1, window: 90m }\n');
    const r = await runCli(['check', '--card', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: the budgets cannot become alert rules: budget short: promtool tests need a window of whole hours, got 90m\n',
    );
  });

  it('refuses a missing file with exit 1, naming the path', async () => {
    const path = join(dir, 'nope.yaml');
    const r = await runCli(['check', '--card', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: Invalid price card (${path}): 1 issue`);
    expect(r.stderr).toContain('ENOENT');
  });

  it('requires --card (exit 2)', async () => {
    const r = await runCli(['check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: required option '--card <file>' not specified\n(add --help for usage)\n");
  });
});
