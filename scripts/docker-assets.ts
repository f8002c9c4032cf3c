/**
 * Renders every generated file under docker/ from the example price card, so the generator script
 * and the drift test produce byte-identical output from one place.
 */
import { fileURLToPath } from 'node:url';
import {
  type BudgetRuleInput,
  generateGrafanaAlertRules,
  generatePrometheusRules,
  generatePromtoolTests,
} from '../packages/cost-processor/src/alerting/index.js';
import { generateDashboards } from '../packages/cost-processor/src/dashboards/index.js';
import { loadPriceCard } from '../packages/cost-processor/src/price-card/load-price-card.js';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The example price card the committed docker assets are generated from (relative to the root). */
export const EXAMPLE_CARD = 'docker/prometheus/price-card.example.yaml';

/** Options used for the committed assets (the Prometheus job of docker/prometheus/prometheus.yml). */
export const ASSET_OPTIONS = {
  job: 'burnrate',
  dashboardUrl: 'http://localhost:3000/d/burnrate-budgets/burnrate-budgets',
};

/** Loads the budgets of a price card file. */
export function budgetsFromCard(path: string): BudgetRuleInput[] {
  return [...loadPriceCard(path).budgets];
}

/**
 * Every generated file, keyed by its path relative to the repository root: Prometheus rules and
 * promtool tests, Grafana alert rules and dashboards.
 */
export function renderDockerAssets(cardPath = `${REPO_ROOT}${EXAMPLE_CARD}`): Map<string, string> {
  const budgets = budgetsFromCard(cardPath);
  const files = new Map<string, string>();
  for (const f of generatePrometheusRules(budgets, ASSET_OPTIONS).files)
    files.set(`docker/prometheus/${f.path}`, f.content);
  for (const f of generatePromtoolTests(budgets, ASSET_OPTIONS))
    files.set(`docker/prometheus/${f.path}`, f.content);
  files.set(
    'docker/grafana/provisioning/alerting/burnrate-alerts.yml',
    generateGrafanaAlertRules(budgets, { ...ASSET_OPTIONS, datasourceUid: 'burnrate-prometheus' }).yaml,
  );
  for (const d of generateDashboards(budgets, { ...ASSET_OPTIONS, datasourceUid: 'burnrate-prometheus' })) {
    files.set(`docker/grafana/dashboards/${d.file}`, d.json);
  }
  return files;
}

/** The directories whose files are all generated (a stale file there is drift too). */
export const GENERATED_DIRS = [
  'docker/prometheus/rules',
  'docker/prometheus/tests',
  'docker/grafana/dashboards',
];
