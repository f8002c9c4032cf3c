/**
 * `@burnrate/semconv`: burnrate's metric contract as data — every instrument's name, kind, unit,
 * HELP text, attributes and bucket advice — and the one Prometheus spelling of its names, labels,
 * selectors, durations and globs. No dependencies; every other burnrate package imports from here.
 */

export { COST_BUCKETS_USD, DURATION_BUCKETS_S, TOKEN_BUCKETS } from './buckets.js';
export { globPattern, globToRegExp, isGlob, matchesPattern } from './glob.js';
export {
  type InstrumentKind,
  type InstrumentOptions,
  METRIC_SPECS,
  type MetricSpec,
  prometheusNameOf,
  renderMetricReference,
  specOf,
  specOptions,
} from './metric-specs.js';
export { ATTR, COST_METRIC, METRIC } from './names.js';
export { formatDuration, parseDuration } from './prometheus/durations.js';
export { LABEL, labelName, PROM, prometheusName, RECORDING_RULE } from './prometheus/names.js';
export {
  formatNumber,
  type Matcher,
  matches,
  quoteLabelValue,
  roundSignificant,
  selector,
} from './prometheus/promql.js';
export {
  ENGINE_METRICS,
  type EngineMetrics,
  type EngineName,
  type EnginePhaseSeconds,
  type EngineSeries,
  GPU_UTILIZATION_SERIES,
} from './prometheus/serving-engines.js';
