import { formatNumber, LABEL, PROM, RECORDING_RULE, selector } from '@burnrate/semconv';
import {
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type Dashboard,
  DashboardBuilder,
  type DataSourceRef,
  DatasourceVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GaugePanelBuilder } from '@grafana/grafana-foundation-sdk/gauge';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import {
  type AlertingOptions,
  type BudgetRuleInput,
  evenRatePerHour,
  ratePerHourExpr,
  resolveAlertingOptions,
  spendExpr,
  validateBudgets,
} from '../alerting/definitions.js';

/** Options of {@link generateDashboards}. */
export interface DashboardOptions extends AlertingOptions {
  /** Default Prometheus data source uid (the `datasource` variable's default). Default `burnrate-prometheus`. */
  datasourceUid?: string;
}

/** A generated dashboard: its file name under `grafana/dashboards/` and its JSON model. */
export interface GeneratedDashboard {
  /** File name, e.g. `burnrate-overview.json`. */
  file: string;
  /** Dashboard uid (also used in alert annotations' links). */
  uid: string;
  /** The dashboard JSON model. */
  dashboard: Dashboard;
  /** `JSON.stringify(dashboard, null, 2)` plus a newline. */
  json: string;
}

/** Uids of the generated dashboards. */
export const DASHBOARD_UID = {
  overview: 'burnrate-overview',
  tokens: 'burnrate-tokens',
  gpu: 'burnrate-gpu',
  budgets: 'burnrate-budgets',
  savings: 'burnrate-savings',
} as const;

// biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable, not a JS template
const DS: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
const RATE = '$__rate_interval';
const RANGE = '$__range';

function q(expr: string, legend?: string, refId = 'A'): DataqueryBuilder {
  const b = new DataqueryBuilder().expr(expr).refId(refId).datasource(DS);
  return legend === undefined ? b : b.legendFormat(legend);
}

function instant(expr: string, legend?: string, refId = 'A'): DataqueryBuilder {
  return q(expr, legend, refId).instant();
}

function ts(
  title: string,
  unit: string,
  description: string,
  ...targets: DataqueryBuilder[]
): TimeseriesPanelBuilder {
  let p = new TimeseriesPanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(DS)
    .span(12)
    .height(8)
    .fillOpacity(10)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['mean', 'lastNotNull']),
    );
  for (const t of targets) p = p.withTarget(t);
  return p;
}

function stacked(p: TimeseriesPanelBuilder): TimeseriesPanelBuilder {
  return p.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
}

function stat(
  title: string,
  unit: string,
  description: string,
  target: DataqueryBuilder,
  span = 6,
): StatPanelBuilder {
  return new StatPanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(DS)
    .span(span)
    .height(5)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .withTarget(target);
}

function thresholds(steps: Array<[number | null, string]>): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

function dashboard(uid: string, title: string, description: string, datasourceUid: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['burnrate', 'llm', 'cost'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .withVariable(
      new DatasourceVariableBuilder('datasource')
        .label('Data source')
        .type('prometheus')
        .current({ text: datasourceUid, value: datasourceUid }),
    );
}

const spendInRange = `sum(increase(${PROM.cost}[${RANGE}]))`;

function overview(ds: string): DashboardBuilder {
  const rate = `rate(${PROM.cost}[${RATE}])`;
  return dashboard(
    DASHBOARD_UID.overview,
    'burnrate: cost overview',
    'What LLM and GPU work costs, in dollars, by component, model, feature and tenant.',
    ds,
  )
    .withPanel(
      stat(
        'Spend in range',
        'currencyUSD',
        'Dollars spent over the selected time range (all components).',
        instant(spendInRange),
      ),
    )
    .withPanel(
      stat(
        'Burn now',
        'currencyUSD',
        'Current spend rate in USD per hour (5m rate).',
        instant(`sum(rate(${PROM.cost}[5m])) * 3600`),
      ),
    )
    .withPanel(
      stat(
        'Cost per query',
        'currencyUSD',
        'Mean cost of one call (C_query) over the selected range.',
        instant(
          `sum(increase(${PROM.requestCostSum}[${RANGE}])) / sum(increase(${PROM.requestCostCount}[${RANGE}]))`,
        ),
      ),
    )
    .withPanel(
      stat(
        'Unpriced usage in range',
        'short',
        'Units used with no price (unknown models, GPUs without a rate). Not included in any dollar figure: fix the price card.',
        instant(`sum(increase(${PROM.unpriced}[${RANGE}])) or vector(0)`),
      ).thresholds(
        thresholds([
          [null, 'green'],
          [1, 'red'],
        ]),
      ),
    )
    .withRow(new RowBuilder('Spend'))
    .withPanel(
      stacked(
        ts(
          'Spend by component ($/h)',
          'currencyUSD',
          'api, gpu, storage, network and fixed costs, USD per hour.',
          q(`sum by (${LABEL.component}) (${rate}) * 3600`, `{{${LABEL.component}}}`),
        ),
      ),
    )
    .withPanel(
      stacked(
        ts(
          'Spend by model ($/h)',
          'currencyUSD',
          'USD per hour by provider and requested model.',
          q(
            `sum by (${LABEL.provider}, ${LABEL.requestModel}) (${rate}) * 3600`,
            `{{${LABEL.provider}}}/{{${LABEL.requestModel}}}`,
          ),
        ),
      ),
    )
    .withPanel(
      stacked(
        ts(
          'Spend by feature ($/h)',
          'currencyUSD',
          'USD per hour by the caller attribute `feature`.',
          q(`sum by (${LABEL.feature}) (${rate}) * 3600`, `{{${LABEL.feature}}}`),
        ),
      ),
    )
    .withPanel(
      stacked(
        ts(
          'Spend by tenant ($/h)',
          'currencyUSD',
          'USD per hour by the caller attribute `tenant`.',
          q(`sum by (${LABEL.tenant}) (${rate}) * 3600`, `{{${LABEL.tenant}}}`),
        ),
      ),
    )
    .withRow(new RowBuilder('Per query'))
    .withPanel(
      ts(
        'Cost per query',
        'currencyUSD',
        'Mean and 95th percentile cost of one call.',
        q(
          `sum(rate(${PROM.requestCostSum}[${RATE}])) / sum(rate(${PROM.requestCostCount}[${RATE}]))`,
          'mean',
          'A',
        ),
        q(`histogram_quantile(0.95, sum by (le) (rate(${PROM.requestCostBucket}[${RATE}])))`, 'p95', 'B'),
      ),
    )
    .withPanel(
      ts(
        'Cost per query by model',
        'currencyUSD',
        'Mean cost of one call by model: compare models (quantization, cheaper models) on the same workload.',
        q(
          `sum by (${LABEL.requestModel}) (rate(${PROM.requestCostSum}[${RATE}])) / sum by (${LABEL.requestModel}) (rate(${PROM.requestCostCount}[${RATE}]))`,
          `{{${LABEL.requestModel}}}`,
        ),
      ),
    )
    .withRow(new RowBuilder('Unpriced usage'))
    .withPanel(
      ts(
        'Unpriced usage by reason',
        'short',
        'Usage that has no price, per second, by reason, unit and model.',
        q(
          `sum by (${LABEL.unpricedReason}, ${LABEL.unit}, ${LABEL.requestModel}) (rate(${PROM.unpriced}[${RATE}]))`,
          `{{${LABEL.requestModel}}} {{${LABEL.unit}}} ({{${LABEL.unpricedReason}}})`,
        ),
      ).span(24),
    );
}

function tokens(ds: string): DashboardBuilder {
  const kinds: Array<[string, string]> = [
    ['input', PROM.inputTokens],
    ['output', PROM.outputTokens],
    ['cache_read', PROM.cacheReadTokens],
    ['cache_write', PROM.cacheWriteTokens],
    ['reasoning', PROM.reasoningTokens],
  ];
  const ids = 'ABCDE';
  const byKind = ts(
    'Tokens by kind (per second)',
    'short',
    'Input includes cached input; output includes reasoning.',
  );
  kinds.forEach(([kind, metric], i) => {
    byKind.withTarget(q(`sum(rate(${metric}[${RATE}]))`, kind, ids[i]));
  });
  return dashboard(
    DASHBOARD_UID.tokens,
    'burnrate: tokens and caching',
    'Token usage by kind and model, prompt-cache and response-cache hit rates.',
    ds,
  )
    .withPanel(byKind)
    .withPanel(
      stacked(
        ts(
          'Input tokens by model (per second)',
          'short',
          'Input tokens per second by provider and model.',
          q(
            `sum by (${LABEL.provider}, ${LABEL.requestModel}) (rate(${PROM.inputTokens}[${RATE}]))`,
            `{{${LABEL.provider}}}/{{${LABEL.requestModel}}}`,
          ),
        ),
      ),
    )
    .withPanel(
      ts(
        'Prompt-cache hit rate',
        'percentunit',
        'Share of input tokens read from the provider prompt cache.',
        q(
          `sum(rate(${PROM.cacheReadTokens}[${RATE}])) / sum(rate(${PROM.inputTokens}[${RATE}]))`,
          'cached input share',
        ),
      )
        .max(1)
        .min(0),
    )
    .withPanel(
      ts(
        'Response-cache hit rate',
        'percentunit',
        'Share of application requests answered from the response cache (calls avoided).',
        q(
          `sum(rate(${selector(PROM.cacheRequests, { [LABEL.cacheResult]: 'hit' })}[${RATE}])) / sum(rate(${PROM.cacheRequests}[${RATE}]))`,
          'hit rate',
        ),
      )
        .max(1)
        .min(0),
    )
    .withPanel(
      ts(
        'Inference duration p95',
        's',
        'Client-side duration of LLM calls, 95th percentile, by model.',
        q(
          `histogram_quantile(0.95, sum by (le, ${LABEL.requestModel}) (rate(${PROM.inferenceDurationBucket}[${RATE}])))`,
          `{{${LABEL.requestModel}}}`,
        ),
      ),
    )
    .withPanel(
      ts(
        'Calls per second by model',
        'reqps',
        'LLM calls per second by model.',
        q(
          `sum by (${LABEL.requestModel}) (rate(${PROM.inferenceDurationCount}[${RATE}]))`,
          `{{${LABEL.requestModel}}}`,
        ),
      ),
    );
}

function gpu(ds: string): DashboardBuilder {
  const util = `avg(${PROM.gpuUtilization})`;
  return dashboard(
    DASHBOARD_UID.gpu,
    'burnrate: GPUs',
    'GPU-seconds, $/hour of GPUs held, utilization and idle (paid but unused) cost.',
    ds,
  )
    .withPanel(
      stat(
        'GPU $/hour now',
        'currencyUSD',
        'USD per hour of the GPUs currently held.',
        instant(`sum(${PROM.gpuHourlyCost})`),
      ),
    )
    .withPanel(
      stat(
        'GPU spend in range',
        'currencyUSD',
        'Dollars of GPU time over the selected range.',
        instant(`sum(increase(${selector(PROM.cost, { [LABEL.component]: 'gpu' })}[${RANGE}]))`),
      ),
    )
    .withPanel(
      stat(
        'Utilization',
        'percentunit',
        'Mean GPU utilization reported by the nvidia-smi sampler.',
        instant(util),
      ),
    )
    .withPanel(
      stat(
        'Idle cost $/hour',
        'currencyUSD',
        'USD per hour paid for GPU capacity that is not used: $/h held × (1 − mean utilization).',
        instant(`sum(${PROM.gpuHourlyCost}) * (1 - ${util})`),
      ),
    )
    .withPanel(
      stacked(
        ts(
          'GPUs busy by model and market',
          'short',
          'GPU-seconds per second (= GPUs in use) by GPU model and market.',
          q(
            `sum by (${LABEL.gpuModel}, ${LABEL.gpuMarket}) (rate(${PROM.gpuTime}[${RATE}]))`,
            `{{${LABEL.gpuModel}}} {{${LABEL.gpuMarket}}}`,
          ),
        ),
      ),
    )
    .withPanel(
      stacked(
        ts(
          'GPU $/hour by model and market',
          'currencyUSD',
          'USD per hour of GPU time by GPU model and market.',
          q(
            `sum by (${LABEL.gpuModel}, ${LABEL.gpuMarket}) (rate(${selector(PROM.cost, { [LABEL.component]: 'gpu' })}[${RATE}])) * 3600`,
            `{{${LABEL.gpuModel}}} {{${LABEL.gpuMarket}}}`,
          ),
        ),
      ),
    )
    .withPanel(
      ts(
        'GPU utilization',
        'percentunit',
        'Utilization per GPU (nvidia-smi sampler).',
        q(PROM.gpuUtilization, '{{instance}} {{hw_id}}'),
      )
        .max(1)
        .min(0),
    )
    .withPanel(
      ts(
        'Idle GPU cost ($/h)',
        'currencyUSD',
        'USD per hour paid for unused GPU capacity.',
        q(`sum(${PROM.gpuHourlyCost}) * (1 - ${util})`, 'idle $/h'),
      ),
    )
    .withRow(new RowBuilder("Self-hosted deployments (from the engines' metrics)"))
    .withPanel(
      ts(
        'Cost per 1M tokens by deployment',
        'currencyUSD',
        "The deployment's whole GPU cost over the rules' window (idle time included) charged to the tokens its engine served, split by prefill and decode time (docs/self-hosted.md).",
        q(RECORDING_RULE.deploymentCostPer1mTokens, `{{${LABEL.deployment}}} {{${LABEL.tokenType}}}`),
      ).span(12),
    )
    .withPanel(
      ts(
        'Deployment $/h and idle $/h',
        'currencyUSD',
        'GPU count × $/GPU-hour of each deployment, and the part of it paid for idle GPUs: cost × (1 − busy ratio).',
        q(RECORDING_RULE.deploymentCostPerHour, `{{${LABEL.deployment}}} cost`),
        q(RECORDING_RULE.deploymentIdleCostPerHour, `{{${LABEL.deployment}}} idle`, 'B'),
      ).span(12),
    )
    .withPanel(
      stacked(
        ts(
          'Self-hosted cost by tenant ($/h)',
          'currencyUSD',
          "Each deployment's $/h shared between tenants by the input + output tokens burnrate's client counters saw for its model.",
          q(RECORDING_RULE.tenantSelfhostedCostPerHour, `{{${LABEL.deployment}}} {{${LABEL.tenant}}}`),
        ),
      ).span(12),
    )
    .withPanel(
      ts(
        'Busy ratio by deployment',
        'percentunit',
        'GPU utilization (DCGM or nvidia-smi) where scraped, else running requests ÷ batch_size.',
        q(RECORDING_RULE.deploymentBusyRatio, `{{${LABEL.deployment}}}`),
      )
        .span(12)
        .max(1)
        .min(0),
    );
}

function budgetsDashboard(
  budgets: readonly BudgetRuleInput[],
  opts: DashboardOptions,
  ds: string,
): DashboardBuilder {
  const o = resolveAlertingOptions(opts);
  let d = dashboard(
    DASHBOARD_UID.budgets,
    'burnrate: budgets',
    'Every budget of the price card: spend over its window against the limit, burn rate and forecast.',
    ds,
  )
    .withPanel(
      new TablePanelBuilder()
        .title('All budgets')
        .description(
          'Spend over each budget window (recording rule) and the limit exported by the cost-processor.',
        )
        .datasource(DS)
        .span(24)
        .height(7)
        .unit('currencyUSD')
        .withTarget(
          instant(`max by (${LABEL.budget}) (${RECORDING_RULE.budgetSpend})`, 'spent', 'A').format(
            PromQueryFormat.Table,
          ),
        )
        .withTarget(
          instant(`max by (${LABEL.budget}) (${PROM.budgetLimit})`, 'limit', 'B').format(
            PromQueryFormat.Table,
          ),
        ),
    )
    .withPanel(
      ts(
        'Budget enforcement: decisions per hour',
        'short',
        'Calls the enforcing budgets (enforce: in the price card) decided on before they were sent, per hour, by budget and action: allow, block (rejected, nothing sent), downgrade (sent to the cheaper model), cap_output (sent with a lower output cap), warn (sent, counted).',
        q(
          `sum by (${LABEL.budget}, ${LABEL.budgetAction}) (rate(${PROM.budgetDecisions}[${RATE}])) * 3600`,
          `{{${LABEL.budget}}} {{${LABEL.budgetAction}}}`,
        ),
      ),
    )
    .withPanel(
      ts(
        'Budget enforcement: remaining and reserved',
        'currencyUSD',
        'What in-process enforcement sees: USD left in each budget window (amount − spent − reserved, never below 0; the lowest over the replicas) and USD reserved for calls in flight (summed over the replicas).',
        q(`min by (${LABEL.budget}) (${PROM.budgetRemaining})`, `{{${LABEL.budget}}} remaining`),
        q(`sum by (${LABEL.budget}) (${PROM.budgetReserved})`, `{{${LABEL.budget}}} reserved`, 'B'),
      ),
    );
  for (const b of budgets) {
    const spent = spendExpr(b, b.windowSeconds);
    const even = evenRatePerHour(b);
    const horizon = o.forecastHorizonSeconds(b);
    d = d
      .withRow(new RowBuilder(`Budget ${b.name}: $${b.amountUsd} per ${b.window}`))
      .withPanel(
        new GaugePanelBuilder()
          .title(`${b.name}: share spent`)
          .description(`Spend over the last ${b.window} as a share of $${b.amountUsd}.`)
          .datasource(DS)
          .span(6)
          .height(7)
          .unit('percentunit')
          .min(0)
          .max(1)
          .thresholds(
            thresholds([
              [null, 'green'],
              ...[...b.thresholds]
                .sort((x, y) => x - y)
                .map((t): [number, string] => [t, t >= 1 ? 'red' : 'orange']),
            ]),
          )
          .withTarget(instant(`${spent} / ${formatNumber(b.amountUsd)}`)),
      )
      .withPanel(
        stat(
          `${b.name}: spent / limit`,
          'currencyUSD',
          `Dollars spent over the last ${b.window}; limit $${b.amountUsd}.`,
          instant(spent),
          6,
        ),
      )
      .withPanel(
        stat(
          `${b.name}: forecast`,
          'currencyUSD',
          `Spend so far plus the last 6h's rate for the next ${formatNumber(horizon / 3600)}h (the forecast alert's expression).`,
          instant(`${spent} + ${ratePerHourExpr(b, '6h')} * ${formatNumber(horizon / 3600)}`),
          6,
        ).thresholds(
          thresholds([
            [null, 'green'],
            [b.amountUsd, 'red'],
          ]),
        ),
      )
      .withPanel(
        ts(
          `${b.name}: burn rate (× even rate)`,
          'short',
          `Spend rate divided by the even rate ($${formatNumber(even)}/h). Fast-burn alert above ${o.fastBurnFactor} (1h and 5m), slow-burn above ${o.slowBurnFactor} (6h and 30m).`,
          q(`(${ratePerHourExpr(b, '1h')}) / ${formatNumber(even)}`, '1h', 'A'),
          q(`(${ratePerHourExpr(b, '5m')}) / ${formatNumber(even)}`, '5m', 'B'),
          q(`(${ratePerHourExpr(b, '6h')}) / ${formatNumber(even)}`, '6h', 'C'),
          q(`(${ratePerHourExpr(b, '30m')}) / ${formatNumber(even)}`, '30m', 'D'),
        )
          .span(24)
          .thresholds(
            thresholds([
              [null, 'green'],
              [o.slowBurnFactor, 'orange'],
              [o.fastBurnFactor, 'red'],
            ]),
          ),
      );
  }
  return d;
}

function savings(ds: string): DashboardBuilder {
  const revenue = `sum(increase(${PROM.revenue}[${RANGE}]))`;
  return dashboard(
    DASHBOARD_UID.savings,
    'burnrate: savings and ROI',
    'Dollars saved by caching, batching, spot GPUs; revenue and ROI.',
    ds,
  )
    .withPanel(
      stat(
        'Saved in range',
        'currencyUSD',
        'Dollars saved over the selected range, all strategies.',
        instant(`sum(increase(${PROM.savings}[${RANGE}]))`),
        8,
      ),
    )
    .withPanel(
      stat(
        'Revenue in range',
        'currencyUSD',
        'Revenue recorded over the selected range.',
        instant(revenue),
        8,
      ),
    )
    .withPanel(
      stat(
        'ROI',
        'percent',
        'ROI = (revenue − cost) / cost × 100 % over the selected range.',
        instant(`(${revenue} - ${spendInRange}) / ${spendInRange} * 100`),
        8,
      ),
    )
    .withPanel(
      stacked(
        ts(
          'Savings by strategy ($/h)',
          'currencyUSD',
          'USD per hour saved by prompt cache, response cache, spot, batch and other strategies.',
          q(
            `sum by (${LABEL.savingsStrategy}) (rate(${PROM.savings}[${RATE}])) * 3600`,
            `{{${LABEL.savingsStrategy}}}`,
          ),
        ),
      ),
    )
    .withPanel(
      ts(
        'Revenue vs cost ($/h)',
        'currencyUSD',
        'Revenue and cost, USD per hour.',
        q(`sum(rate(${PROM.revenue}[${RATE}])) * 3600`, 'revenue', 'A'),
        q(`sum(rate(${PROM.cost}[${RATE}])) * 3600`, 'cost', 'B'),
      ),
    );
}

/**
 * Generates burnrate's Grafana dashboards as code (with `@grafana/grafana-foundation-sdk`): cost
 * overview, tokens and caching, GPUs, budgets (one row per budget, with the alert expressions),
 * savings and ROI. Every query uses the series names the JS Prometheus exporter produces.
 */
export function generateDashboards(
  budgets: readonly BudgetRuleInput[],
  options: DashboardOptions = {},
): GeneratedDashboard[] {
  validateBudgets(budgets);
  const ds = options.datasourceUid ?? 'burnrate-prometheus';
  const builders: Array<[string, DashboardBuilder]> = [
    [DASHBOARD_UID.overview, overview(ds)],
    [DASHBOARD_UID.tokens, tokens(ds)],
    [DASHBOARD_UID.gpu, gpu(ds)],
    [DASHBOARD_UID.budgets, budgetsDashboard(budgets, options, ds)],
    [DASHBOARD_UID.savings, savings(ds)],
  ];
  return builders.map(([uid, builder]) => {
    const d = builder.build();
    return { file: `${uid}.json`, uid, dashboard: d, json: `${JSON.stringify(d, null, 2)}\n` };
  });
}
