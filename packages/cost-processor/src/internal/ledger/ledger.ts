import type { Attributes, GpuMarket } from '@burnrate/sdk';
import type { PriceSource, UnpricedReason } from '../pricing/types.js';

/** The five cost components of DESIGN §1. */
export type CostComponent = 'api' | 'gpu' | 'storage' | 'network' | 'fixed';

/** All cost components, in report order. */
export const COST_COMPONENTS: readonly CostComponent[] = ['api', 'gpu', 'storage', 'network', 'fixed'];

/** One metric series accumulated by the ledger: its attributes and cumulative value. */
export interface LedgerSeries {
  readonly attributes: Attributes;
  value: number;
}

/** Spend on one model (API calls). */
export interface ModelSpend {
  provider: string;
  model: string;
  calls: number;
  /** Calls that were priced. */
  pricedCalls: number;
  usd: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of calls at the standard service tier priced from the catalog (batch-eligible spend). */
  standardTierUsd: number;
  /** Batch factor available for this model's provider, if any (e.g. 0.5). */
  batchFactor?: number;
}

/** Spend on one GPU model and market. */
export interface GpuSpend {
  gpu: string;
  market: GpuMarket;
  gpuSeconds: number;
  usd: number;
  usdPerHour: number;
}

/** Unpriced usage of one subject (model or GPU). */
export interface UnpricedUsage {
  reason: UnpricedReason;
  /** `token`, `gpu_second`, `byte` or `request`. */
  unit: string;
  /** What was not priced, e.g. `openai/ft:gpt-4o-mini:acme::x` or `gpu a100/spot`. */
  subject: string;
  amount: number;
  /** How to price it. */
  detail: string;
}

/** Token totals by normalized kind. */
export interface TokenTotals {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

/** A model's spend before any call: zero calls, tokens and dollars. */
export function emptyModelSpend(provider: string, model: string): ModelSpend {
  return {
    provider,
    model,
    calls: 0,
    pricedCalls: 0,
    usd: 0,
    inputTokens: 0,
    outputTokens: 0,
    standardTierUsd: 0,
  };
}

/** A stable key for an attribute set. */
export function attributesKey(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((k) => [k, attributes[k]]),
  );
}

/**
 * The in-process ledger: every dollar, saving and unpriced unit the processor recorded, as metric
 * series (for the observable instruments) and as report aggregates. Instance state only.
 */
export class CostLedger {
  readonly #cost = new Map<string, LedgerSeries>();
  readonly #savings = new Map<string, LedgerSeries>();
  readonly #unpricedSeries = new Map<string, LedgerSeries>();
  readonly #byComponent = new Map<CostComponent, number>();
  readonly #bySource = new Map<PriceSource, number>();
  readonly #savingsByStrategy = new Map<string, number>();
  readonly #models = new Map<string, ModelSpend>();
  /** Priced calls by `provider|requestModel` and `*|requestModel` (lower-cased), for response-cache savings. */
  readonly #byRequestModel = new Map<string, { usd: number; calls: number }>();
  readonly #gpus = new Map<string, GpuSpend>();
  readonly #unpriced = new Map<string, UnpricedUsage>();
  readonly #tokens: TokenTotals = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
  #llmCalls = 0;
  #revenueUsd = 0;
  #revenueRecorded = false;
  #cacheHits = 0;
  #cacheMisses = 0;
  /** Clock time (ms) the ledger started. */
  readonly startedAtMs: number;

  /** @param startedAtMs when accounting started, ms since epoch. */
  constructor(startedAtMs: number) {
    this.startedAtMs = startedAtMs;
  }

  /** Adds dollars to a `burnrate.cost.usd` series. */
  addCost(component: CostComponent, source: PriceSource, attributes: Attributes, usd: number): void {
    if (!(usd > 0)) return;
    addTo(this.#cost, attributes, usd);
    this.#byComponent.set(component, (this.#byComponent.get(component) ?? 0) + usd);
    this.#bySource.set(source, (this.#bySource.get(source) ?? 0) + usd);
  }

  /** Adds dollars saved to a `burnrate.savings.usd` series. */
  addSavings(strategy: string, attributes: Attributes, usd: number): void {
    if (!(usd > 0)) return;
    addTo(this.#savings, attributes, usd);
    this.#savingsByStrategy.set(strategy, (this.#savingsByStrategy.get(strategy) ?? 0) + usd);
  }

  /** Adds unpriced usage to a `burnrate.unpriced.usage` series and the report's list. */
  addUnpriced(entry: Omit<UnpricedUsage, 'amount'>, attributes: Attributes, amount: number): void {
    if (!(amount > 0)) return;
    addTo(this.#unpricedSeries, attributes, amount);
    const key = `${entry.reason}|${entry.unit}|${entry.subject}`;
    const existing = this.#unpriced.get(key);
    if (existing) existing.amount += amount;
    else this.#unpriced.set(key, { ...entry, amount });
  }

  /** Counts one LLM call and its tokens, and its spend on the model. */
  addLlmCall(
    provider: string,
    model: string,
    tokens: TokenTotals,
    priced: { usd: number; standardTierCatalogUsd: number; batchFactor?: number } | undefined,
    requestModel: string = model,
  ): void {
    if (priced) {
      // Response-cache hits name the model the caller asked for, not the dated one that answered.
      for (const key of [`${provider}|${requestModel.toLowerCase()}`, `*|${requestModel.toLowerCase()}`]) {
        const avg = this.#byRequestModel.get(key) ?? { usd: 0, calls: 0 };
        avg.usd += priced.usd;
        avg.calls += 1;
        this.#byRequestModel.set(key, avg);
      }
    }
    this.#llmCalls += 1;
    this.#tokens.input += tokens.input;
    this.#tokens.cacheRead += tokens.cacheRead;
    this.#tokens.cacheWrite += tokens.cacheWrite;
    this.#tokens.output += tokens.output;
    this.#tokens.reasoning += tokens.reasoning;
    const key = `${provider}|${model}`;
    let spend = this.#models.get(key);
    if (!spend) {
      spend = emptyModelSpend(provider, model);
      this.#models.set(key, spend);
    }
    spend.calls += 1;
    spend.inputTokens += tokens.input;
    spend.outputTokens += tokens.output;
    if (priced) {
      spend.pricedCalls += 1;
      spend.usd += priced.usd;
      spend.standardTierUsd += priced.standardTierCatalogUsd;
      if (priced.batchFactor !== undefined) spend.batchFactor = priced.batchFactor;
    }
  }

  /** Average USD of this model's priced calls so far, if any (prices response-cache hits). */
  averageCallUsd(model: string, provider?: string): number | undefined {
    const byRequest = this.#byRequestModel.get(`${provider ?? '*'}|${model.toLowerCase()}`);
    if (byRequest) return byRequest.usd / byRequest.calls;
    let usd = 0;
    let calls = 0;
    for (const spend of this.#models.values()) {
      if (spend.model.toLowerCase() !== model.toLowerCase()) continue;
      if (provider !== undefined && spend.provider !== provider) continue;
      usd += spend.usd;
      calls += spend.pricedCalls;
    }
    return calls > 0 ? usd / calls : undefined;
  }

  /** Adds GPU-seconds and dollars for a GPU model and market. */
  addGpu(gpu: string, market: GpuMarket, gpuSeconds: number, usd: number, usdPerHour: number): void {
    const key = `${gpu}|${market}`;
    const spend = this.#gpus.get(key) ?? { gpu, market, gpuSeconds: 0, usd: 0, usdPerHour };
    spend.gpuSeconds += gpuSeconds;
    spend.usd += usd;
    spend.usdPerHour = usdPerHour;
    this.#gpus.set(key, spend);
  }

  /** Adds revenue in USD (for ROI). */
  addRevenue(usd: number): void {
    if (!Number.isFinite(usd)) return;
    this.#revenueUsd += usd;
    this.#revenueRecorded = true;
  }

  /** Counts an application response-cache lookup. */
  addCacheLookup(hit: boolean): void {
    if (hit) this.#cacheHits += 1;
    else this.#cacheMisses += 1;
  }

  /** `burnrate.cost.usd` series. */
  costSeries(): IterableIterator<LedgerSeries> {
    return this.#cost.values();
  }
  /** `burnrate.savings.usd` series. */
  savingsSeries(): IterableIterator<LedgerSeries> {
    return this.#savings.values();
  }
  /** `burnrate.unpriced.usage` series. */
  unpricedSeries(): IterableIterator<LedgerSeries> {
    return this.#unpricedSeries.values();
  }

  /** Totals for the report. */
  snapshot(): LedgerSnapshot {
    const byComponent = Object.fromEntries(
      COST_COMPONENTS.map((c) => [c, this.#byComponent.get(c) ?? 0]),
    ) as Record<CostComponent, number>;
    const snap: LedgerSnapshot = {
      startedAtMs: this.startedAtMs,
      byComponent,
      bySource: Object.fromEntries(this.#bySource) as Partial<Record<PriceSource, number>>,
      llmCalls: this.#llmCalls,
      tokens: { ...this.#tokens },
      models: [...this.#models.values()].map((m) => ({ ...m })),
      gpus: [...this.#gpus.values()].map((g) => ({ ...g })),
      savingsByStrategy: Object.fromEntries(this.#savingsByStrategy),
      unpriced: [...this.#unpriced.values()].map((u) => ({ ...u })),
      cacheHits: this.#cacheHits,
      cacheMisses: this.#cacheMisses,
      costSeries: [...this.#cost.values()].map((c) => ({ attributes: { ...c.attributes }, value: c.value })),
    };
    if (this.#revenueRecorded) snap.revenueUsd = this.#revenueUsd;
    return snap;
  }
}

/** A copy of the ledger's aggregates at one moment. */
export interface LedgerSnapshot {
  startedAtMs: number;
  byComponent: Record<CostComponent, number>;
  bySource: Partial<Record<PriceSource, number>>;
  llmCalls: number;
  tokens: TokenTotals;
  models: ModelSpend[];
  gpus: GpuSpend[];
  savingsByStrategy: Record<string, number>;
  unpriced: UnpricedUsage[];
  cacheHits: number;
  cacheMisses: number;
  revenueUsd?: number;
  /** The `burnrate.cost.usd` series with their attributes (budget spend by scope), when known. */
  costSeries?: LedgerSeries[];
}

function addTo(map: Map<string, LedgerSeries>, attributes: Attributes, value: number): void {
  const key = attributesKey(attributes);
  const series = map.get(key);
  if (series) series.value += value;
  else map.set(key, { attributes: { ...attributes }, value });
}
