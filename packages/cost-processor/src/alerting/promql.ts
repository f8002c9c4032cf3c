import { ATTR, COST_METRIC, METRIC, prometheusName } from '@burnrate/sdk';

/**
 * Prometheus series and label names burnrate's rules and dashboards query, derived from the metric
 * contract (`@burnrate/sdk` semconv) exactly as the JS Prometheus exporter 0.223 writes them.
 */
export const PROM = {
  cost: prometheusName(COST_METRIC.cost, 'counter'),
  requestCostBucket: `${prometheusName(COST_METRIC.requestCost, 'histogram')}_bucket`,
  requestCostSum: `${prometheusName(COST_METRIC.requestCost, 'histogram')}_sum`,
  requestCostCount: `${prometheusName(COST_METRIC.requestCost, 'histogram')}_count`,
  savings: prometheusName(COST_METRIC.savings, 'counter'),
  unpriced: prometheusName(COST_METRIC.unpricedUsage, 'counter'),
  gpuHourlyCost: prometheusName(COST_METRIC.gpuHourlyCost),
  budgetLimit: prometheusName(COST_METRIC.budgetLimit),
  priceCardInfo: prometheusName(COST_METRIC.priceCardInfo),
  inputTokens: prometheusName(METRIC.inputTokens, 'counter'),
  outputTokens: prometheusName(METRIC.outputTokens, 'counter'),
  cacheReadTokens: prometheusName(METRIC.cacheReadTokens, 'counter'),
  cacheWriteTokens: prometheusName(METRIC.cacheWriteTokens, 'counter'),
  reasoningTokens: prometheusName(METRIC.reasoningTokens, 'counter'),
  inferenceDurationBucket: `${prometheusName(METRIC.inferenceDuration, 'histogram')}_bucket`,
  inferenceDurationCount: `${prometheusName(METRIC.inferenceDuration, 'histogram')}_count`,
  gpuTime: prometheusName(METRIC.gpuTime, 'counter'),
  gpuAllocated: prometheusName(METRIC.gpuAllocated),
  gpuUtilization: prometheusName(METRIC.gpuUtilization),
  cacheRequests: prometheusName(METRIC.cacheRequests, 'counter'),
  revenue: prometheusName(METRIC.revenue, 'counter'),
} as const;

/** Prometheus label names (attribute keys with `.` turned into `_`). */
export const LABEL = {
  component: labelName(ATTR.costComponent),
  provider: labelName(ATTR.providerName),
  requestModel: labelName(ATTR.requestModel),
  operation: labelName(ATTR.operationName),
  priceSource: labelName(ATTR.priceSource),
  savingsStrategy: labelName(ATTR.savingsStrategy),
  unpricedReason: labelName(ATTR.unpricedReason),
  unit: labelName(ATTR.unit),
  gpuModel: labelName(ATTR.gpuModel),
  gpuMarket: labelName(ATTR.gpuMarket),
  workload: labelName(ATTR.workload),
  cacheResult: labelName(ATTR.cacheResult),
  budget: labelName(ATTR.budget),
  budgetWindow: labelName(ATTR.budgetWindow),
  /** Caller attribute `feature` (not an OpenTelemetry name: the application chooses it). */
  feature: 'feature',
  /** Caller attribute `tenant`. */
  tenant: 'tenant',
  /** Alert label: the budget threshold as a percentage, e.g. `80`. */
  threshold: 'burnrate_budget_threshold',
} as const;

/** Turns an attribute key into the Prometheus label name the exporter writes (`.` → `_`). */
export function labelName(attributeKey: string): string {
  const name = attributeKey.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** Quotes a label value for PromQL (double quotes, backslash escapes). */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * A PromQL series selector: `metric{a="x",b="y"}` with the scope's keys turned into label names and
 * sorted, so the same scope always gives the same text. An empty scope gives the bare metric.
 */
export function selector(metric: string, scope: Readonly<Record<string, string>> = {}): string {
  const matchers = Object.entries(scope)
    .map(([k, v]) => [labelName(k), v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${quoteLabelValue(v)}`);
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(',')}}`;
}

/**
 * Formats a number for PromQL: the shortest text that reads back as the same float (`String(n)`),
 * after rounding away binary noise beyond 12 significant digits (so `0.7 * 100` gives `70`).
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`cannot write ${n} in PromQL`);
  return String(roundSignificant(n));
}

/** Rounds to 12 significant digits, removing float noise such as `70.00000000000001`. */
export function roundSignificant(n: number, digits = 12): number {
  return n === 0 ? 0 : Number(n.toPrecision(digits));
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['w', 604_800],
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** Formats whole seconds as a Prometheus duration, largest unit that divides it: 2592000 → `30d`. */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError(`expected a whole, non-negative number of seconds, got ${seconds}`);
  }
  if (seconds === 0) return '0s';
  for (const [unit, size] of UNITS) {
    if (unit !== 'w' && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/**
 * Go's (and so Prometheus' and Grafana's) `humanize` template function: 4 significant digits with
 * an SI prefix, e.g. `1234.5` → `1.234k`, `0.0025` → `2.5m`. Used to predict annotation text in
 * generated rule tests.
 */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return formatG4(value);
  let v = value;
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return `${formatG4(v)}${prefix}`;
}

/** Go's `%.4g` for the values humanize produces. */
function formatG4(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(4)))));
  if (exponent < -4 || exponent >= 4) {
    const [mantissa = '', exp = '0'] = v.toExponential(3).split('e');
    const e = Number(exp);
    return `${stripZeros(mantissa)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return stripZeros(v.toPrecision(4));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
