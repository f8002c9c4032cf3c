import { stringify } from 'yaml';
import type { AlertingOptions, BudgetRuleInput } from './alerting/definitions.js';
import { generateGrafanaAlertRules } from './alerting/grafana-alerts.js';
import {
  GENERATED_HEADER,
  type GeneratedFile,
  generatePrometheusRules,
} from './alerting/prometheus-rules.js';
import { generatePromtoolTests } from './alerting/promtool-tests.js';
import { generateDashboards } from './dashboards/dashboards.js';
import { generateDeploymentPromtoolTests } from './deployments/deployment-promtool-tests.js';
import { type DeploymentRuleInput, generateDeploymentRules } from './deployments/deployment-rules.js';

/** What {@link renderArtifacts} needs of a price card: its budgets and deployments (a loaded `PriceCard` fits). */
export interface ArtifactSource {
  readonly budgets: readonly BudgetRuleInput[];
  /** Self-hosted deployments; those with `gpu` get cost rules and promtool tests. */
  readonly deployments?: readonly DeploymentRuleInput[];
}

/** Options of {@link renderArtifacts}. */
export interface ArtifactOptions extends AlertingOptions {
  /** uid of the Grafana Prometheus data source the alerts and dashboards query. Default `burnrate-prometheus`. */
  datasourceUid?: string;
  /** The scrape target put in the scrape-config snippet. Default `127.0.0.1:9464`. */
  scrapeTarget?: string;
}

/** Where {@link renderArtifacts} puts each kind of file, relative to the output directory. */
export const ARTIFACT_PATHS = {
  rules: 'rules/',
  tests: 'tests/',
  grafanaAlerts: 'grafana/provisioning/alerting/burnrate-alerts.yml',
  dashboards: 'grafana/dashboards/',
  scrapeConfig: 'prometheus/scrape-config.yml',
} as const;

/**
 * Every generated file for a card, paths relative to an output directory: Prometheus recording and
 * alerting rules (`rules/`), their promtool tests (`tests/`), the same alerts as Grafana-managed
 * rules, the Grafana dashboards, and a `prometheus.yml` snippet that scrapes burnrate and loads
 * the rules. `burnrate rules` and the docker assets are both written from this one function.
 *
 * @throws Error naming the budget when a budget cannot become rules (invalid or duplicate names).
 */
export function renderArtifacts(card: ArtifactSource, options: ArtifactOptions = {}): GeneratedFile[] {
  const { datasourceUid = 'burnrate-prometheus', scrapeTarget = '127.0.0.1:9464', ...alerting } = options;
  const budgets = card.budgets;
  return [
    ...generatePrometheusRules(budgets, alerting).files,
    ...generatePromtoolTests(budgets, alerting).map((f) => ({ path: f.path, content: f.content })),
    ...generateDeploymentRules(card.deployments ?? []),
    ...generateDeploymentPromtoolTests(card.deployments ?? []).map((f) => ({
      path: f.path,
      content: f.content,
    })),
    {
      path: ARTIFACT_PATHS.grafanaAlerts,
      content: generateGrafanaAlertRules(budgets, { ...alerting, datasourceUid }).yaml,
    },
    ...generateDashboards(budgets, { ...alerting, datasourceUid }).map((d) => ({
      path: `${ARTIFACT_PATHS.dashboards}${d.file}`,
      content: d.json,
    })),
    { path: ARTIFACT_PATHS.scrapeConfig, content: scrapeConfig(alerting.job ?? 'burnrate', scrapeTarget) },
  ];
}

/** A `prometheus.yml` fragment: the scrape job the rules expect (its `job` label) and the rule files. */
function scrapeConfig(job: string, target: string): string {
  const doc = {
    rule_files: [`${ARTIFACT_PATHS.rules}*.yml`],
    scrape_configs: [
      {
        job_name: job,
        scrape_interval: '15s',
        static_configs: [{ targets: [target] }],
      },
    ],
  };
  return `${GENERATED_HEADER}# Merge into prometheus.yml; paths are relative to it.\n${stringify(doc, { lineWidth: 0 })}`;
}
