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
 * A Go template (Prometheus and Grafana annotations) printing the dollar amount `valueExpr` as
 * people read money: 2 decimals from $1 up, 4 below (so $0.0055 does not print as `5.5m`, which
 * `humanize` would).
 */
export function usdTemplate(valueExpr: string): string {
  return `{{ if lt ${valueExpr} 1.0 }}{{ printf "%.4f" ${valueExpr} }}{{ else }}{{ printf "%.2f" ${valueExpr} }}{{ end }}`;
}

/** What {@link usdTemplate} prints for `value`; used to predict annotation text in generated rule tests. */
export function formatUsdLikeTemplate(value: number): string {
  return goFixed(value, value < 1 ? 4 : 2);
}

/**
 * Go's `printf "%.Nf"`: like `toFixed`, except that an exact tie rounds half to even (Go: 5.625 →
 * "5.62"; `toFixed`: "5.63"). `toFixed(100)` gives the exact decimal expansion of the double.
 */
function goFixed(value: number, digits: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return value.toFixed(digits);
  const [whole = '', frac = ''] = Math.abs(value).toFixed(100).split('.');
  const rest = frac.slice(digits);
  const tie = rest[0] === '5' && /^0*$/.test(rest.slice(1));
  const kept = `${whole}${frac.slice(0, digits)}`;
  const lastEven = Number(kept.at(-1) ?? '0') % 2 === 0;
  if (!tie || !lastEven) return value.toFixed(digits);
  const text = digits > 0 ? `${whole}.${frac.slice(0, digits)}` : whole;
  return value < 0 ? `-${text}` : text;
}
