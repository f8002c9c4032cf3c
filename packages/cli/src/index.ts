/**
 * `@burnrate/cli`: the `burnrate` command (report, capacity, price, rules, check) and its building
 * blocks, usable in-process: `main(argv, io)` returns the exit code.
 * @module
 */
// The PromQL helpers the CLI's sources take (one implementation, in @burnrate/semconv).
export { globPattern, type Matcher, matches, selector } from '@burnrate/semconv';
export { type CapacityOptions, type CapacityPlan, runCapacity } from './commands/capacity.js';
export { type CardSummary, type CheckOptions, runCheck, summarizeCard } from './commands/check.js';
export {
  type CompareOptions,
  type CompareOutput,
  DEFAULT_COMPARE_WINDOW,
  formatComparison,
  type ObservedApiModel,
  type ObservedDeployment,
  type PerDeployment,
  runCompare,
} from './commands/compare.js';
export {
  type PriceOptions,
  type PriceOutput,
  preciseUsd,
  runPrice,
  SERVICE_TIERS,
} from './commands/price.js';
export { type ReportOptions, type ReportOutput, type ReportSource, runReport } from './commands/report.js';
export { GRAFANA_ALERTS_FILE, type RulesOptions, renderRuleFiles, runRules } from './commands/rules.js';
export { CliError, EXIT, UsageError } from './errors.js';
export { type CliIo, processIo } from './io.js';
export { createProgram, main } from './program.js';
export { PrometheusClient, type VectorSample } from './prometheus/http-api.js';
export {
  type CounterSource,
  ExpositionSource,
  type GroupSum,
  PrometheusWindowSource,
  scrapeMetrics,
} from './prometheus/source.js';
export { ExpositionParseError, parsePrometheusText, type Sample } from './prometheus/text-format.js';
export { failedCallsFromCounters, snapshotFromCounters } from './report/snapshot.js';
