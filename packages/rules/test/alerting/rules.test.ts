import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ALERT,
  type BudgetRuleInput,
  formatUsdLikeTemplate,
  generateGrafanaAlertRules,
  generatePrometheusRules,
  generatePromtoolTests,
  type PrometheusAlertingRule,
  RulesError,
  resolveAlertingOptions,
  usdTemplate,
} from '../../src/index.js';

const run = promisify(execFile);

const search: BudgetRuleInput = {
  name: 'search-monthly',
  amountUsd: 100,
  window: '30d',
  windowSeconds: 30 * 86_400,
  scope: { feature: 'search' },
  thresholds: [0.5, 0.8, 1],
};

function alerts(budgets: BudgetRuleInput[]): PrometheusAlertingRule[] {
  return generatePrometheusRules(budgets)
    .document.groups.flatMap((g) => g.rules)
    .filter((r): r is PrometheusAlertingRule => 'alert' in r);
}

describe('PromQL helpers', () => {
  it('predicts the dollar template as Go prints it: 4 decimals below $1, 2 from $1, ties to even', () => {
    expect([0, 0.0055, 0.5, 1, 5.625, 5.635, 1234.5, 72_000].map(formatUsdLikeTemplate)).toEqual([
      '0.0000',
      '0.0055',
      '0.5000',
      '1.00',
      '5.62',
      '5.63',
      '1234.50',
      '72000.00',
    ]);
  });
});

describe('generatePrometheusRules', () => {
  it('writes threshold alerts on increase over the window with severity by threshold', () => {
    const thresholds = alerts([search]).filter((a) => a.alert === ALERT.threshold);
    expect(thresholds.map((a) => [a.expr, a.labels.burnrate_budget_threshold, a.labels.severity])).toEqual([
      ['sum(increase(burnrate_cost_usd_total{feature="search"}[30d])) >= 50', '50', 'warning'],
      ['sum(increase(burnrate_cost_usd_total{feature="search"}[30d])) >= 80', '80', 'warning'],
      ['sum(increase(burnrate_cost_usd_total{feature="search"}[30d])) >= 100', '100', 'critical'],
    ]);
    expect(thresholds[1]?.annotations.summary).toBe(
      `Budget search-monthly has spent $${usdTemplate('$value')} of $100 (80% threshold) in 30d`,
    );
  });

  it('writes multi-window burn-rate alerts at 14.4x (1h, 5m) and 6x (6h, 30m) the even rate', () => {
    const byName = new Map(alerts([search]).map((a) => [a.alert, a]));
    // Even rate: $100 / 720h = $0.1389/h; 14.4x = $2/h; 6x = $0.8333/h.
    expect(byName.get(ALERT.fastBurn)?.expr).toBe(
      '(sum(rate(burnrate_cost_usd_total{feature="search"}[1h])) * 3600 > 2) and ' +
        '(sum(rate(burnrate_cost_usd_total{feature="search"}[5m])) * 3600 > 2)',
    );
    expect(byName.get(ALERT.fastBurn)?.for).toBe('2m');
    expect(byName.get(ALERT.slowBurn)?.expr).toBe(
      '(sum(rate(burnrate_cost_usd_total{feature="search"}[6h])) * 3600 > 0.833333333333) and ' +
        '(sum(rate(burnrate_cost_usd_total{feature="search"}[30m])) * 3600 > 0.833333333333)',
    );
    expect(byName.get(ALERT.forecast)?.expr).toBe(
      '(sum(increase(burnrate_cost_usd_total{feature="search"}[30d])) + ' +
        'sum(rate(burnrate_cost_usd_total{feature="search"}[6h])) * 3600 * 168 > 100) and ' +
        '(sum(increase(burnrate_cost_usd_total{feature="search"}[30d])) < 100)',
    );
  });

  it('writes unpriced-usage and exporter alerts for the configured job', () => {
    const rules = generatePrometheusRules([], { job: 'llm-api' }).document.groups.flatMap((g) => g.rules);
    const byName = new Map(
      rules.filter((r): r is PrometheusAlertingRule => 'alert' in r).map((a) => [a.alert, a]),
    );
    expect(byName.get(ALERT.exporterAbsent)?.expr).toBe('(count(up{job="llm-api"}) or vector(0)) < 1');
    expect(byName.get(ALERT.exporterDown)?.expr).toBe('up{job="llm-api"} < 1');
    expect(byName.get(ALERT.unpriced)?.expr).toBe(
      'sum by (burnrate_unpriced_reason, burnrate_unit, gen_ai_provider_name, gen_ai_request_model) ' +
        '((increase(burnrate_unpriced_usage_total[15m]) > 0) or ' +
        '(burnrate_unpriced_usage_total unless burnrate_unpriced_usage_total offset 15m)) > 0',
    );
  });

  it('refuses a budget that cannot become rules, naming the field', () => {
    expect(() => generatePrometheusRules([{ ...search, amountUsd: 0 }])).toThrow(
      'budgets[0].amountUsd: expected a positive number, got 0',
    );
    expect(() => generatePrometheusRules([search, search])).toThrow(
      'budgets[1].name: "search-monthly" is used by another budget',
    );
  });

  it('refuses an empty job, which would make the exporter-absent alert always fire, with a RulesError naming job and the fix', () => {
    const empty =
      'job: expected the job_name of the scrape job in prometheus.yml (e.g. burnrate), got "": up{job=""} matches no target, so BurnrateExporterAbsent would always fire';
    for (const generate of [
      () => generatePrometheusRules([search], { job: '' }),
      () => generatePromtoolTests([search], { job: '' }),
      () => generateGrafanaAlertRules([search], { job: '' }),
      () => resolveAlertingOptions({ job: '' }),
    ]) {
      expect(generate).toThrow(RulesError);
      expect(generate).toThrow(empty);
    }
    expect(() => resolveAlertingOptions({ job: '   ' })).toThrow(
      'job: expected the job_name of the scrape job',
    );
    expect(() => resolveAlertingOptions({ job: 'burnrate ' })).toThrow(
      'job: expected the job_name of the scrape job without surrounding spaces, got "burnrate ": write "burnrate"',
    );
    expect(() => resolveAlertingOptions({ job: 'burn\nrate' })).toThrow('with a control character');
    expect(resolveAlertingOptions({ job: 'llm-api' }).job).toBe('llm-api');
    expect(resolveAlertingOptions({}).job).toBe('burnrate');
  });

  it('splits groups into one file per budget plus the fleet file', () => {
    const files = generatePrometheusRules([search, { ...search, name: 'acme.daily' }]).files.map(
      (f) => f.path,
    );
    expect(files).toEqual([
      'rules/burnrate.rules.yml',
      'rules/burnrate-budget-search-monthly.rules.yml',
      'rules/burnrate-budget-acme-daily.rules.yml',
    ]);
  });
});

describe('generateGrafanaAlertRules', () => {
  it('queries exactly the left-hand sides of the Prometheus conditions and compares them in one math expression', () => {
    const prom = alerts([search]);
    const grafana = generateGrafanaAlertRules([search]).document.groups.flatMap((g) => g.rules);
    expect(grafana).toHaveLength(prom.length);
    for (const [i, rule] of grafana.entries()) {
      const p = prom[i];
      const queries = rule.data.filter((d) => d.datasourceUid === 'burnrate-prometheus');
      const math = String(rule.data.find((d) => d.refId === rule.condition)?.model.expression);
      // Rebuild the PromQL from Grafana's queries and math: it must be the Prometheus rule's expr.
      const comparisons = math.split(' && ').map((c) => {
        const [ref, op, value] = c.split(' ');
        const q = queries.find((x) => `$${x.refId}` === ref);
        return `${String(q?.model.expr)} ${op} ${value}`;
      });
      const rebuilt =
        comparisons.length === 1 ? comparisons[0] : comparisons.map((c) => `(${c})`).join(' and ');
      expect(rebuilt).toBe(p?.expr);
      expect(rule.labels).toEqual({ alertname: p?.alert, ...p?.labels });
      expect(rule.for).toBe(p?.for ?? '0s');
      expect(rule.uid.length).toBeLessThanOrEqual(40);
    }
  });

  it('renders annotation values with Grafana templating', () => {
    const rule = generateGrafanaAlertRules([search]).document.groups[1]?.rules[0];
    expect(rule?.annotations.summary).toBe(
      `Budget search-monthly has spent $${usdTemplate('$values.A.Value')} of $100 (50% threshold) in 30d`,
    );
    expect(parse(generateGrafanaAlertRules([search]).yaml).apiVersion).toBe(1);
  });
});

describe('generated promtool tests', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('pass `promtool test rules` for budgets of other amounts, windows and scopes', async () => {
    const budgets: BudgetRuleInput[] = [
      {
        name: 'tiny.weekly',
        amountUsd: 0.0003,
        window: '1w',
        windowSeconds: 7 * 86_400,
        scope: {},
        thresholds: [0.25, 1, 1.5],
      },
      {
        name: 'acme:gpt-4o',
        amountUsd: 7.5,
        window: '12h',
        windowSeconds: 12 * 3600,
        scope: { tenant: 'acme', 'gen_ai.request.model': 'gpt-4o' },
        thresholds: [0.9],
      },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-promtool-'));
    dirs.push(dir);
    const files = [...generatePrometheusRules(budgets).files, ...generatePromtoolTests(budgets)];
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const rules = files.filter((f) => f.path.startsWith('rules/')).map((f) => join(dir, f.path));
    await run('promtool', ['check', 'rules', ...rules]);
    const tests = files.filter((f) => f.path.startsWith('tests/')).map((f) => join(dir, f.path));
    expect(tests).toHaveLength(5);
    const results = await Promise.all(
      tests.map((t) =>
        run('promtool', ['test', 'rules', t]).then(
          (r) => ({ t, ok: true, out: r.stdout }),
          (e: { stdout?: string; stderr?: string }) => ({ t, ok: false, out: `${e.stdout}${e.stderr}` }),
        ),
      ),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 60_000);
});
