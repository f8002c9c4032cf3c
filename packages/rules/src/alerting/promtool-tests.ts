import {
  formatDuration,
  LABEL,
  labelName,
  PROM,
  parseDuration,
  quoteLabelValue,
  RECORDING_RULE,
} from '@burnrate/semconv';
import { RulesError } from '../errors.js';
import {
  ALERT,
  type AlertDefinition,
  type AlertingOptions,
  type BudgetRuleInput,
  budgetAlertDefinitions,
  budgetSlug,
  evenRatePerHour,
  healthAlertDefinitions,
  type ResolvedAlertingOptions,
  resolveAlertingOptions,
  validateBudgets,
} from './definitions.js';
import { formatUsdLikeTemplate } from './money-templates.js';
import {
  budgetRuleFileName,
  FLEET_RULE_FILE,
  type GeneratedFile,
  PROMETHEUS_VALUE,
  toYaml,
} from './prometheus-rules.js';

/** One input series of a promtool test. */
export interface PromtoolInputSeries {
  series: string;
  values: string;
}

/** An expected alert. */
export interface PromtoolExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

/** An `alert_rule_test` entry: at `eval_time`, exactly `exp_alerts` of `alertname` are firing. */
export interface PromtoolAlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: PromtoolExpectedAlert[];
}

/** A `promql_expr_test` entry. */
export interface PromtoolExprTest {
  expr: string;
  eval_time: string;
  exp_samples: Array<{ labels: string; value: number }>;
}

/** A test group of a promtool test file. */
export interface PromtoolTestGroup {
  name: string;
  interval: string;
  input_series: PromtoolInputSeries[];
  alert_rule_test?: PromtoolAlertTest[];
  promql_expr_test?: PromtoolExprTest[];
}

/** A promtool test file (`promtool test rules FILE`). */
export interface PromtoolTestDocument {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTestGroup[];
}

/** A generated promtool test file: its path under the Prometheus directory and its document. */
export interface PromtoolTestFile extends GeneratedFile {
  document: PromtoolTestDocument;
}

const MINUTE = 60;
const HOUR = 3600;
const REPLICAS = ['replica-1', 'replica-2'] as const;

/** Builds a promtool `values` string sample by sample, using the `a+bxn` notation for ramps. */
class SeriesValues {
  private readonly parts: string[] = [];
  /** Current value. */
  value = 0;
  /** Number of samples so far. */
  samples = 0;

  /** `n` samples with no value (the series does not exist yet). */
  missing(n: number): this {
    for (let i = 0; i < n; i++) this.parts.push('_');
    this.samples += n;
    return this;
  }

  /** One sample at `v`. */
  at(v: number): this {
    this.parts.push(String(v));
    this.value = v;
    this.samples += 1;
    return this;
  }

  /** `n` more samples at the current value. */
  hold(n: number): this {
    if (n <= 0) return this;
    this.parts.push(n === 1 ? String(this.value) : `${this.value}x${n - 1}`);
    this.samples += n;
    return this;
  }

  /** `n` more samples, each `step` above the previous. */
  ramp(step: number, n: number): this {
    if (n <= 0) return this;
    const first = this.value + step;
    this.parts.push(n === 1 ? String(first) : `${first}+${step}x${n - 1}`);
    // promtool expands `a+bxn` by repeated addition; do the same so later samples match exactly.
    let v = first;
    for (let i = 1; i < n; i++) v += step;
    this.value = v;
    this.samples += n;
    return this;
  }

  toString(): string {
    return this.parts.join(' ');
  }
}

/** Seconds in a Prometheus duration such as `2m`, `1h30m`, `0s`; throws for anything else. */
export function parseDurationSeconds(d: string): number {
  const seconds = parseDuration(d);
  if (seconds === undefined) throw new RulesError(`not a Prometheus duration: "${d}"`);
  return seconds;
}

/** Minutes as a Prometheus duration. */
function m(minutes: number): string {
  return formatDuration(minutes * MINUTE);
}

function seriesText(metric: string, labels: Record<string, string>): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}=${quoteLabelValue(v)}`)
    .join(', ');
  return `${metric}{${body}}`;
}

/** Renders an annotation template the way Prometheus would for a value and labels. */
function render(template: string, value: number, labels: Record<string, string>): string {
  return template
    .split(PROMETHEUS_VALUE)
    .join(formatUsdLikeTemplate(value))
    .replace(/\{\{ \$labels\.([a-zA-Z0-9_]+) \}\}/g, (_, name: string) => labels[name] ?? '');
}

function expected(
  def: AlertDefinition,
  value: number,
  seriesLabels: Record<string, string> = {},
): PromtoolExpectedAlert {
  const labels = { ...seriesLabels, ...def.labels };
  return {
    exp_labels: labels,
    exp_annotations: Object.fromEntries(
      Object.entries(def.annotations).map(([k, f]) => [k, render(f(PROMETHEUS_VALUE), value, labels)]),
    ),
  };
}

function costSeries(
  b: BudgetRuleInput,
  job: string,
): Array<{ name: string; labels: Record<string, string> }> {
  const scope = Object.fromEntries(Object.entries(b.scope).map(([k, v]) => [labelName(k), v]));
  return REPLICAS.map((instance) => ({
    name: PROM.cost,
    labels: { [LABEL.component]: 'api', ...scope, job, instance },
  }));
}

/** Input series for the budget's cost, the same values split evenly over two replicas. */
function splitOverReplicas(
  b: BudgetRuleInput,
  job: string,
  build: (share: number) => SeriesValues,
): PromtoolInputSeries[] {
  return costSeries(b, job).map((s) => ({
    series: seriesText(s.name, s.labels),
    values: build(1 / REPLICAS.length).toString(),
  }));
}

function find(defs: readonly AlertDefinition[], alert: string): AlertDefinition {
  const d = defs.find((x) => x.alert === alert);
  if (!d) throw new Error(`no ${alert} definition`);
  return d;
}

function windowTests(b: BudgetRuleInput, opts: ResolvedAlertingOptions): PromtoolTestDocument {
  if (b.windowSeconds % HOUR !== 0) {
    throw new RulesError(`budget ${b.name}: promtool tests need a window of whole hours, got ${b.window}`);
  }
  const defs = budgetAlertDefinitions(b, opts);
  // Samples every 3h where the window allows (the 6h rate still sees 3 samples), else every hour.
  const interval = b.windowSeconds % (3 * HOUR) === 0 ? 3 * HOUR : HOUR;
  const steps = b.windowSeconds / interval;
  const W = formatDuration(b.windowSeconds);
  const thresholdDefs = defs.filter((d) => d.alert === ALERT.threshold);
  const ts = thresholdDefs.map((d) => d.conditions[0]?.threshold ?? 0);
  const tests: PromtoolTestGroup[] = [];

  // Thresholds: one window per phase, each phase spending a fraction between two thresholds.
  const fractions = ts.map((t) => t / b.amountUsd);
  const phases = [
    (fractions[0] ?? 1) / 2,
    ...fractions.map((f, i) => (i + 1 < fractions.length ? (f + (fractions[i + 1] ?? f)) / 2 : f * 1.2)),
  ];
  const thresholdAlerts: PromtoolAlertTest[] = phases.map((f, i) => ({
    eval_time: formatDuration((i + 1) * b.windowSeconds),
    alertname: ALERT.threshold,
    exp_alerts: thresholdDefs
      .filter((_, j) => (fractions[j] ?? Infinity) <= f)
      .map((d) => expected(d, f * b.amountUsd)),
  }));
  tests.push({
    name: `${b.name}: each threshold alert fires once spend over ${W} reaches it, and not before`,
    interval: formatDuration(interval),
    input_series: splitOverReplicas(b, opts.job, (share) => {
      const v = new SeriesValues().at(0);
      for (const f of phases) v.ramp((f * b.amountUsd * share) / steps, steps);
      return v;
    }),
    alert_rule_test: thresholdAlerts,
  });

  // Forecast: constant spend from t=0; evaluated once the window and the `for` have passed.
  const forecast = find(defs, ALERT.forecast);
  const horizon = opts.forecastHorizonSeconds(b);
  const breakEven = b.windowSeconds / (b.windowSeconds + horizon);
  const evalAt =
    b.windowSeconds + Math.ceil(parseDurationSeconds(forecast.for) / interval) * interval + interval;
  const scenario = (fraction: number, fires: boolean, name: string): PromtoolTestGroup => ({
    name,
    interval: formatDuration(interval),
    input_series: splitOverReplicas(b, opts.job, (share) =>
      new SeriesValues().at(0).ramp((fraction * b.amountUsd * share) / steps, evalAt / interval),
    ),
    alert_rule_test: [
      {
        eval_time: formatDuration(evalAt),
        alertname: ALERT.forecast,
        exp_alerts: fires
          ? [expected(forecast, fraction * b.amountUsd * (1 + horizon / b.windowSeconds))]
          : [],
      },
    ],
  });
  tests.push(
    scenario(
      (breakEven + 1) / 2,
      true,
      `${b.name}: the forecast alert fires when spend so far plus the current rate runs past the amount`,
    ),
    scenario(
      breakEven * 0.9,
      false,
      `${b.name}: the forecast alert stays silent when the projection stays under the amount`,
    ),
    scenario(
      1.1,
      false,
      `${b.name}: the forecast alert stays silent once the amount is spent (the threshold alert fires)`,
    ),
  );
  return {
    rule_files: [`../rules/${budgetRuleFileName(b)}`],
    evaluation_interval: formatDuration(interval),
    tests,
  };
}

function burnTests(b: BudgetRuleInput, opts: ResolvedAlertingOptions): PromtoolTestDocument {
  const defs = budgetAlertDefinitions(b, opts);
  const fast = find(defs, ALERT.fastBurn);
  const slow = find(defs, ALERT.slowBurn);
  const evenPerMinute = evenRatePerHour(b) / 60;
  const quiet = 360; // minutes of no spend first, so every window is fully covered
  const fastFor = Math.ceil(parseDurationSeconds(fast.for) / MINUTE);
  const slowFor = Math.ceil(parseDurationSeconds(slow.for) / MINUTE);
  const fastMult = opts.fastBurnFactor * 1.4;
  const slowMult = (opts.slowBurnFactor * 4) / 3;
  const fastLen = 60 + fastFor + 5;
  const slowLen = 360 + slowFor + 5;
  const evenHour = evenRatePerHour(b);

  const fastTest: PromtoolTestGroup = {
    name: `${b.name}: fast burn pages at ${fastMult.toFixed(2)}x the even rate after the 1h window fills, and stops within 5m of the spending`,
    interval: '1m',
    input_series: splitOverReplicas(b, opts.job, (share) =>
      new SeriesValues()
        .at(0)
        .hold(quiet)
        .ramp(evenPerMinute * fastMult * share, fastLen)
        .hold(60),
    ),
    alert_rule_test: [
      { eval_time: m(quiet + 30), alertname: ALERT.fastBurn, exp_alerts: [] },
      {
        eval_time: m(quiet + 60 + fastFor),
        alertname: ALERT.fastBurn,
        exp_alerts: [expected(fast, evenHour * fastMult)],
      },
      { eval_time: m(quiet + 60 + fastFor), alertname: ALERT.slowBurn, exp_alerts: [] },
      { eval_time: m(quiet + fastLen + 5), alertname: ALERT.fastBurn, exp_alerts: [] },
    ],
  };
  const slowTest: PromtoolTestGroup = {
    name: `${b.name}: slow burn warns at ${slowMult.toFixed(2)}x the even rate sustained over 6h, and not after 4h`,
    interval: '1m',
    input_series: splitOverReplicas(b, opts.job, (share) =>
      new SeriesValues()
        .at(0)
        .hold(quiet)
        .ramp(evenPerMinute * slowMult * share, slowLen),
    ),
    alert_rule_test: [
      { eval_time: m(quiet + 240), alertname: ALERT.slowBurn, exp_alerts: [] },
      {
        eval_time: m(quiet + 360 + slowFor),
        alertname: ALERT.slowBurn,
        exp_alerts: [expected(slow, evenHour * slowMult)],
      },
      ...(slowMult < opts.fastBurnFactor
        ? [{ eval_time: m(quiet + 360 + slowFor), alertname: ALERT.fastBurn, exp_alerts: [] }]
        : []),
    ],
  };
  return {
    rule_files: [`../rules/${budgetRuleFileName(b)}`],
    evaluation_interval: '1m',
    tests: [fastTest, slowTest],
  };
}

/** Every zone's midnight in use falls on a quarter hour. */
const QUARTER_HOUR = 15 * MINUTE;

/**
 * The first calendar boundary of a budget after the start of promtool's clock (1970-01-01T00:00Z,
 * a Thursday), in seconds: local midnight of 2 January, of Monday 5 January or of 1 February 1970
 * in the budget's zone, rounded down to a quarter hour.
 */
function firstBoundarySeconds(calendar: NonNullable<BudgetRuleInput['calendar']>): number {
  const localMidnight =
    calendar.unit === 'day'
      ? Date.UTC(1970, 0, 2)
      : calendar.unit === 'week'
        ? Date.UTC(1970, 0, 5)
        : Date.UTC(1970, 1, 1);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: calendar.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(localMidnight);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  // The zone's offset at that instant (1970 had no DST change near these dates in any zone we test).
  const offsetMs =
    Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - localMidnight;
  const seconds = (localMidnight - offsetMs) / 1000;
  return Math.floor(seconds / QUARTER_HOUR) * QUARTER_HOUR;
}

/**
 * A calendar budget's rules across a boundary: 1.2 × the amount spent in the 3 to 6 hours before
 * local midnight still fires the threshold alerts after midnight (the rules measure the rolling
 * window), and they clear once that spend is a window old.
 */
function calendarTests(b: BudgetRuleInput, opts: ResolvedAlertingOptions): PromtoolTestDocument {
  const calendar = b.calendar;
  if (!calendar) throw new RulesError(`budget ${b.name}: not a calendar budget`);
  const defs = budgetAlertDefinitions(b, opts).filter((d) => d.alert === ALERT.threshold);
  const boundary = firstBoundarySeconds(calendar);
  // Samples and evaluations every 3h (promtool evaluates every step of a test up to 61 days long):
  // the spend is seen at the last step before midnight, the alert checked at the first one after.
  const step = 3 * HOUR;
  const spentAt = Math.floor((boundary - 1) / step) * step;
  const afterBoundary = Math.floor(boundary / step) * step + step;
  const total = 1.2 * b.amountUsd;
  const afterWindow = spentAt + b.windowSeconds + step;
  const samples = afterWindow / step + 1;
  const firing = defs.filter((d) => (d.conditions[0]?.threshold ?? Infinity) <= total);
  const W = formatDuration(b.windowSeconds);
  const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  return {
    rule_files: [`../rules/${budgetRuleFileName(b)}`],
    evaluation_interval: formatDuration(step),
    tests: [
      {
        name: `${b.name} (calendar ${calendar.unit}, ${calendar.timeZone}): spend just before midnight (${iso(boundary)}) still alerts after it, until it is ${W} old, since the rules measure the rolling ${W}`,
        interval: formatDuration(step),
        input_series: splitOverReplicas(b, opts.job, (share) => {
          const before = spentAt / step;
          // 0 up to one step before the boundary, then the whole spend, seen in the sample at spentAt.
          return new SeriesValues()
            .at(0)
            .hold(before - 1)
            .at(total * share)
            .hold(samples - before - 1);
        }),
        alert_rule_test: [
          { eval_time: formatDuration(spentAt - step), alertname: ALERT.threshold, exp_alerts: [] },
          {
            eval_time: formatDuration(afterBoundary),
            alertname: ALERT.threshold,
            exp_alerts: firing.map((d) => expected(d, total)),
          },
          { eval_time: formatDuration(afterWindow), alertname: ALERT.threshold, exp_alerts: [] },
        ],
      },
    ],
  };
}

function fleetTests(opts: ResolvedAlertingOptions): PromtoolTestDocument {
  const defs = healthAlertDefinitions(opts);
  const job = opts.job;
  const api = {
    [LABEL.component]: 'api',
    [LABEL.provider]: 'openai',
    [LABEL.requestModel]: 'gpt-4o',
    [LABEL.feature]: 'search',
    [LABEL.tenant]: 'acme',
    job,
    instance: 'replica-1',
  };
  const gpu = { [LABEL.component]: 'gpu', [LABEL.gpuModel]: 'h100', job, instance: 'replica-2' };
  const ramp = (perMinute: number) => new SeriesValues().at(0).ramp(perMinute, 15).toString();
  const recording: PromtoolTestGroup = {
    name: 'fleet recording rules sum $/h by component, model, feature and tenant, and cost per query',
    interval: '1m',
    input_series: [
      { series: seriesText(PROM.cost, api), values: ramp(60) },
      { series: seriesText(PROM.cost, gpu), values: ramp(120) },
      { series: seriesText(PROM.requestCostSum, { job, instance: 'replica-1' }), values: ramp(30) },
      { series: seriesText(PROM.requestCostCount, { job, instance: 'replica-1' }), values: ramp(60) },
      {
        series: seriesText(PROM.savings, {
          [LABEL.savingsStrategy]: 'prompt_cache',
          job,
          instance: 'replica-1',
        }),
        values: ramp(6),
      },
    ],
    promql_expr_test: [
      {
        expr: RECORDING_RULE.costPerSecond,
        eval_time: '10m',
        exp_samples: [{ labels: RECORDING_RULE.costPerSecond, value: 3 }],
      },
      {
        expr: RECORDING_RULE.costPerHour,
        eval_time: '10m',
        exp_samples: [{ labels: RECORDING_RULE.costPerHour, value: 10800 }],
      },
      {
        expr: RECORDING_RULE.costPerHourByComponent,
        eval_time: '10m',
        exp_samples: [
          { labels: `${RECORDING_RULE.costPerHourByComponent}{${LABEL.component}="api"}`, value: 3600 },
          { labels: `${RECORDING_RULE.costPerHourByComponent}{${LABEL.component}="gpu"}`, value: 7200 },
        ],
      },
      {
        expr: RECORDING_RULE.costPerHourByModel,
        eval_time: '10m',
        exp_samples: [
          { labels: RECORDING_RULE.costPerHourByModel, value: 7200 },
          {
            labels: `${RECORDING_RULE.costPerHourByModel}{${LABEL.provider}="openai",${LABEL.requestModel}="gpt-4o"}`,
            value: 3600,
          },
        ],
      },
      {
        expr: RECORDING_RULE.costPerHourByFeature,
        eval_time: '10m',
        exp_samples: [
          { labels: RECORDING_RULE.costPerHourByFeature, value: 7200 },
          { labels: `${RECORDING_RULE.costPerHourByFeature}{${LABEL.feature}="search"}`, value: 3600 },
        ],
      },
      {
        expr: RECORDING_RULE.costPerHourByTenant,
        eval_time: '10m',
        exp_samples: [
          { labels: RECORDING_RULE.costPerHourByTenant, value: 7200 },
          { labels: `${RECORDING_RULE.costPerHourByTenant}{${LABEL.tenant}="acme"}`, value: 3600 },
        ],
      },
      {
        expr: RECORDING_RULE.costPerQuery,
        eval_time: '10m',
        exp_samples: [{ labels: RECORDING_RULE.costPerQuery, value: 0.5 }],
      },
      {
        expr: RECORDING_RULE.savingsPerHourByStrategy,
        eval_time: '10m',
        exp_samples: [
          {
            labels: `${RECORDING_RULE.savingsPerHourByStrategy}{${LABEL.savingsStrategy}="prompt_cache"}`,
            value: 360,
          },
        ],
      },
    ],
  };

  const unpriced = find(defs, ALERT.unpriced);
  const unpricedLabels = {
    [LABEL.unpricedReason]: 'unknown_model',
    [LABEL.unit]: '{token}',
    [LABEL.provider]: 'openai',
    [LABEL.requestModel]: 'ft:gpt-4o:acme',
  };
  const unpricedWindow = parseDurationSeconds(opts.unpricedWindow) / MINUTE;
  const unpricedTest: PromtoolTestGroup = {
    name: 'unpriced usage alerts when a new unpriced series appears and when it grows, and is silent in between',
    interval: '1m',
    input_series: [
      {
        series: seriesText(PROM.unpriced, { ...unpricedLabels, job, instance: 'replica-1' }),
        values: new SeriesValues()
          .missing(10)
          .at(1500)
          .hold(unpricedWindow + 15)
          .at(3000)
          .hold(10)
          .toString(),
      },
    ],
    alert_rule_test: [
      { eval_time: '5m', alertname: ALERT.unpriced, exp_alerts: [] },
      { eval_time: '12m', alertname: ALERT.unpriced, exp_alerts: [expected(unpriced, 1500, unpricedLabels)] },
      { eval_time: m(10 + unpricedWindow + 10), alertname: ALERT.unpriced, exp_alerts: [] },
      {
        eval_time: m(10 + unpricedWindow + 16 + 5),
        alertname: ALERT.unpriced,
        exp_alerts: [expected(unpriced, 1500, unpricedLabels)],
      },
    ],
  };

  const down = find(defs, ALERT.exporterDown);
  const absent = find(defs, ALERT.exporterAbsent);
  const exporterFor = Math.ceil(parseDurationSeconds(down.for) / MINUTE);
  const upLabels = { job, instance: 'replica-1' };
  const exporterTest: PromtoolTestGroup = {
    name: 'exporter down fires after its for: duration when a target stops answering; absent stays silent',
    interval: '1m',
    input_series: [
      {
        series: seriesText('up', upLabels),
        values: new SeriesValues()
          .at(1)
          .hold(10)
          .at(0)
          .hold(exporterFor + 20)
          .toString(),
      },
    ],
    alert_rule_test: [
      { eval_time: '5m', alertname: ALERT.exporterDown, exp_alerts: [] },
      { eval_time: m(11 + exporterFor - 1), alertname: ALERT.exporterDown, exp_alerts: [] },
      {
        eval_time: m(11 + exporterFor + 5),
        alertname: ALERT.exporterDown,
        exp_alerts: [expected(down, 0, upLabels)],
      },
      { eval_time: m(11 + exporterFor + 5), alertname: ALERT.exporterAbsent, exp_alerts: [] },
    ],
  };
  const absentTest: PromtoolTestGroup = {
    name: `exporter absent fires when no target of job ${job} exists`,
    interval: '1m',
    input_series: [{ series: seriesText('up', { job: `not-${job}`, instance: 'other' }), values: '1x30' }],
    alert_rule_test: [
      {
        eval_time: m(Math.max(exporterFor - 1, 0)),
        alertname: ALERT.exporterAbsent,
        exp_alerts: exporterFor > 1 ? [] : [expected(absent, 0)],
      },
      { eval_time: m(exporterFor + 5), alertname: ALERT.exporterAbsent, exp_alerts: [expected(absent, 0)] },
      { eval_time: m(exporterFor + 5), alertname: ALERT.exporterDown, exp_alerts: [] },
    ],
  };
  return {
    rule_files: [`../rules/${FLEET_RULE_FILE}`],
    evaluation_interval: '1m',
    tests: [recording, unpricedTest, exporterTest, absentTest],
  };
}

/**
 * Generates `promtool test rules` unit tests for the rules of {@link generatePrometheusRules} with
 * the same budgets and options. Each alert is shown firing when it should (with its exact labels
 * and annotations) and silent when it should not:
 *
 * - `tests/burnrate.test.yml`: fleet recording rules (exact values), unpriced usage, exporter down
 *   and absent;
 * - per budget, `tests/burnrate-budget-<name>.window.test.yml`: every threshold, crossed one window at
 *   a time, and the forecast alert (fires, silent under the projection, silent once spent);
 * - per budget, `tests/burnrate-budget-<name>.burn.test.yml`: fast and slow burn rate;
 * - per calendar budget, `tests/burnrate-budget-<name>.calendar.test.yml`: what its rules measure
 *   across a calendar boundary (the rolling window, see {@link calendarWindowNote}).
 *
 * Paths are relative to the directory holding `rules/` and `tests/`; the test files refer to the rule
 * files as `../rules/...`. Budget windows must be whole hours.
 */
export function generatePromtoolTests(
  budgets: readonly BudgetRuleInput[],
  options: AlertingOptions = {},
): PromtoolTestFile[] {
  validateBudgets(budgets);
  const opts = resolveAlertingOptions(options);
  const file = (path: string, document: PromtoolTestDocument): PromtoolTestFile => ({
    path,
    document,
    content: toYaml(document),
  });
  return [
    file('tests/burnrate.test.yml', fleetTests(opts)),
    ...budgets.flatMap((b) => [
      file(`tests/burnrate-budget-${budgetSlug(b.name)}.window.test.yml`, windowTests(b, opts)),
      file(`tests/burnrate-budget-${budgetSlug(b.name)}.burn.test.yml`, burnTests(b, opts)),
      ...(b.calendar
        ? [file(`tests/burnrate-budget-${budgetSlug(b.name)}.calendar.test.yml`, calendarTests(b, opts))]
        : []),
    ]),
  ];
}
