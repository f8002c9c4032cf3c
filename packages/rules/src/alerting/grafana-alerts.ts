import { createHash } from 'node:crypto';
import { formatNumber } from '@burnrate/semconv';
import {
  type AlertDefinition,
  type AlertingOptions,
  type BudgetRuleInput,
  budgetAlertDefinitions,
  budgetSlug,
  healthAlertDefinitions,
  resolveAlertingOptions,
  validateBudgets,
} from './definitions.js';
import { usdTemplate } from './money-templates.js';
import { toYaml } from './prometheus-rules.js';

/** Options of {@link generateGrafanaAlertRules}. */
export interface GrafanaAlertOptions extends AlertingOptions {
  /** uid of the Prometheus data source the rules query. Default `burnrate-prometheus`. */
  datasourceUid?: string;
  /** Folder the rules are provisioned into. Default `burnrate`. */
  folder?: string;
  /** Evaluation interval of every group. Default `1m`. */
  interval?: string;
  /** Organization id. Default 1. */
  orgId?: number;
}

/** One query or expression of a Grafana-managed rule. */
export interface GrafanaRuleQuery {
  refId: string;
  relativeTimeRange?: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

/** A Grafana-managed alert rule in file-provisioning format. */
export interface GrafanaAlertRule {
  uid: string;
  title: string;
  condition: string;
  data: GrafanaRuleQuery[];
  noDataState: 'OK' | 'NoData' | 'Alerting';
  execErrState: 'Error' | 'Alerting' | 'OK';
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  isPaused: boolean;
}

/** A Grafana alert rule group. */
export interface GrafanaAlertGroup {
  orgId: number;
  name: string;
  folder: string;
  interval: string;
  rules: GrafanaAlertRule[];
}

/** A Grafana alerting provisioning document (`provisioning/alerting/*.yml`). */
export interface GrafanaAlertingDocument {
  apiVersion: 1;
  groups: GrafanaAlertGroup[];
}

/** Default uid of the Prometheus data source provisioned for Grafana. */
export const DEFAULT_DATASOURCE_UID = 'burnrate-prometheus';

/** Template for the first query's value in Grafana annotations. */
export const GRAFANA_VALUE = usdTemplate('$values.A.Value');

/** Grafana uids are at most 40 characters of `[a-zA-Z0-9_-]`: readable prefix plus a short hash. */
function ruleUid(id: string): string {
  const clean = `burnrate-${id}`.replace(/[^a-zA-Z0-9_-]/g, '-');
  if (clean.length <= 40) return clean;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${clean.slice(0, 31)}-${hash}`;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Converts an alert definition to a Grafana-managed rule: each condition's left side becomes an
 * instant Prometheus query (`A`, `B`, ...) and the comparisons become one math expression, so the
 * expressions are exactly those of the Prometheus rules.
 */
export function toGrafanaRule(def: AlertDefinition, datasourceUid: string): GrafanaAlertRule {
  const queries: GrafanaRuleQuery[] = def.conditions.map((c, i) => {
    const refId = REF_IDS[i] ?? `Q${i}`;
    return {
      refId,
      relativeTimeRange: { from: 600, to: 0 },
      datasourceUid,
      model: { refId, expr: c.expr, instant: true, range: false, intervalMs: 1000, maxDataPoints: 43200 },
    };
  });
  const math = def.conditions
    .map((c, i) => `$${REF_IDS[i] ?? `Q${i}`} ${c.op} ${formatNumber(c.threshold)}`)
    .join(' && ');
  const condition = 'CONDITION';
  const labelText = Object.entries(def.labels)
    .filter(([k]) => k !== 'severity')
    .map(([, v]) => v)
    .join(' ');
  return {
    uid: ruleUid(def.id),
    title: labelText ? `${def.alert} ${labelText}` : def.alert,
    condition,
    data: [
      ...queries,
      {
        refId: condition,
        datasourceUid: '__expr__',
        model: {
          refId: condition,
          type: 'math',
          expression: math,
          datasource: { type: '__expr__', uid: '__expr__' },
        },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: def.for,
    labels: { alertname: def.alert, ...def.labels },
    annotations: Object.fromEntries(Object.entries(def.annotations).map(([k, f]) => [k, f(GRAFANA_VALUE)])),
    isPaused: false,
  };
}

/**
 * Generates Grafana-managed alert rules (provisioning YAML) from the same alert definitions as
 * {@link generatePrometheusRules}: one group for health alerts and one per budget. For users who
 * alert from Grafana rather than from Prometheus; load one of the two, not both.
 */
export function generateGrafanaAlertRules(
  budgets: readonly BudgetRuleInput[],
  options: GrafanaAlertOptions = {},
): { document: GrafanaAlertingDocument; yaml: string } {
  validateBudgets(budgets);
  const opts = resolveAlertingOptions(options);
  const ds = options.datasourceUid ?? DEFAULT_DATASOURCE_UID;
  const common = {
    orgId: options.orgId ?? 1,
    folder: options.folder ?? 'burnrate',
    interval: options.interval ?? '1m',
  };
  const document: GrafanaAlertingDocument = {
    apiVersion: 1,
    groups: [
      {
        ...common,
        name: 'burnrate-health',
        rules: healthAlertDefinitions(opts).map((d) => toGrafanaRule(d, ds)),
      },
      ...budgets.map((b) => ({
        ...common,
        name: `burnrate-budget-${budgetSlug(b.name)}`,
        rules: budgetAlertDefinitions(b, opts).map((d) => toGrafanaRule(d, ds)),
      })),
    ],
  };
  return { document, yaml: toYaml(document) };
}
