/**
 * Budget alerting: Prometheus recording and alerting rules, their promtool unit tests, and the same
 * alerts as Grafana-managed rules, all generated from the budgets of a price card.
 * @module
 */
export * from './definitions.js';
export * from './grafana-alerts.js';
export * from './prometheus-rules.js';
export * from './promql.js';
export * from './promtool-tests.js';
