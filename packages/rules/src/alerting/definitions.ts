import {
  formatDuration,
  formatNumber,
  LABEL,
  PROM,
  RECORDING_RULE,
  roundSignificant,
  selector,
} from '@burnrate/semconv';
import { RulesError } from '../errors.js';

/**
 * What the rule generators need from a budget. Structurally the same as the price card's
 * normalized `Budget`, so `loadPriceCard(...).budgets` can be passed as is.
 */
export interface BudgetRuleInput {
  /** Unique name; becomes the `burnrate_budget` label value. */
  readonly name: string;
  /** USD allowed per window. */
  readonly amountUsd: number;
  /** The window as written, e.g. `30d` (only used in text; `windowSeconds` is authoritative). */
  readonly window: string;
  /** The window in seconds. */
  readonly windowSeconds: number;
  /** Attribute matchers that select the budget's spend, e.g. `{ feature: 'search' }`; `{}` for all. */
  readonly scope: Readonly<Record<string, string>>;
  /** Fractions of the amount that alert, e.g. `[0.5, 0.8, 1]`. */
  readonly thresholds: readonly number[];
  /**
   * Set for a calendar budget (`window: day | week | month`, reset at local midnight in
   * `timeZone`). PromQL has no calendar `increase`, so the rules measure the rolling
   * `windowSeconds` (1d, 7d, 30d) and every alert says so ({@link calendarWindowNote}).
   */
  readonly calendar?: { readonly unit: 'day' | 'week' | 'month'; readonly timeZone: string };
}

/**
 * What the rules of a calendar budget measure instead of the calendar period, in words (the
 * `calendar_window` annotation of its alerts); undefined for a rolling budget.
 */
export function calendarWindowNote(b: BudgetRuleInput): string | undefined {
  if (!b.calendar) return undefined;
  const { unit, timeZone } = b.calendar;
  const w = formatDuration(b.windowSeconds);
  const period = unit === 'day' ? 'day' : unit === 'week' ? 'week (Monday to Sunday)' : 'month';
  const edge =
    unit === 'month'
      ? ' In a 31-day month the 1st has left the last 30d by the 31st; in February the last 30d reach into January.'
      : unit === 'day'
        ? ' On a day with a DST change (23 or 25 hours) the last 24h reach one hour into the day before, or miss the first hour.'
        : '';
  return (
    `The budget is per calendar ${period} in ${timeZone}; PromQL has no calendar increase, so this alert measures the rolling last ${w}. ` +
    `Spend made before midnight still counts after it until it is ${w} old: after the boundary this alert can still fire and clears gradually, not at midnight.${edge} ` +
    `The in-process budget (and its enforcement) resets exactly at midnight ${timeZone}. See docs/budgets-calendar-windows.md.`
  );
}

/** `for:` durations of the generated alerts (Prometheus durations). */
export interface AlertForDurations {
  /** Spend-over-threshold alerts. Default `0s`: spend never un-happens. */
  threshold: string;
  /** Fast burn (1h and 5m windows). Default `2m`. */
  fastBurn: string;
  /** Slow burn (6h and 30m windows). Default `15m`. */
  slowBurn: string;
  /** Forecast alert. Default `30m`. */
  forecast: string;
  /** Unpriced usage. Default `0s`. */
  unpriced: string;
  /** Exporter down or absent. Default `5m`. */
  exporter: string;
}

/** Options shared by the Prometheus, promtool and Grafana generators. */
export interface AlertingOptions {
  /** The Prometheus `job` that scrapes burnrate processes. Default `burnrate`. */
  job?: string;
  /** Link put in every alert's `dashboard` annotation. Default the budgets dashboard on localhost:3000. */
  dashboardUrl?: string;
  /** Fast burn-rate factor (times the even spend rate). Default 14.4 (SRE workbook: 2 % of 30d in 1h). */
  fastBurnFactor?: number;
  /** Slow burn-rate factor. Default 6 (SRE workbook: 5 % of 30d in 6h). */
  slowBurnFactor?: number;
  /**
   * How far ahead the forecast alert looks, in seconds, for a budget. Default
   * `min(window / 4, 7 days)`.
   */
  forecastHorizonSeconds?: (budget: BudgetRuleInput) => number;
  /** Overrides for `for:` durations. */
  for?: Partial<AlertForDurations>;
  /** Window of the unpriced-usage alert. Default `15m`. */
  unpricedWindow?: string;
}

/** Options with every default filled in. */
export interface ResolvedAlertingOptions {
  job: string;
  dashboardUrl: string;
  fastBurnFactor: number;
  slowBurnFactor: number;
  /** How far ahead the forecast alert looks, in seconds, for a budget. */
  forecastHorizonSeconds: (budget: BudgetRuleInput) => number;
  for: AlertForDurations;
  unpricedWindow: string;
}

/** Default Prometheus job name of the burnrate scrape. */
export const DEFAULT_JOB = 'burnrate';
/** Default dashboard link in alert annotations. */
export const DEFAULT_DASHBOARD_URL = 'http://localhost:3000/d/burnrate-budgets/burnrate-budgets';

/**
 * What is wrong with a Prometheus job name for the generated rules, or undefined when it is usable.
 * Any non-empty string is a valid `job` label value, but an empty one is the absent label:
 * `up{job=""}` matches no target, so the exporter-absent alert would fire forever. Surrounding
 * spaces and control characters are refused too: no `job_name` in a prometheus.yml has them.
 */
export function jobNameProblem(job: string): string | undefined {
  if (typeof job !== 'string') return `expected a string, got ${typeof job}`;
  if (job.trim() === '') {
    return `expected the job_name of the scrape job in prometheus.yml (e.g. ${DEFAULT_JOB}), got ${JSON.stringify(job)}: up{job=""} matches no target, so ${ALERT.exporterAbsent} would always fire`;
  }
  if (job !== job.trim()) {
    return `expected the job_name of the scrape job without surrounding spaces, got ${JSON.stringify(job)}: write ${JSON.stringify(job.trim())}`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(job)) {
    return `expected the job_name of the scrape job, got ${JSON.stringify(job)} with a control character (a newline or tab?)`;
  }
  return undefined;
}

/**
 * Fills in the defaults of {@link AlertingOptions}.
 *
 * @throws RulesError when `job` is empty or otherwise unusable (see {@link jobNameProblem}).
 */
export function resolveAlertingOptions(options: AlertingOptions = {}): ResolvedAlertingOptions {
  if (options.job !== undefined) {
    const problem = jobNameProblem(options.job);
    if (problem !== undefined) throw new RulesError(`job: ${problem}`);
  }
  return {
    job: options.job ?? DEFAULT_JOB,
    dashboardUrl: options.dashboardUrl ?? DEFAULT_DASHBOARD_URL,
    fastBurnFactor: options.fastBurnFactor ?? 14.4,
    slowBurnFactor: options.slowBurnFactor ?? 6,
    forecastHorizonSeconds:
      options.forecastHorizonSeconds ?? ((b) => Math.min(Math.floor(b.windowSeconds / 4), 7 * 86_400)),
    for: {
      threshold: '0s',
      fastBurn: '2m',
      slowBurn: '15m',
      forecast: '30m',
      unpriced: '0s',
      exporter: '5m',
      ...options.for,
    },
    unpricedWindow: options.unpricedWindow ?? '15m',
  };
}

/** Alert names, one per kind of alert. */
export const ALERT = {
  threshold: 'BurnrateBudgetThreshold',
  fastBurn: 'BurnrateBudgetFastBurn',
  slowBurn: 'BurnrateBudgetSlowBurn',
  forecast: 'BurnrateBudgetForecast',
  unpriced: 'BurnrateUnpricedUsage',
  exporterDown: 'BurnrateExporterDown',
  exporterAbsent: 'BurnrateExporterAbsent',
} as const;

/**
 * One comparison of an alert: `expr op threshold`. An alert holds one or more, all of which must
 * hold (`and`). The first one's value is the alert's `$value`.
 */
export interface AlertCondition {
  /** A PromQL expression whose value is compared. */
  readonly expr: string;
  /** Comparison. */
  readonly op: '>' | '>=' | '<';
  /** Right-hand side. */
  readonly threshold: number;
}

/** Text of an annotation, rendered for one backend's template language. */
export type AnnotationText = (value: string) => string;

/** One alert, independent of where it is evaluated (Prometheus or Grafana). */
export interface AlertDefinition {
  /** Alert name (Prometheus `alert:`). */
  readonly alert: string;
  /** Stable identifier, unique per alert definition (used for Grafana uids). */
  readonly id: string;
  /** Conditions, all required. */
  readonly conditions: readonly AlertCondition[];
  /** `for:` duration. */
  readonly for: string;
  /** Labels (severity, budget, ...). */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotations, given the backend's template for the first condition's value. */
  readonly annotations: Readonly<Record<string, AnnotationText>>;
}

/** A recording rule. */
export interface RecordingDefinition {
  /** Recorded series name. */
  readonly record: string;
  /** PromQL expression. */
  readonly expr: string;
  /** Extra labels. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The PromQL text of an alert: its conditions joined with `and`. */
export function alertExpr(def: AlertDefinition): string {
  const parts = def.conditions.map((c) => `${c.expr} ${c.op} ${formatNumber(c.threshold)}`);
  return parts.length === 1 ? (parts[0] ?? '') : parts.map((p) => `(${p})`).join(' and ');
}

/** Throws a `TypeError` naming the budget and field when a budget cannot become rules. */
export function validateBudgets(budgets: readonly BudgetRuleInput[]): void {
  const seen = new Set<string>();
  budgets.forEach((b, i) => {
    const at = `budgets[${i}]`;
    if (typeof b.name !== 'string' || b.name === '') throw new RulesError(`${at}.name: expected a name`);
    if (seen.has(b.name)) throw new RulesError(`${at}.name: "${b.name}" is used by another budget`);
    seen.add(b.name);
    if (!(Number.isFinite(b.amountUsd) && b.amountUsd > 0)) {
      throw new RulesError(`${at}.amountUsd: expected a positive number, got ${b.amountUsd}`);
    }
    if (!(Number.isInteger(b.windowSeconds) && b.windowSeconds >= 60)) {
      throw new RulesError(
        `${at}.windowSeconds: expected whole seconds of at least 60, got ${b.windowSeconds}`,
      );
    }
    if (b.thresholds.length === 0 || b.thresholds.some((t) => !(Number.isFinite(t) && t > 0))) {
      throw new RulesError(`${at}.thresholds: expected positive fractions, got [${b.thresholds.join(', ')}]`);
    }
  });
}

/** A budget's name made safe for file names, group names and uids: `search.monthly` → `search-monthly`. */
export function budgetSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The even spend rate of a budget in USD per hour (amount spread evenly over the window). */
export function evenRatePerHour(b: BudgetRuleInput): number {
  return (b.amountUsd / b.windowSeconds) * 3600;
}

/** Writes dollars for annotation text: `$100`, `$0.5`, `$1234.57`. */
export function dollars(usd: number): string {
  return `$${roundSignificant(usd, 6)}`;
}

/** The spend of a budget over a range: `sum(increase(burnrate_cost_usd_total{scope}[range]))`. */
export function spendExpr(b: BudgetRuleInput, rangeSeconds: number): string {
  return `sum(increase(${selector(PROM.cost, b.scope)}[${formatDuration(rangeSeconds)}]))`;
}

/** The spend rate of a budget in USD per hour over a range. */
export function ratePerHourExpr(b: BudgetRuleInput, range: string): string {
  return `sum(rate(${selector(PROM.cost, b.scope)}[${range}])) * 3600`;
}

function scopeText(b: BudgetRuleInput): string {
  const entries = Object.entries(b.scope);
  return entries.length === 0 ? 'all spend' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

function percent(t: number): string {
  return String(roundSignificant(t * 100, 10));
}

/** The recording rules of one budget: spend over its window and its 1h burn rate. */
export function budgetRecordingDefinitions(b: BudgetRuleInput): RecordingDefinition[] {
  const labels = { [LABEL.budget]: b.name, [LABEL.budgetWindow]: formatDuration(b.windowSeconds) };
  const even = evenRatePerHour(b);
  return [
    { record: RECORDING_RULE.budgetSpend, expr: spendExpr(b, b.windowSeconds), labels },
    {
      record: RECORDING_RULE.budgetBurnRate1h,
      expr: `${ratePerHourExpr(b, '1h')} / ${formatNumber(even)}`,
      labels,
    },
  ];
}

/**
 * The alerts of one budget:
 *
 * - one threshold alert per fraction `t`: `sum(increase(cost{scope}[window])) >= t × amount`
 *   (`severity: critical` at or above 100 %, else `warning`);
 * - fast burn: spend rate over 1h and over 5m both above `fastBurnFactor ×` the even rate
 *   (amount / window), `severity: critical`;
 * - slow burn: over 6h and 30m above `slowBurnFactor ×`, `severity: warning`;
 * - forecast: spend so far in the window + the last 6h's rate × the horizon exceeds the amount,
 *   while spend so far is still below it, `severity: warning`.
 */
export function budgetAlertDefinitions(b: BudgetRuleInput, opts: ResolvedAlertingOptions): AlertDefinition[] {
  const slug = budgetSlug(b.name);
  const window = formatDuration(b.windowSeconds);
  const limit = dollars(b.amountUsd);
  const even = evenRatePerHour(b);
  const base = { [LABEL.budget]: b.name, [LABEL.budgetWindow]: window };
  const dashboard: AnnotationText = () => opts.dashboardUrl;
  const spent = spendExpr(b, b.windowSeconds);
  const defs: AlertDefinition[] = [];

  for (const t of [...b.thresholds].sort((x, y) => x - y)) {
    defs.push({
      alert: ALERT.threshold,
      id: `${slug}-threshold-${percent(t)}`,
      conditions: [{ expr: spent, op: '>=', threshold: roundSignificant(t * b.amountUsd) }],
      for: opts.for.threshold,
      labels: { ...base, [LABEL.threshold]: percent(t), severity: t >= 1 ? 'critical' : 'warning' },
      annotations: {
        summary: (v) =>
          `Budget ${b.name} has spent $${v} of ${limit} (${percent(t)}% threshold) in ${window}`,
        description: (v) =>
          `Spend matching ${scopeText(b)} over the last ${window} is $${v}, at or above ${percent(t)}% of the ${limit} budget.`,
        dashboard,
      },
    });
  }

  const burn = (
    kind: 'fast' | 'slow',
    factor: number,
    long: string,
    short: string,
    forDuration: string,
  ): AlertDefinition => {
    const limitPerHour = roundSignificant(factor * even);
    return {
      alert: kind === 'fast' ? ALERT.fastBurn : ALERT.slowBurn,
      id: `${slug}-${kind}-burn`,
      conditions: [
        { expr: ratePerHourExpr(b, long), op: '>', threshold: limitPerHour },
        { expr: ratePerHourExpr(b, short), op: '>', threshold: limitPerHour },
      ],
      for: forDuration,
      labels: { ...base, severity: kind === 'fast' ? 'critical' : 'warning' },
      annotations: {
        summary: (v) =>
          `Budget ${b.name} is burning $${v}/h over the last ${long}, more than ${factor}x its even rate`,
        description: (v) =>
          `Spend matching ${scopeText(b)} runs at $${v}/h over ${long} (and above $${roundSignificant(limitPerHour, 6)}/h over ${short}). ` +
          `The even rate of ${limit} per ${window} is $${roundSignificant(even, 6)}/h; at ${factor}x the budget lasts ${formatHours(b.windowSeconds / factor)}.`,
        dashboard,
      },
    };
  };
  defs.push(burn('fast', opts.fastBurnFactor, '1h', '5m', opts.for.fastBurn));
  defs.push(burn('slow', opts.slowBurnFactor, '6h', '30m', opts.for.slowBurn));

  const horizon = opts.forecastHorizonSeconds(b);
  defs.push({
    alert: ALERT.forecast,
    id: `${slug}-forecast`,
    conditions: [
      {
        expr: `${spent} + ${ratePerHourExpr(b, '6h')} * ${formatNumber(horizon / 3600)}`,
        op: '>',
        threshold: b.amountUsd,
      },
      { expr: spent, op: '<', threshold: b.amountUsd },
    ],
    for: opts.for.forecast,
    labels: { ...base, severity: 'warning' },
    annotations: {
      summary: (v) =>
        `Budget ${b.name} is projected to reach $${v} of ${limit} within ${formatHours(horizon)}`,
      description: (v) =>
        `Spend matching ${scopeText(b)} over the last ${window} plus the last 6h's rate for the next ` +
        `${formatHours(horizon)} comes to $${v}, past the ${limit} budget.`,
      dashboard,
    },
  });
  const note = calendarWindowNote(b);
  if (note === undefined) return defs;
  return defs.map((d) => ({ ...d, annotations: { ...d.annotations, calendar_window: () => note } }));
}

function formatHours(seconds: number): string {
  const hours = seconds / 3600;
  return hours >= 48 ? `${roundSignificant(hours / 24, 3)} days` : `${roundSignificant(hours, 3)} hours`;
}

/** The alerts that do not belong to a budget: unpriced usage and the exporter down or absent. */
export function healthAlertDefinitions(opts: ResolvedAlertingOptions): AlertDefinition[] {
  const by = [LABEL.unpricedReason, LABEL.unit, LABEL.provider, LABEL.requestModel].join(', ');
  const u = PROM.unpriced;
  const w = opts.unpricedWindow;
  const up = `up{job=${JSON.stringify(opts.job)}}`;
  const dashboard: AnnotationText = () => opts.dashboardUrl;
  return [
    {
      alert: ALERT.unpriced,
      id: 'unpriced-usage',
      conditions: [
        {
          expr: `sum by (${by}) ((increase(${u}[${w}]) > 0) or (${u} unless ${u} offset ${w}))`,
          op: '>',
          threshold: 0,
        },
      ],
      for: opts.for.unpriced,
      labels: { severity: 'warning' },
      annotations: {
        summary: (v) =>
          `Unpriced usage: ${v} {{ $labels.${LABEL.unit} }} of {{ $labels.${LABEL.requestModel} }} ({{ $labels.${LABEL.unpricedReason} }})`,
        description: (v) =>
          `${v} {{ $labels.${LABEL.unit} }} were used in the last ${w} with no price (reason {{ $labels.${LABEL.unpricedReason} }}). ` +
          `This spend is missing from every dollar total and budget; add the model to the price card.`,
        dashboard,
      },
    },
    {
      alert: ALERT.exporterDown,
      id: 'exporter-down',
      conditions: [{ expr: up, op: '<', threshold: 1 }],
      for: opts.for.exporter,
      labels: { severity: 'critical' },
      annotations: {
        summary: () => `burnrate exporter {{ $labels.instance }} is down`,
        description: () =>
          `Prometheus cannot scrape {{ $labels.instance }} (job ${opts.job}); its spend is not counted in budgets while it is down.`,
        dashboard,
      },
    },
    {
      alert: ALERT.exporterAbsent,
      id: 'exporter-absent',
      conditions: [{ expr: `(count(${up}) or vector(0))`, op: '<', threshold: 1 }],
      for: opts.for.exporter,
      labels: { severity: 'critical' },
      annotations: {
        summary: () => `No burnrate exporter is scraped (job ${opts.job})`,
        description: () =>
          `Prometheus has no target in job ${opts.job}: no spend is measured and no budget alert can fire.`,
        dashboard,
      },
    },
  ];
}

/** The fleet recording rules: $/s and $/h in total and by component, model, feature, tenant; cost per query; savings. */
export function fleetRecordingDefinitions(): RecordingDefinition[] {
  const rate = `rate(${PROM.cost}[5m])`;
  return [
    { record: RECORDING_RULE.costPerSecond, expr: `sum(${rate})` },
    { record: RECORDING_RULE.costPerHour, expr: `sum(${rate}) * 3600` },
    { record: RECORDING_RULE.costPerHourByComponent, expr: `sum by (${LABEL.component}) (${rate}) * 3600` },
    {
      record: RECORDING_RULE.costPerHourByModel,
      expr: `sum by (${LABEL.provider}, ${LABEL.requestModel}) (${rate}) * 3600`,
    },
    { record: RECORDING_RULE.costPerHourByFeature, expr: `sum by (${LABEL.feature}) (${rate}) * 3600` },
    { record: RECORDING_RULE.costPerHourByTenant, expr: `sum by (${LABEL.tenant}) (${rate}) * 3600` },
    {
      record: RECORDING_RULE.costPerQuery,
      expr: `sum(rate(${PROM.requestCostSum}[5m])) / sum(rate(${PROM.requestCostCount}[5m]))`,
    },
    {
      record: RECORDING_RULE.savingsPerHourByStrategy,
      expr: `sum by (${LABEL.savingsStrategy}) (rate(${PROM.savings}[5m])) * 3600`,
    },
  ];
}
