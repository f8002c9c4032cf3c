import {
  ATTR,
  ENGINE_METRICS,
  type EngineName,
  type EnginePhaseSeconds,
  type EngineSeries,
  formatDuration,
  formatNumber,
  GPU_UTILIZATION_SERIES,
  LABEL,
  PROM,
  RECORDING_RULE,
  roundSignificant,
  selector,
} from '@burnrate/semconv';
import type { AlertDefinition, RecordingDefinition } from '../alerting/definitions.js';
import { budgetSlug } from '../alerting/definitions.js';
import {
  type GeneratedFile,
  type PrometheusRuleGroup,
  toPrometheusAlert,
  toYaml,
} from '../alerting/prometheus-rules.js';
import { RulesError } from '../errors.js';

/**
 * What the deployment rules need of a price-card deployment. Structurally the card's normalized
 * `Deployment`, so `loadPriceCard(...).deployments` can be passed as is.
 */
export interface DeploymentRuleInput {
  /** Unique name; becomes the `burnrate_deployment` label value. */
  readonly name: string;
  /** Request model the deployment serves (the client counters' `gen_ai_request_model`). */
  readonly model?: string;
  /** Requests served concurrently. */
  readonly batchSize: number;
  /** Target utilization in (0, 1]. */
  readonly utilizationTarget: number;
  /** Caller attributes the deployment's calls carry (matched on the client counters). */
  readonly scope: Readonly<Record<string, string>>;
  /** Window the rules measure tokens, time and requests over, in seconds. */
  readonly windowSeconds: number;
  /** The GPUs it holds; deployments without them get no cost rules. */
  readonly gpu?: {
    readonly model: string;
    readonly count: number;
    readonly market: string;
    readonly usdPerGpuHour: number;
    /** Selector of the GPUs' DCGM / nvidia-smi series, e.g. `{job="dcgm"}`. */
    readonly selector?: string;
  };
  /** The engine serving it and the selector of its scraped series, e.g. `{job="vllm-llama"}`. */
  readonly server?: { readonly engine: EngineName; readonly selector: string };
  /** Idle and capacity alert settings. */
  readonly alerts: { readonly idleShare: number; readonly idleFor: string; readonly capacityFor: string };
}

/** Alert names of the deployment rules. */
export const DEPLOYMENT_ALERT = {
  idle: 'BurnrateDeploymentIdle',
  overCapacity: 'BurnrateDeploymentOverCapacity',
} as const;

/** The deployments of a card that get rules: those that say which GPUs they hold. */
export function ruledDeployments(deployments: readonly DeploymentRuleInput[]): DeploymentRuleInput[] {
  return deployments.filter((d) => d.gpu !== undefined);
}

/** Name of the rule file of one deployment. */
export function deploymentRuleFileName(d: Pick<DeploymentRuleInput, 'name'>): string {
  return `burnrate-deployment-${budgetSlug(d.name)}.rules.yml`;
}

/** Throws a {@link RulesError} naming the deployment and field when a deployment cannot become rules. */
export function validateDeployments(deployments: readonly DeploymentRuleInput[]): void {
  const slugs = new Map<string, string>();
  deployments.forEach((d, i) => {
    const at = `deployments[${i}]`;
    if (typeof d.name !== 'string' || d.name === '') throw new RulesError(`${at}.name: expected a name`);
    const slug = budgetSlug(d.name);
    const other = slugs.get(slug);
    if (slug === '' || other !== undefined) {
      throw new RulesError(
        `${at}.name: "${d.name}" gives the rule file name of ${other === undefined ? 'no deployment' : `"${other}"`} (${deploymentRuleFileName(d)}); rename it`,
      );
    }
    slugs.set(slug, d.name);
    const gpu = d.gpu;
    if (!gpu) return;
    if (!(Number.isFinite(gpu.usdPerGpuHour) && gpu.usdPerGpuHour > 0)) {
      throw new RulesError(`${at}.gpu.usdPerGpuHour: expected a positive number, got ${gpu.usdPerGpuHour}`);
    }
    if (!(Number.isInteger(gpu.count) && gpu.count > 0)) {
      throw new RulesError(`${at}.gpu.count: expected a whole number ≥ 1, got ${gpu.count}`);
    }
    if (d.server && !(d.server.engine in ENGINE_METRICS)) {
      throw new RulesError(`${at}.server.engine: expected vllm, sglang or tgi, got "${d.server.engine}"`);
    }
  });
}

/** The Prometheus duration of a deployment's window (whole seconds, at least 1s). */
export function deploymentWindow(d: Pick<DeploymentRuleInput, 'windowSeconds'>): {
  text: string;
  seconds: number;
} {
  const seconds = Math.max(1, Math.round(d.windowSeconds));
  return { text: formatDuration(seconds), seconds };
}

/** The labels every series of a deployment's rules carries: the deployment and its model. */
export function deploymentLabels(d: DeploymentRuleInput): Record<string, string> {
  return {
    [LABEL.deployment]: d.name,
    ...(d.model !== undefined ? { [LABEL.requestModel]: d.model } : {}),
  };
}

/** The deployment's GPU cost in USD per hour: count × $/GPU-hour. */
export function deploymentCostPerHour(d: DeploymentRuleInput): number {
  return roundSignificant((d.gpu?.count ?? 0) * (d.gpu?.usdPerGpuHour ?? 0));
}

/** Adds matchers (PromQL text) to a normalized `{…}` selector. */
function withMatchers(metric: string, braces: string, extra?: string): string {
  const inner = braces.trim().replace(/^\{/, '').replace(/\}$/, '');
  const all = [inner, extra].filter((m): m is string => m !== undefined && m !== '').join(',');
  return all === '' ? metric : `${metric}{${all}}`;
}

/**
 * The per-second rate of a counter-like series over the window, summed over its series: the exact
 * difference between the last sample now and the one a window ago, divided by the window
 * (`(x - x offset W) / W`); where there is no sample a window ago (a series Prometheus has seen for
 * less than the window) or the counter went down (a restart), Prometheus's `rate(x[W])`. The exact
 * difference does not extrapolate, so a burst of traffic inside the window counts to the token;
 * `rate()` is exact for steady traffic from the first two samples.
 */
export function windowRate(series: string, window: { text: string; seconds: number }): string {
  return `sum(((${series} - ${series} offset ${window.text}) >= 0) / ${window.seconds} or rate(${series}[${window.text}]))`;
}

/** The PromQL pieces of one deployment: engine series over the window, its cost, its busy ratio. */
export interface DeploymentExpressions {
  /** Cost in USD per hour, as a number. */
  costPerHour: number;
  /** Window as a duration and in seconds. */
  window: { text: string; seconds: number };
  /** Input tokens the engine serves per second over the window, or undefined without a server. */
  inputTokens?: string;
  /** Output tokens per second. */
  outputTokens?: string;
  /** Prefill seconds per second. */
  prefillSeconds?: string;
  /** Decode seconds per second. */
  decodeSeconds?: string;
  /** Requests finished per second (the observed QPS). */
  requests?: string;
  /** Seconds of those requests, end to end, per second. */
  requestSeconds?: string;
  /** The busy ratio, 0–1, or undefined when nothing measures it. */
  busy?: string;
}

/** Builds the PromQL pieces of a deployment (see {@link DeploymentExpressions}). */
export function deploymentExpressions(d: DeploymentRuleInput): DeploymentExpressions {
  const window = deploymentWindow(d);
  const out: DeploymentExpressions = { costPerHour: deploymentCostPerHour(d), window };
  const utilSelector = d.gpu?.selector ?? d.server?.selector;
  const util =
    utilSelector === undefined
      ? undefined
      : `avg(${withMatchers(GPU_UTILIZATION_SERIES.dcgmUtilizationPercent, utilSelector)}) / 100 or avg(${withMatchers(PROM.gpuUtilization, utilSelector)})`;
  if (!d.server) {
    if (util !== undefined) out.busy = util;
    return out;
  }
  const sel = d.server.selector;
  const m = ENGINE_METRICS[d.server.engine];
  const grow = (s: EngineSeries): string => windowRate(withMatchers(s.name, sel, s.matchers), window);
  const phase = (p: EnginePhaseSeconds): string =>
    p.minus === undefined ? grow(p.plus) : `(${grow(p.plus)} - ${grow(p.minus)})`;
  out.inputTokens = grow(m.inputTokens);
  out.outputTokens = grow(m.outputTokens);
  out.prefillSeconds = phase(m.prefillSeconds);
  out.decodeSeconds = phase(m.decodeSeconds);
  out.requests = grow(m.requests);
  out.requestSeconds = grow(m.requestSeconds);
  const running = `clamp_max(sum(${withMatchers(m.runningRequests, sel)}) / ${d.batchSize}, 1)`;
  out.busy = util === undefined ? running : `${util} or ${running}`;
  return out;
}

/**
 * The window tenants' shares are counted over: the deployment's window rounded up to a whole number
 * of windows of at least an hour, so shares stay put between bursts of traffic (a tenant's share
 * of a GPU that idles for a minute is still its share).
 */
export function tenantWindowSeconds(d: Pick<DeploymentRuleInput, 'windowSeconds'>): number {
  const w = deploymentWindow(d).seconds;
  return w * Math.ceil(3600 / w);
}

/** Tokens (input + output) of the deployment's model per tenant over the tenant window, from burnrate's client counters. */
function tenantTokens(d: DeploymentRuleInput, window: string): string {
  const scope = { ...d.scope, ...(d.model !== undefined ? { [ATTR.requestModel]: d.model } : {}) };
  const per = (metric: string): string => {
    const s = selector(metric, scope);
    return `sum by (${LABEL.tenant}) (((${s} - ${s} offset ${window}) >= 0) or ${s})`;
  };
  const input = per(PROM.inputTokens);
  const output = per(PROM.outputTokens);
  // A tenant with only one of the two series still counts (`or`).
  return `(${input} + ${output} or ${input} or ${output})`;
}

/**
 * The recording rules of one deployment with GPUs (see docs/self-hosted.md for each formula):
 *
 * - `burnrate:deployment_cost_usd_per_hour` = GPU count × $/GPU-hour, a constant (`vector(x)`), so
 *   it exists with nothing but the engine scraped (or nothing at all: the GPUs are paid for anyway);
 * - `burnrate:deployment_tokens_per_second{gen_ai_token_type}` = the engine's token counters'
 *   rate over the window ({@link windowRate});
 * - `burnrate:deployment_cost_usd_per_1m_tokens{gen_ai_token_type}` = cost per second × the
 *   direction's share of engine time (prefill for input, decode for output) ÷ its tokens per second
 *   × 1e6: the whole cost, idle time included, charged to the tokens served;
 * - `burnrate:deployment_busy_ratio` = GPU utilization (DCGM, else burnrate's nvidia-smi sampler),
 *   else running requests ÷ batch_size capped at 1;
 * - `burnrate:deployment_idle_cost_usd_per_hour` = cost × (1 − busy);
 * - `burnrate:tenant_selfhosted_cost_usd_per_hour{tenant}` = cost × the tenant's share of the
 *   model's input + output tokens counted by burnrate's client counters over the tenant window
 *   ({@link tenantWindowSeconds}, at least an hour).
 */
export function deploymentRecordingDefinitions(d: DeploymentRuleInput): RecordingDefinition[] {
  if (!d.gpu) return [];
  const e = deploymentExpressions(d);
  const labels = deploymentLabels(d);
  const cost = formatNumber(e.costPerHour);
  const defs: RecordingDefinition[] = [
    { record: RECORDING_RULE.deploymentCostPerHour, expr: `vector(${cost})`, labels },
  ];
  if (e.inputTokens && e.outputTokens && e.prefillSeconds && e.decodeSeconds) {
    const dir = (t: 'input' | 'output'): Record<string, string> => ({ ...labels, [LABEL.tokenType]: t });
    const busyTime = `((${e.prefillSeconds} + ${e.decodeSeconds}) > 0)`;
    const perMillion = (phase: string, tokens: string): string =>
      `${cost} / 3600 * ${phase} / ${busyTime} / (${tokens} > 0) * 1000000`;
    defs.push(
      { record: RECORDING_RULE.deploymentTokensPerSecond, expr: e.inputTokens, labels: dir('input') },
      { record: RECORDING_RULE.deploymentTokensPerSecond, expr: e.outputTokens, labels: dir('output') },
      {
        record: RECORDING_RULE.deploymentCostPer1mTokens,
        expr: perMillion(e.prefillSeconds, e.inputTokens),
        labels: dir('input'),
      },
      {
        record: RECORDING_RULE.deploymentCostPer1mTokens,
        expr: perMillion(e.decodeSeconds, e.outputTokens),
        labels: dir('output'),
      },
    );
  }
  if (e.busy) {
    defs.push(
      { record: RECORDING_RULE.deploymentBusyRatio, expr: e.busy, labels },
      { record: RECORDING_RULE.deploymentIdleCostPerHour, expr: `${cost} * (1 - (${e.busy}))`, labels },
    );
  }
  if (d.server && d.model !== undefined) {
    const tokens = tenantTokens(d, formatDuration(tenantWindowSeconds(d)));
    defs.push({
      record: RECORDING_RULE.tenantSelfhostedCostPerHour,
      expr: `${cost} * ${tokens} / on () group_left () (sum(${tokens}) > 0)`,
      labels,
    });
  }
  return defs;
}

/**
 * The alerts of one deployment:
 *
 * - `BurnrateDeploymentIdle`: idle dollars per hour above `idle_share` of its cost for `idle_for`
 *   (`severity: warning`);
 * - `BurnrateDeploymentOverCapacity`: the capacity formula `ceil(QPS × latency ÷ (batch_size ×
 *   utilization_target))` needs more than the one instance the deployment is, for `capacity_for`,
 *   with QPS and mean latency the engine's finished requests over the window (`severity: critical`).
 */
export function deploymentAlertDefinitions(d: DeploymentRuleInput): AlertDefinition[] {
  if (!d.gpu) return [];
  const e = deploymentExpressions(d);
  const labels = deploymentLabels(d);
  const slug = budgetSlug(d.name);
  const defs: AlertDefinition[] = [];
  if (e.busy) {
    const idleLimit = roundSignificant(d.alerts.idleShare * e.costPerHour);
    const share = roundSignificant(d.alerts.idleShare * 100, 10);
    defs.push({
      alert: DEPLOYMENT_ALERT.idle,
      id: `deployment-${slug}-idle`,
      conditions: [
        {
          expr: selector(RECORDING_RULE.deploymentIdleCostPerHour, [
            { label: LABEL.deployment, op: '=', value: d.name },
          ]),
          op: '>',
          threshold: idleLimit,
        },
      ],
      for: d.alerts.idleFor,
      labels: { severity: 'warning' },
      annotations: {
        summary: (v) => `Deployment ${d.name} pays $${v}/h for idle GPUs (more than ${share}% of its cost)`,
        description: (v) =>
          `${d.gpu?.count} × ${d.gpu?.model} (${d.gpu?.market}) cost $${roundSignificant(e.costPerHour, 6)}/h; $${v}/h of it has been idle for ${d.alerts.idleFor}. ` +
          'Consider fewer GPUs, a smaller GPU, or batching more traffic onto it.',
      },
    });
  }
  if (e.requests && e.requestSeconds) {
    const qps = e.requests;
    const latency = `(${e.requestSeconds} / (${e.requests} > 0))`;
    defs.push({
      alert: DEPLOYMENT_ALERT.overCapacity,
      id: `deployment-${slug}-over-capacity`,
      conditions: [
        {
          expr: `ceil(${qps} * ${latency} / ${formatNumber(d.batchSize * d.utilizationTarget)})`,
          op: '>',
          threshold: 1,
        },
      ],
      for: d.alerts.capacityFor,
      labels: { ...labels, severity: 'critical' },
      annotations: {
        summary: () => `Deployment ${d.name} needs {{ $value }} instances for its traffic, has 1`,
        description: () =>
          `QPS × mean latency over ${e.window.text} exceeds batch_size ${d.batchSize} × utilization_target ${d.utilizationTarget}: ` +
          'requests queue and latency grows. Add an instance or raise the batch size.',
      },
    });
  }
  return defs;
}

/** The rule group of one deployment: its recording rules, then its alerts. */
export function deploymentRuleGroup(d: DeploymentRuleInput): PrometheusRuleGroup {
  return {
    name: `burnrate-deployment-${budgetSlug(d.name)}`,
    rules: [
      ...deploymentRecordingDefinitions(d).map((r) => ({
        record: r.record,
        expr: r.expr,
        labels: { ...r.labels },
      })),
      ...deploymentAlertDefinitions(d).map(toPrometheusAlert),
    ],
  };
}

/**
 * The rule files of the card's self-hosted deployments, one `rules/burnrate-deployment-<name>.rules.yml`
 * per deployment with `gpu` (deployments declared only for capacity planning get none).
 *
 * @throws RulesError naming the deployment field when a deployment cannot become rules.
 */
export function generateDeploymentRules(deployments: readonly DeploymentRuleInput[]): GeneratedFile[] {
  validateDeployments(deployments);
  return ruledDeployments(deployments).map((d) => ({
    path: `rules/${deploymentRuleFileName(d)}`,
    content: toYaml({ groups: [deploymentRuleGroup(d)] }),
  }));
}
