import {
  ATTR,
  ENGINE_METRICS,
  type EngineSeries,
  formatDuration,
  GPU_UTILIZATION_SERIES,
  LABEL,
  labelName,
  PROM,
  quoteLabelValue,
  RECORDING_RULE,
  roundSignificant,
} from '@burnrate/semconv';
import type { AlertDefinition } from '../alerting/definitions.js';
import { formatUsdLikeTemplate } from '../alerting/money-templates.js';
import { PROMETHEUS_VALUE, toYaml } from '../alerting/prometheus-rules.js';
import type {
  PromtoolAlertTest,
  PromtoolExpectedAlert,
  PromtoolExprTest,
  PromtoolInputSeries,
  PromtoolTestDocument,
  PromtoolTestFile,
  PromtoolTestGroup,
} from '../alerting/promtool-tests.js';
import { RulesError } from '../errors.js';
import {
  DEPLOYMENT_ALERT,
  type DeploymentRuleInput,
  deploymentAlertDefinitions,
  deploymentCostPerHour,
  deploymentLabels,
  deploymentRuleFileName,
  deploymentWindow,
  ruledDeployments,
  tenantWindowSeconds,
  validateDeployments,
} from './deployment-rules.js';

const INSTANCES = ['gpu-node-1', 'gpu-node-2'] as const;

/** Per-step growth of each engine series on each instance (chosen so every sum is exact in binary). */
const STEP = {
  inputTokens: 1000,
  outputTokens: 250,
  prefillSeconds: 0.5,
  decodeSeconds: 3.5,
  requests: 2,
} as const;

/** Client-side tokens per step by tenant: input, output. `other-model` must not count. */
const TENANTS: ReadonlyArray<{ tenant: string; input: number; output: number }> = [
  { tenant: 'acme', input: 300, output: 100 },
  { tenant: 'globex', input: 50, output: 50 },
];

/** A label the selector does not constrain, to tell two test series apart. */
function freeLabel(taken: Record<string, string>, candidates: readonly string[]): string {
  return candidates.find((c) => !(c in taken)) ?? 'series_replica';
}

/** One parsed matcher of a normalized selector. */
interface TextMatcher {
  label: string;
  op: string;
  value: string;
}

/** Parses the matchers of a normalized selector (`{job="a",b=~"c"}`, as the card writes it). */
function parseMatchers(text: string): TextMatcher[] {
  const out: TextMatcher[] = [];
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
  for (const m of text.matchAll(re)) {
    out.push({ label: m[1] ?? '', op: m[2] ?? '=', value: (m[3] ?? '').replace(/\\(.)/g, '$1') });
  }
  return out;
}

/**
 * A label value that satisfies a regex matcher, found by reading the pattern literally: groups
 * keep their first alternative, `.*` matches nothing, `.+` one `x`, a class its first character.
 */
function matchingValue(pattern: string): string | undefined {
  let literal = pattern;
  for (let i = 0; i < 10 && /\(([^()]*)\)/.test(literal); i++) {
    literal = literal.replace(/\(([^()]*)\)/g, (_, body: string) => body.split('|')[0] ?? '');
  }
  literal = (literal.split('|')[0] ?? '')
    .replace(/\.\*/g, '')
    .replace(/\.\+/g, 'x')
    .replace(/\[\^?([^\]])[^\]]*\]/g, '$1')
    .replace(/[?*]/g, '')
    .replace(/\+/g, '')
    .replace(/^\^|\$$/g, '')
    .replace(/\\(.)/g, '$1');
  const re = new RegExp(`^(?:${pattern})$`);
  return [pattern, literal].find((c) => re.test(c));
}

/** Labels of a test series that the selector's matchers all select. */
function labelsFor(selectorText: string, what: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of parseMatchers(selectorText)) {
    if (m.op === '=') labels[m.label] = m.value;
    else if (m.op === '!=') labels[m.label] = `${m.value}-not`;
    else if (m.op === '=~') {
      const v = matchingValue(m.value);
      if (v === undefined)
        throw new RulesError(
          `${what}: no test label value matches ${m.label}=~"${m.value}"; write a simpler pattern`,
        );
      labels[m.label] = v;
    } else if (new RegExp(`^(?:${m.value})$`).test('burnrate-test')) {
      throw new RulesError(`${what}: the test label value "burnrate-test" matches ${m.label}!~"${m.value}"`);
    }
  }
  return labels;
}

function seriesText(metric: string, labels: Record<string, string>): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}=${quoteLabelValue(v)}`)
    .join(', ');
  return `${metric}{${body}}`;
}

/** Labels as promtool prints a sample's: `{a="b", c="d"}` sorted by name. */
function sampleLabels(metric: string | undefined, labels: Record<string, string>): string {
  const body = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${quoteLabelValue(v)}`)
    .join(', ');
  return metric === undefined ? `{${body}}` : `${metric}{${body}}`;
}

/** `steps + 1` samples from 0 growing by `step` each (promtool's `0+stepxN`). */
function ramp(step: number, steps: number): string {
  return `0+${step}x${steps}`;
}

/** The value promtool's `0+stepxN` has after `n` steps: repeated addition, as promtool expands it. */
function rampValue(step: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v += step;
  return v;
}

/** Renders an annotation template the way Prometheus does for a value and labels. */
function render(template: string, value: number): string {
  return template
    .split(PROMETHEUS_VALUE)
    .join(formatUsdLikeTemplate(value))
    .split('{{ $value }}')
    .join(String(value));
}

function expectedAlert(
  def: AlertDefinition,
  value: number,
  labels: Record<string, string>,
): PromtoolExpectedAlert {
  const all = { ...labels, ...def.labels };
  return {
    exp_labels: all,
    exp_annotations: Object.fromEntries(
      Object.entries(def.annotations).map(([k, f]) => [k, render(f(PROMETHEUS_VALUE), value)]),
    ),
  };
}

/**
 * The engine series of a scenario: name + fixed matchers → growth per step per instance. Engine
 * time (prefill, decode, request seconds) is `timeScale` × the base steps, so a scenario can load
 * the deployment past its capacity; request seconds are prefill + decode, as in a real engine.
 */
function engineSeries(
  d: DeploymentRuleInput,
  timeScale: number,
): Map<string, { s: EngineSeries; step: number }> {
  const m = ENGINE_METRICS[d.server?.engine ?? 'vllm'];
  const out = new Map<string, { s: EngineSeries; step: number }>();
  const put = (s: EngineSeries, step: number): void => {
    const key = `${s.name}|${s.matchers ?? ''}`;
    if (!out.has(key)) out.set(key, { s, step });
  };
  const prefill = STEP.prefillSeconds * timeScale;
  const decode = STEP.decodeSeconds * timeScale;
  put(m.inputTokens, STEP.inputTokens);
  put(m.outputTokens, STEP.outputTokens);
  put(m.prefillSeconds.plus, prefill);
  if (m.decodeSeconds.minus) {
    put(m.decodeSeconds.minus, prefill);
    put(m.decodeSeconds.plus, prefill + decode);
  } else put(m.decodeSeconds.plus, decode);
  put(m.requests, STEP.requests);
  put(m.requestSeconds, prefill + decode);
  return out;
}

function stepOf(map: Map<string, { s: EngineSeries; step: number }>, s: EngineSeries): number {
  return map.get(`${s.name}|${s.matchers ?? ''}`)?.step ?? 0;
}

/** The tests of one deployment; every expected value is computed here from the scenario's numbers. */
function deploymentTests(d: DeploymentRuleInput): PromtoolTestDocument {
  const what = `deployment ${d.name}`;
  const W = deploymentWindow(d).seconds;
  // Four samples per window where the window divides, else one: `offset W` always lands on a sample.
  const interval = W % 4 === 0 ? W / 4 : W;
  const stepsPerWindow = W / interval;
  const I = formatDuration(interval);
  const cost = deploymentCostPerHour(d);
  const base = deploymentLabels(d);
  const defs = deploymentAlertDefinitions(d);
  const idleDef = defs.find((x) => x.alert === DEPLOYMENT_ALERT.idle);
  const capacityDef = defs.find((x) => x.alert === DEPLOYMENT_ALERT.overCapacity);
  const forSteps = (def: AlertDefinition | undefined): number =>
    def ? Math.ceil((durationSeconds(def.for) ?? 0) / interval) : 0;
  // Long enough for a full window, then the longest `for:`, then one more evaluation.
  const total = 2 * stepsPerWindow + Math.max(forSteps(idleDef), forSteps(capacityDef)) + 2;
  const evalAt = formatDuration(total * interval);
  const groups: PromtoolTestGroup[] = [];
  const serverSel = d.server?.selector ?? '{}';
  const utilSel = d.gpu?.selector ?? d.server?.selector;
  const costSample = { labels: sampleLabels(RECORDING_RULE.deploymentCostPerHour, base), value: cost };

  if (!d.server) {
    // Only the constant cost, and utilization when the GPUs' series are named.
    const exprTests: PromtoolExprTest[] = [
      { expr: RECORDING_RULE.deploymentCostPerHour, eval_time: I, exp_samples: [costSample] },
    ];
    const inputs: PromtoolInputSeries[] = [];
    if (utilSel !== undefined) {
      const utilLabels = labelsFor(utilSel, what);
      inputs.push(
        ...[30, 50].map((u, i) => ({
          series: seriesText(GPU_UTILIZATION_SERIES.dcgmUtilizationPercent, {
            ...utilLabels,
            [freeLabel(utilLabels, ['gpu', 'device', 'UUID'])]: String(i),
          }),
          values: `${u}x${total}`,
        })),
      );
      const busy = (30 + 50) / 2 / 100;
      exprTests.push(
        {
          expr: RECORDING_RULE.deploymentBusyRatio,
          eval_time: I,
          exp_samples: [{ labels: sampleLabels(RECORDING_RULE.deploymentBusyRatio, base), value: busy }],
        },
        {
          expr: RECORDING_RULE.deploymentIdleCostPerHour,
          eval_time: I,
          exp_samples: [
            {
              labels: sampleLabels(RECORDING_RULE.deploymentIdleCostPerHour, base),
              value: cost * (1 - busy),
            },
          ],
        },
      );
    }
    groups.push({
      name: `${d.name}: the cost is GPU count × $/GPU-hour, and idle cost follows GPU utilization`,
      interval: I,
      input_series: inputs,
      promql_expr_test: exprTests,
    });
    return doc(d, interval, groups);
  }

  const engineLabels = labelsFor(serverSel, what);
  const replicaLabel = freeLabel(engineLabels, ['instance', 'pod', 'replica']);
  const m = ENGINE_METRICS[d.server.engine];
  const bu = roundSignificant(d.batchSize * d.utilizationTarget);

  const scenario = (options: {
    running: number;
    timeScale: number;
    util?: 'dcgm' | 'hw';
  }): {
    inputs: PromtoolInputSeries[];
    busy: number;
    required: number;
    rate: (s: EngineSeries) => number;
  } => {
    const engine = engineSeries(d, options.timeScale);
    const inputs: PromtoolInputSeries[] = [];
    for (const { s, step } of engine.values()) {
      const fixed = s.matchers ? labelsFor(`{${s.matchers}}`, what) : {};
      for (const instance of INSTANCES) {
        inputs.push({
          series: seriesText(s.name, { ...engineLabels, ...fixed, [replicaLabel]: instance }),
          values: ramp(step, total),
        });
      }
    }
    for (const instance of INSTANCES) {
      inputs.push({
        series: seriesText(m.runningRequests, { ...engineLabels, [replicaLabel]: instance }),
        values: `${options.running}x${total}`,
      });
    }
    // A series' per-second rate over one window, summed over both instances, as PromQL computes
    // it: (x - x offset W) / W per series (a sample a window ago exists at the evaluation time).
    const rate = (s: EngineSeries): number => {
      const per =
        (rampValue(stepOf(engine, s), total) - rampValue(stepOf(engine, s), total - stepsPerWindow)) / W;
      return per + per;
    };
    let busy = Math.min((options.running + options.running) / d.batchSize, 1);
    if (options.util !== undefined && utilSel !== undefined) {
      const utilLabels = labelsFor(utilSel, what);
      const name =
        options.util === 'dcgm' ? GPU_UTILIZATION_SERIES.dcgmUtilizationPercent : PROM.gpuUtilization;
      const values = options.util === 'dcgm' ? [30, 50] : [0.25, 0.75];
      values.forEach((u, i) => {
        inputs.push({
          series: seriesText(name, {
            ...utilLabels,
            [freeLabel(utilLabels, ['gpu', 'device', 'UUID'])]: String(i),
          }),
          values: `${u}x${total}`,
        });
      });
      busy = options.util === 'dcgm' ? (30 + 50) / 2 / 100 : (0.25 + 0.75) / 2;
    }
    const q = rate(m.requests);
    const required = Math.ceil((q * (rate(m.requestSeconds) / q)) / bu);
    return { inputs, busy, required, rate };
  };

  const phase = (g: (s: EngineSeries) => number, p: typeof m.prefillSeconds): number =>
    p.minus === undefined ? g(p.plus) : g(p.plus) - g(p.minus);

  // Main scenario: half the batch running, light traffic, two tenants on the model.
  const half = Math.max(1, Math.floor(d.batchSize / 4));
  const main = scenario({ running: half, timeScale: 1 });
  const tenantInputs: PromtoolInputSeries[] = [];
  const scopeLabels = Object.fromEntries(Object.entries(d.scope).map(([k, v]) => [labelName(k), v]));
  for (const t of TENANTS) {
    for (const [metric, step] of [
      [PROM.inputTokens, t.input],
      [PROM.outputTokens, t.output],
    ] as const) {
      const labels = {
        ...scopeLabels,
        [labelName(ATTR.requestModel)]: d.model ?? '',
        [LABEL.tenant]: t.tenant,
        job: 'app',
        instance: 'app-1',
      };
      tenantInputs.push({ series: seriesText(metric, labels), values: ramp(step, total) });
      tenantInputs.push({
        series: seriesText(metric, { ...labels, [labelName(ATTR.requestModel)]: `${d.model ?? ''}-other` }),
        values: ramp(step * 7, total),
      });
    }
  }
  const P = phase(main.rate, m.prefillSeconds);
  const D = phase(main.rate, m.decodeSeconds);
  const Tin = main.rate(m.inputTokens);
  const Tout = main.rate(m.outputTokens);
  const perMillion = (time: number, tokens: number): number =>
    (((cost / 3600) * time) / (P + D) / tokens) * 1000000;
  const dir = (t: 'input' | 'output'): Record<string, string> => ({ ...base, [LABEL.tokenType]: t });
  // Tenants count over their own window (whole deployment windows, at least an hour): from zero
  // while the client series are younger than it.
  const tenantSteps = tenantWindowSeconds(d) / interval;
  const tenantTokens = TENANTS.map((t) => {
    const g = (step: number): number =>
      total >= tenantSteps
        ? rampValue(step, total) - rampValue(step, total - tenantSteps)
        : rampValue(step, total);
    return { tenant: t.tenant, tokens: g(t.input) + g(t.output) };
  });
  const allTenantTokens = tenantTokens.reduce((s, t) => s + t.tokens, 0);
  const mainExpr: PromtoolExprTest[] = [
    { expr: RECORDING_RULE.deploymentCostPerHour, eval_time: evalAt, exp_samples: [costSample] },
    {
      expr: RECORDING_RULE.deploymentTokensPerSecond,
      eval_time: evalAt,
      exp_samples: [
        { labels: sampleLabels(RECORDING_RULE.deploymentTokensPerSecond, dir('input')), value: Tin },
        { labels: sampleLabels(RECORDING_RULE.deploymentTokensPerSecond, dir('output')), value: Tout },
      ],
    },
    {
      expr: RECORDING_RULE.deploymentCostPer1mTokens,
      eval_time: evalAt,
      exp_samples: [
        {
          labels: sampleLabels(RECORDING_RULE.deploymentCostPer1mTokens, dir('input')),
          value: perMillion(P, Tin),
        },
        {
          labels: sampleLabels(RECORDING_RULE.deploymentCostPer1mTokens, dir('output')),
          value: perMillion(D, Tout),
        },
      ],
    },
    {
      expr: RECORDING_RULE.deploymentBusyRatio,
      eval_time: evalAt,
      exp_samples: [{ labels: sampleLabels(RECORDING_RULE.deploymentBusyRatio, base), value: main.busy }],
    },
    {
      expr: RECORDING_RULE.deploymentIdleCostPerHour,
      eval_time: evalAt,
      exp_samples: [
        {
          labels: sampleLabels(RECORDING_RULE.deploymentIdleCostPerHour, base),
          value: cost * (1 - main.busy),
        },
      ],
    },
  ];
  if (d.model !== undefined) {
    mainExpr.push({
      expr: RECORDING_RULE.tenantSelfhostedCostPerHour,
      eval_time: evalAt,
      exp_samples: tenantTokens.map((t) => ({
        labels: sampleLabels(RECORDING_RULE.tenantSelfhostedCostPerHour, {
          ...base,
          [LABEL.tenant]: t.tenant,
        }),
        value: (cost * t.tokens) / allTenantTokens,
      })),
    });
  }
  // Before a full window has passed the engine's series did not exist a window ago: they count from zero.
  const early = Math.max(1, Math.floor(stepsPerWindow / 2));
  // rate() over a series that starts at 0 inside the window: Δ / W, without extrapolation.
  const earlyRate = rampValue(STEP.inputTokens, early) / W;
  mainExpr.push({
    expr: `${RECORDING_RULE.deploymentTokensPerSecond}{${LABEL.tokenType}="input"}`,
    eval_time: formatDuration(early * interval),
    exp_samples: [
      {
        labels: sampleLabels(RECORDING_RULE.deploymentTokensPerSecond, dir('input')),
        value: earlyRate + earlyRate,
      },
    ],
  });
  const alertTests: PromtoolAlertTest[] = [];
  const idleFires = (busy: number): boolean =>
    cost * (1 - busy) > roundSignificant(d.alerts.idleShare * cost);
  if (idleDef) {
    alertTests.push({
      eval_time: evalAt,
      alertname: DEPLOYMENT_ALERT.idle,
      exp_alerts: idleFires(main.busy) ? [expectedAlert(idleDef, cost * (1 - main.busy), base)] : [],
    });
  }
  if (capacityDef) {
    alertTests.push({
      eval_time: evalAt,
      alertname: DEPLOYMENT_ALERT.overCapacity,
      exp_alerts: main.required > 1 ? [expectedAlert(capacityDef, main.required, {})] : [],
    });
  }
  groups.push({
    name: `${d.name}: cost per 1M tokens splits the window's cost by prefill and decode time, tenants share it by tokens`,
    interval: I,
    input_series: [...main.inputs, ...tenantInputs],
    promql_expr_test: mainExpr,
    alert_rule_test: alertTests,
  });

  // Idle: nothing running; the idle alert fires once idle_for has passed (unless idle_share is 100 %).
  const idle = scenario({ running: 0, timeScale: 1 });
  groups.push({
    name: `${d.name}: with nothing running the whole cost is idle, and the idle alert fires after ${d.alerts.idleFor}`,
    interval: I,
    input_series: idle.inputs,
    promql_expr_test: [
      {
        expr: RECORDING_RULE.deploymentIdleCostPerHour,
        eval_time: evalAt,
        exp_samples: [
          { labels: sampleLabels(RECORDING_RULE.deploymentIdleCostPerHour, base), value: cost * (1 - 0) },
        ],
      },
    ],
    alert_rule_test: idleDef
      ? [
          ...(forSteps(idleDef) > 1
            ? [{ eval_time: I, alertname: DEPLOYMENT_ALERT.idle, exp_alerts: [] }]
            : []),
          {
            eval_time: evalAt,
            alertname: DEPLOYMENT_ALERT.idle,
            exp_alerts: idleFires(0) ? [expectedAlert(idleDef, cost, base)] : [],
          },
        ]
      : [],
  });

  // Over capacity: request-seconds per second past batch_size × utilization_target.
  // Both instances together: 2 × (prefill + decode) × scale engine-seconds per step, past bu per second.
  const baseSeconds = STEP.prefillSeconds + STEP.decodeSeconds;
  const heavy = scenario({ running: d.batchSize, timeScale: Math.ceil((bu * interval) / baseSeconds) + 1 });
  if (capacityDef) {
    groups.push({
      name: `${d.name}: traffic past batch_size × utilization_target pages after ${d.alerts.capacityFor}, with the instances the capacity formula needs`,
      interval: I,
      input_series: heavy.inputs,
      alert_rule_test: [
        ...(forSteps(capacityDef) > 1
          ? [{ eval_time: I, alertname: DEPLOYMENT_ALERT.overCapacity, exp_alerts: [] }]
          : []),
        {
          eval_time: evalAt,
          alertname: DEPLOYMENT_ALERT.overCapacity,
          exp_alerts: heavy.required > 1 ? [expectedAlert(capacityDef, heavy.required, {})] : [],
        },
        { eval_time: evalAt, alertname: DEPLOYMENT_ALERT.idle, exp_alerts: [] },
      ],
    });
  }

  // A restarted engine (its counters back at 0) counts from zero, never negative.
  const before = stepsPerWindow;
  const after = Math.max(1, Math.floor(stepsPerWindow / 2));
  const fixedIn = m.inputTokens.matchers ? labelsFor(`{${m.inputTokens.matchers}}`, what) : {};
  const restartRate =
    (rampValue(STEP.inputTokens, before) -
      rampValue(STEP.inputTokens, after) +
      rampValue(STEP.inputTokens, after - 1)) /
    W;
  groups.push({
    name: `${d.name}: after an engine restart its tokens count as rate() counts them, not as a negative growth`,
    interval: I,
    input_series: INSTANCES.map((instance) => ({
      series: seriesText(m.inputTokens.name, { ...engineLabels, ...fixedIn, [replicaLabel]: instance }),
      values: `${ramp(STEP.inputTokens, before)} ${ramp(STEP.inputTokens, after - 1)}`,
    })),
    promql_expr_test: [
      {
        expr: `${RECORDING_RULE.deploymentTokensPerSecond}{${LABEL.tokenType}="input"}`,
        eval_time: formatDuration((before + after) * interval),
        exp_samples: [
          {
            labels: sampleLabels(RECORDING_RULE.deploymentTokensPerSecond, dir('input')),
            // rate() adds the value before the reset: growth from a window ago to the restart, then from 0.
            value: restartRate + restartRate,
          },
        ],
      },
    ],
  });

  // GPU utilization, when its series exist, replaces running ÷ batch_size.
  for (const util of ['dcgm', 'hw'] as const) {
    const s = scenario({ running: d.batchSize, timeScale: 1, util });
    groups.push({
      name: `${d.name}: ${util === 'dcgm' ? 'DCGM GPU utilization' : "burnrate's hw.gpu.utilization"} replaces running requests in the busy ratio`,
      interval: I,
      input_series: s.inputs,
      promql_expr_test: [
        {
          expr: RECORDING_RULE.deploymentBusyRatio,
          eval_time: evalAt,
          exp_samples: [{ labels: sampleLabels(RECORDING_RULE.deploymentBusyRatio, base), value: s.busy }],
        },
        {
          expr: RECORDING_RULE.deploymentIdleCostPerHour,
          eval_time: evalAt,
          exp_samples: [
            {
              labels: sampleLabels(RECORDING_RULE.deploymentIdleCostPerHour, base),
              value: cost * (1 - s.busy),
            },
          ],
        },
      ],
    });
  }
  return doc(d, interval, groups);
}

function durationSeconds(text: string): number | undefined {
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m) return text === '0s' ? 0 : undefined;
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'] ?? 0);
}

function doc(d: DeploymentRuleInput, interval: number, tests: PromtoolTestGroup[]): PromtoolTestDocument {
  return {
    rule_files: [`../rules/${deploymentRuleFileName(d)}`],
    evaluation_interval: formatDuration(interval),
    tests,
  };
}

/**
 * The promtool tests of the card's self-hosted deployments, one
 * `tests/burnrate-deployment-<name>.test.yml` per deployment with `gpu`: every recording rule's
 * value and both alerts, on engine series of the deployment's engine that its selector selects,
 * with the expected values computed from the scenario's numbers and the card's GPU price.
 *
 * @throws RulesError naming the deployment when it cannot become rules or tests.
 */
export function generateDeploymentPromtoolTests(
  deployments: readonly DeploymentRuleInput[],
): PromtoolTestFile[] {
  validateDeployments(deployments);
  return ruledDeployments(deployments).map((d) => {
    const document = deploymentTests(d);
    return {
      path: `tests/${deploymentRuleFileName(d).replace(/\.rules\.yml$/, '.test.yml')}`,
      content: toYaml(document),
      document,
    };
  });
}
