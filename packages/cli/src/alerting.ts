/**
 * The rule generators of `@burnrate/cost-processor` (Prometheus rules, promtool tests, Grafana
 * alert provisioning). They are not exported from the package index yet, so this one module imports
 * them from the package's source; switch it to `@burnrate/cost-processor` once they are.
 * @module
 */
export {
  type AlertingOptions,
  GENERATED_HEADER,
  type GeneratedFile,
  type GrafanaAlertOptions,
  generateGrafanaAlertRules,
  generatePrometheusRules,
  generatePromtoolTests,
} from '../../cost-processor/src/alerting/index.js';
