import { describe, expect, it } from 'vitest';
import {
  ALERT,
  type BudgetRuleInput,
  DASHBOARD_UID,
  generateDashboards,
  generatePrometheusRules,
  type PrometheusAlertingRule,
} from '../../src/index.js';

const search: BudgetRuleInput = {
  name: 'search-monthly',
  amountUsd: 100,
  window: '30d',
  windowSeconds: 30 * 86_400,
  scope: { feature: 'search' },
  thresholds: [0.5, 0.8, 1],
};

type Panel = { type: string; title: string; targets?: Array<{ expr: string; refId: string }> };

function panels(uid: string, budgets: BudgetRuleInput[] = [search]): Panel[] {
  const d = generateDashboards(budgets).find((x) => x.uid === uid);
  return (d?.dashboard.panels ?? []) as Panel[];
}

describe('generateDashboards', () => {
  it('generates the five dashboards with stable uids and file names', () => {
    const ds = generateDashboards([search]);
    expect(ds.map((d) => [d.uid, d.file])).toEqual([
      ['burnrate-overview', 'burnrate-overview.json'],
      ['burnrate-tokens', 'burnrate-tokens.json'],
      ['burnrate-gpu', 'burnrate-gpu.json'],
      ['burnrate-budgets', 'burnrate-budgets.json'],
      ['burnrate-savings', 'burnrate-savings.json'],
    ]);
    expect(JSON.parse(ds[0]?.json ?? '{}').uid).toBe('burnrate-overview');
  });

  it('shows spend by component, model, feature and tenant in USD per hour', () => {
    const exprs = panels(DASHBOARD_UID.overview).flatMap((p) => p.targets?.map((t) => t.expr) ?? []);
    for (const by of [
      'burnrate_cost_component',
      'gen_ai_provider_name, gen_ai_request_model',
      'feature',
      'tenant',
    ]) {
      expect(exprs).toContain(`sum by (${by}) (rate(burnrate_cost_usd_total[$__rate_interval])) * 3600`);
    }
  });

  it('puts the forecast alert expression of each budget on the budgets dashboard', () => {
    const forecastRule = generatePrometheusRules([search])
      .document.groups.flatMap((g) => g.rules)
      .find((r): r is PrometheusAlertingRule => 'alert' in r && r.alert === ALERT.forecast);
    const forecastPanel = panels(DASHBOARD_UID.budgets).find((p) => p.title === 'search-monthly: forecast');
    const lhs = forecastRule?.expr.split(' > 100)')[0]?.replace(/^\(/, '');
    expect(forecastPanel?.targets?.[0]?.expr).toBe(lhs);
    const rows = panels(DASHBOARD_UID.budgets, [search, { ...search, name: 'b2' }]).filter(
      (p) => p.type === 'row',
    );
    expect(rows.map((r) => r.title)).toEqual([
      'Budget search-monthly: $100 per 30d',
      'Budget b2: $100 per 30d',
    ]);
  });

  it('computes ROI as (revenue - cost) / cost x 100', () => {
    const roi = panels(DASHBOARD_UID.savings).find((p) => p.title === 'ROI');
    expect(roi?.targets?.[0]?.expr).toBe(
      '(sum(increase(burnrate_revenue_usd_total[$__range])) - sum(increase(burnrate_cost_usd_total[$__range]))) / sum(increase(burnrate_cost_usd_total[$__range])) * 100',
    );
  });
});
