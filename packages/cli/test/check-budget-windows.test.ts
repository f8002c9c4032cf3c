import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-check-windows-'));

describe('burnrate check with calendar windows and budgets_source', () => {
  it("prints a calendar budget's time zone and where the fleet's spend is read from, in text and JSON", async () => {
    const path = join(dir, 'calendar.yaml');
    writeFileSync(
      path,
      [
        'budgets:',
        '  - { name: monthly, amount: 100, window: month, timezone: Europe/Berlin }',
        '  - { name: rolling, amount: 5, window: 1d }',
        'budgets_source: { prometheus: "http://prometheus:9090", refresh: 15s, fail: closed }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['check', '--card', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '    monthly: $100 per month (calendar, resets at midnight Europe/Berlin), alerts at 50 %, 80 %, 100 %\n',
    );
    expect(r.stdout).toContain('    rolling: $5 per 1d, alerts at 50 %, 80 %, 100 %\n');
    expect(r.stdout).toContain(
      "  budgets source: the fleet's spend from http://prometheus:9090 every 15s (fail closed: enforced calls blocked while it does not answer)\n",
    );
    const json = JSON.parse((await runCli(['check', '--card', path, '--json'])).stdout) as {
      budgets: { name: string; window: string; timeZone?: string }[];
      budgetsSource?: unknown;
    };
    expect(json.budgets.map((b) => [b.name, b.window, b.timeZone])).toEqual([
      ['monthly', 'month', 'Europe/Berlin'],
      ['rolling', '1d', undefined],
    ]);
    expect(json.budgetsSource).toEqual({
      prometheus: 'http://prometheus:9090',
      refreshSeconds: 15,
      fail: 'closed',
    });
  });

  it('refuses an unknown time zone, naming the field, the value and the fix', async () => {
    const path = join(dir, 'mars.yaml');
    writeFileSync(path, 'budgets:\n  - { name: m, amount: 1, window: month, timezone: Mars/Base }\n');
    const r = await runCli(['check', '--card', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'budgets[0].timezone: expected an IANA time zone such as "Europe/Berlin", got "Mars/Base" — fix: write a zone name from the tz database (Europe/Berlin, America/New_York, Asia/Tokyo, UTC)',
    );
  });
});
