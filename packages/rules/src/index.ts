/**
 * `@burnrate/rules`: everything generated from a price card at build time — Prometheus recording
 * and alerting rules, their promtool unit tests, Grafana-managed alerts and dashboards — behind
 * {@link renderArtifacts}. Not needed at run time: an app imports `@burnrate/node` or the sdk.
 */

export * from './alerting/definitions.js';
export * from './alerting/grafana-alerts.js';
export * from './alerting/money-templates.js';
export * from './alerting/prometheus-rules.js';
export * from './alerting/promtool-tests.js';
export {
  DASHBOARD_UID,
  type DashboardOptions,
  type GeneratedDashboard,
  generateDashboards,
} from './dashboards/dashboards.js';
export { generateDeploymentPromtoolTests } from './deployments/deployment-promtool-tests.js';
export * from './deployments/deployment-rules.js';
export { RulesError } from './errors.js';
export {
  ARTIFACT_PATHS,
  type ArtifactOptions,
  type ArtifactSource,
  renderArtifacts,
} from './render-artifacts.js';
