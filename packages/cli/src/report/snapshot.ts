import {
  COST_COMPONENTS,
  type CostComponent,
  emptyModelSpend,
  type GpuSpend,
  type LedgerSnapshot,
  type ModelSpend,
  type PriceCard,
  type PriceSource,
  resolveCatalogProvider,
  resolveGpuKey,
  type UnpricedReason,
  type UnpricedUsage,
} from '@burnrate/cost-processor';
import type { GpuMarket } from '@burnrate/sdk';
import { LABEL as L, labelName, PROM as S } from '@burnrate/semconv';
import type { CounterSource, GroupSum } from '../prometheus/source.js';

/** How to price each kind of unpriced usage (the processor's per-record detail is not in the metric). */
const UNPRICED_FIX: Readonly<Record<UnpricedReason, string>> = {
  unknown_provider:
    'map the provider to a catalog provider id under providers: in the price card, or give the model an explicit price under models:',
  unknown_model:
    'give the model an explicit price under models: or an alias to a priced model under aliases: in the price card',
  unknown_service_tier: 'add a multiplier for that service tier under multipliers: in the price card',
  catalog_error: 'the catalog could not price these calls; give the model an explicit price under models:',
  usage_missing:
    'the provider sent no usage (a stream without include_usage, or cut off): the calls were billed but their tokens are unknown',
  unknown_gpu: 'add the GPU model with its $/hour under gpu: in the price card',
  no_price_for_market: 'add a price for that market under gpu: in the price card',
  unknown_network_scope: 'add the scope with its $/GB under network: in the price card',
  unknown_unit_price:
    'add the price of those images, audio minutes, characters, tool calls or containers under unit_prices: in the price card',
};

const total = (groups: readonly GroupSum[]): number => groups.reduce((sum, g) => sum + g.value, 0);

/**
 * Reads the dollar and usage counters from a source (Prometheus over a window, or `/metrics`
 * totals) into the shape of the processor's in-process ledger, so the cost-processor's
 * `buildReport` computes the same report (shares, cost per query, savings, ROI, recommendations).
 *
 * Calls are `gen_ai.client.inference.duration` observations: every LLM call, failed and unpriced
 * ones included, as the in-process ledger counts them ({@link failedCallsFromCounters} says which
 * failed: those are not queries). Models are keyed by the requested model.
 *
 * @param source the counters.
 * @param card the price card for provider mapping and batch factors (recommendations).
 * @param startedAtMs start of the period.
 */
export async function snapshotFromCounters(
  source: CounterSource,
  card: PriceCard,
  startedAtMs: number,
): Promise<LedgerSnapshot> {
  const api = [{ label: L.component, op: '=' as const, value: 'api' }];
  const modelBy = [L.provider, L.requestModel];
  const [
    byComponent,
    bySource,
    calls,
    pricedCalls,
    tokens,
    modelUsd,
    standardUsd,
    gpuUsd,
    gpuSeconds,
    savings,
    unpriced,
    cache,
    revenue,
  ] = await Promise.all([
    source.sumBy(S.cost, [L.component]),
    source.sumBy(S.cost, [L.priceSource]),
    source.sumBy(S.inferenceDurationCount, modelBy),
    source.sumBy(S.requestCostCount, modelBy),
    Promise.all([
      source.sumBy(S.inputTokens, modelBy),
      source.sumBy(S.outputTokens, modelBy),
      source.sumBy(S.cacheReadTokens, []),
      source.sumBy(S.cacheWriteTokens, []),
      source.sumBy(S.reasoningTokens, []),
    ]),
    source.sumBy(S.cost, modelBy, api),
    source.sumBy(S.cost, modelBy, [
      ...api,
      { label: L.priceSource, op: '!=', value: 'explicit' },
      { label: L.serviceTier, op: '=', value: '' },
    ]),
    source.sumBy(S.cost, [L.gpuModel, L.gpuMarket], [{ label: L.component, op: '=', value: 'gpu' }]),
    source.sumBy(S.gpuTime, [L.gpuModel, L.gpuMarket]),
    source.sumBy(S.savings, [L.savingsStrategy]),
    source.sumBy(S.unpriced, [
      L.unpricedReason,
      L.unit,
      L.provider,
      L.requestModel,
      L.responseModel,
      L.gpuModel,
      L.gpuMarket,
      L.networkScope,
    ]),
    source.sumBy(S.cacheRequests, [L.cacheResult]),
    source.sumBy(S.revenue, []),
  ]);
  // Budget spend: cost grouped by every label a budget scope names, so each budget sums its own.
  const scopeLabels = [...new Set(card.budgets.flatMap((b) => Object.keys(b.scope).map(labelName)))];
  const costByScope = card.budgets.length > 0 ? await source.sumBy(S.cost, scopeLabels) : undefined;
  const [input, output, cacheRead, cacheWrite, reasoning] = tokens;

  const components = Object.fromEntries(COST_COMPONENTS.map((c) => [c, 0])) as Record<CostComponent, number>;
  for (const g of byComponent) {
    const c = g.labels[L.component] as CostComponent;
    if (c in components) components[c] += g.value;
  }
  const sources: Partial<Record<PriceSource, number>> = {};
  for (const g of bySource) {
    const s = g.labels[L.priceSource] as PriceSource;
    if (g.value > 0) sources[s] = (sources[s] ?? 0) + g.value;
  }

  const snap: LedgerSnapshot = {
    startedAtMs,
    byComponent: components,
    bySource: sources,
    llmCalls: Math.round(total(calls)),
    tokens: {
      input: Math.round(total(input)),
      cacheRead: Math.round(total(cacheRead)),
      cacheWrite: Math.round(total(cacheWrite)),
      output: Math.round(total(output)),
      reasoning: Math.round(total(reasoning)),
    },
    models: models(card, { calls, pricedCalls, input, output, usd: modelUsd, standard: standardUsd }),
    gpus: gpus(card, gpuUsd, gpuSeconds),
    savingsByStrategy: Object.fromEntries(
      savings.filter((g) => g.value > 0).map((g) => [g.labels[L.savingsStrategy] ?? '', g.value]),
    ),
    unpriced: unpricedUsage(unpriced),
    cacheHits: Math.round(total(cache.filter((g) => g.labels[L.cacheResult] === 'hit'))),
    cacheMisses: Math.round(total(cache.filter((g) => g.labels[L.cacheResult] === 'miss'))),
  };
  if (revenue.length > 0) snap.revenueUsd = total(revenue);
  if (costByScope)
    snap.costSeries = costByScope.map((g) => ({ attributes: { ...g.labels }, value: g.value }));
  return snap;
}

/**
 * The failed LLM calls of the source by provider and requested model: inference-duration
 * observations with an `error.type` label, which the report does not count as queries.
 */
export async function failedCallsFromCounters(
  source: CounterSource,
): Promise<{ provider: string; model: string; calls: number }[]> {
  const groups = await source.sumBy(
    S.inferenceDurationCount,
    [L.provider, L.requestModel],
    [{ label: L.errorType, op: '!=', value: '' }],
  );
  return groups
    .map((g) => ({
      provider: g.labels[L.provider] ?? '',
      model: g.labels[L.requestModel] ?? '',
      calls: Math.round(g.value),
    }))
    .filter((f) => f.calls > 0);
}

interface ModelGroups {
  calls: readonly GroupSum[];
  pricedCalls: readonly GroupSum[];
  input: readonly GroupSum[];
  output: readonly GroupSum[];
  usd: readonly GroupSum[];
  standard: readonly GroupSum[];
}

function models(card: PriceCard, groups: ModelGroups): ModelSpend[] {
  const byKey = new Map<string, ModelSpend>();
  const spend = (g: GroupSum): ModelSpend => {
    const provider = g.labels[L.provider] ?? '';
    const model = g.labels[L.requestModel] ?? '';
    const key = JSON.stringify([provider, model]);
    let m = byKey.get(key);
    if (!m) {
      m = emptyModelSpend(provider, model);
      const providerId = resolveCatalogProvider(provider, card.providers);
      const batch = card.multipliers.find(
        (r) => r.serviceTier === 'batch' && r.provider === providerId && r.model === undefined,
      );
      if (batch) m.batchFactor = batch.factor;
      byKey.set(key, m);
    }
    return m;
  };
  for (const g of groups.calls) spend(g).calls += Math.round(g.value);
  for (const g of groups.pricedCalls) spend(g).pricedCalls += Math.round(g.value);
  for (const g of groups.input) spend(g).inputTokens += Math.round(g.value);
  for (const g of groups.output) spend(g).outputTokens += Math.round(g.value);
  for (const g of groups.usd) spend(g).usd += g.value;
  for (const g of groups.standard) spend(g).standardTierUsd += g.value;
  return [...byKey.values()].filter((m) => m.calls > 0 || m.usd > 0);
}

function gpus(card: PriceCard, usd: readonly GroupSum[], seconds: readonly GroupSum[]): GpuSpend[] {
  const secondsOf = new Map<string, number>();
  for (const g of seconds) {
    const key = JSON.stringify([g.labels[L.gpuModel], g.labels[L.gpuMarket]]);
    secondsOf.set(key, (secondsOf.get(key) ?? 0) + g.value);
  }
  const out = new Map<string, GpuSpend>();
  for (const g of usd) {
    if (!(g.value > 0)) continue;
    const raw = g.labels[L.gpuModel] ?? '';
    const market = (g.labels[L.gpuMarket] ?? 'on_demand') as GpuMarket;
    const gpu = resolveGpuKey(card, raw) ?? raw;
    const s = secondsOf.get(JSON.stringify([raw, market])) ?? 0;
    const key = `${gpu}|${market}`;
    const spend = out.get(key) ?? { gpu, market, gpuSeconds: 0, usd: 0, usdPerHour: 0 };
    spend.gpuSeconds += s;
    spend.usd += g.value;
    spend.usdPerHour = spend.gpuSeconds > 0 ? (spend.usd * 3600) / spend.gpuSeconds : 0;
    out.set(key, spend);
  }
  return [...out.values()];
}

function unpricedUsage(groups: readonly GroupSum[]): UnpricedUsage[] {
  const out = new Map<string, UnpricedUsage>();
  for (const g of groups) {
    if (!(g.value > 0)) continue;
    const l = g.labels;
    const reason = (l[L.unpricedReason] || 'unknown_model') as UnpricedReason;
    const unit = l[L.unit] || 'token';
    const subject =
      unit === 'gpu_second'
        ? `gpu ${l[L.gpuModel]}/${l[L.gpuMarket]}`
        : unit === 'byte'
          ? `network ${l[L.networkScope]}`
          : `${l[L.provider]}/${l[L.responseModel] || l[L.requestModel]}`;
    const key = `${reason}|${unit}|${subject}`;
    const existing = out.get(key);
    if (existing) existing.amount += g.value;
    else
      out.set(key, {
        reason,
        unit,
        subject,
        amount: g.value,
        detail: UNPRICED_FIX[reason] ?? 'price it in the price card',
      });
  }
  return [...out.values()].map((u) => ({ ...u, amount: Math.round(u.amount) }));
}
