import type { Attributes, GpuMarket } from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import type { PriceSource, UnpricedReason } from '../pricing/types.js';
import { DEFAULT_MAX_SERIES, type LedgerSeries, type OwnedPart, SeriesMap } from './series-map.js';

/** How much the ledger keeps before it folds: a flood of names must not grow memory or series without bound. */
export interface LedgerBounds {
  /** Series per dollar metric kept as themselves; the rest are summed in one overflow series. Default 1998. */
  maxSeries?: number;
  /** Models, request models and unpriced subjects kept by name for the report; the rest become `other`. Default 1000. */
  maxNames?: number;
  /** Called once per metric (`cost`, `savings`, `unpriced`) when its first label set overflows. */
  onOverflow?(metric: 'cost' | 'savings' | 'unpriced', max: number): void;
  /**
   * Called with every dollar added to `burnrate.cost.usd` and its series' attributes (`owned` set
   * on the split hot path): budgets count their spend in their window from it.
   */
  onCost?(caller: Attributes, owned: Attributes | undefined, usd: number): void;
}

/** The name the report gives what was folded past {@link LedgerBounds.maxNames}. */
const OTHER = 'other';

export type { LedgerSeries, OwnedPart } from './series-map.js';
export { attributesKey } from './series-map.js';

/** The five cost components of DESIGN §1. */
export type CostComponent = 'api' | 'gpu' | 'storage' | 'network' | 'fixed';

/** All cost components, in report order. */
export const COST_COMPONENTS: readonly CostComponent[] = ['api', 'gpu', 'storage', 'network', 'fixed'];

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

/** The keys the processor sets on an LLM call's `burnrate.cost.usd` series (the rest are the caller's). */
export const LLM_COST_KEYS: readonly string[] = [
  ATTR.providerName,
  ATTR.requestModel,
  ATTR.responseModel,
  ATTR.costComponent,
  ATTR.priceSource,
  ATTR.pricedModel,
  ATTR.serviceTier,
];

/** The keys the processor sets on an LLM call's `burnrate.savings.usd` series. */
export const LLM_SAVINGS_KEYS: readonly string[] = [
  ATTR.providerName,
  ATTR.requestModel,
  ATTR.responseModel,
  ATTR.savingsStrategy,
];

/** Precomputed ledger keys of one model's calls (see {@link CostLedger.addLlmCall}). */
export interface LlmCallKeys {
  /** `provider|model`. */
  readonly model: string;
  /** `provider|requestModel` and `*|requestModel`, request model lower-cased. */
  readonly byRequest: readonly [string, string];
}

/** The ledger keys of a model's calls. */
export function llmCallKeys(provider: string, model: string, requestModel: string = model): LlmCallKeys {
  const lower = requestModel.toLowerCase();
  return { model: `${provider}|${model}`, byRequest: [`${provider}|${lower}`, `*|${lower}`] };
}

/**
 * The in-process ledger: every dollar, saving and unpriced unit the processor recorded, as metric
 * series (for the observable instruments) and as report aggregates. Instance state only.
 */
export class CostLedger {
  readonly #cost: SeriesMap;
  readonly #savings: SeriesMap;
  readonly #unpricedSeries: SeriesMap;
  readonly #maxNames: number;
  readonly #onCost: LedgerBounds['onCost'];
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

  /**
   * @param startedAtMs when accounting started, ms since epoch.
   * @param bounds how many series and names are kept before folding (totals stay exact).
   */
  constructor(startedAtMs: number, bounds: LedgerBounds = {}) {
    this.startedAtMs = startedAtMs;
    const max = bounds.maxSeries ?? DEFAULT_MAX_SERIES;
    const overflow = (metric: 'cost' | 'savings' | 'unpriced') => () => bounds.onOverflow?.(metric, max);
    this.#cost = new SeriesMap(LLM_COST_KEYS, max, overflow('cost'));
    this.#savings = new SeriesMap(LLM_SAVINGS_KEYS, max, overflow('savings'));
    this.#unpricedSeries = new SeriesMap([], max, overflow('unpriced'));
    this.#maxNames = bounds.maxNames ?? 1000;
    this.#onCost = bounds.onCost;
  }

  /** Adds dollars to a `burnrate.cost.usd` series. */
  addCost(component: CostComponent, source: PriceSource, attributes: Attributes, usd: number): void {
    if (!(usd > 0)) return;
    this.#cost.add(attributes, usd);
    this.#countCost(component, source, usd);
    this.#onCost?.(attributes, undefined, usd);
  }

  /**
   * Adds dollars to the `burnrate.cost.usd` series of `{ ...caller, ...owned.attributes }`: the hot
   * path of {@link addCost}, with the owned half of the key cached per model.
   *
   * @param callerKey {@link costCallerKey} of `caller`.
   */
  addCostSplit(
    component: CostComponent,
    source: PriceSource,
    caller: Attributes,
    callerKey: string,
    owned: OwnedPart,
    usd: number,
  ): void {
    if (!(usd > 0)) return;
    this.#cost.addSplit(caller, callerKey, owned, usd);
    this.#countCost(component, source, usd);
    this.#onCost?.(caller, owned.attributes, usd);
  }

  /** The caller half of a cost series key, or undefined when `caller` sets a key of {@link LLM_COST_KEYS}. */
  costCallerKey(caller: Attributes): string | undefined {
    return this.#cost.callerKey(caller);
  }

  /** The owned half of cost series keys for attributes that set only {@link LLM_COST_KEYS}. */
  costOwnedPart(owned: Attributes): OwnedPart {
    return this.#cost.ownedPart(owned);
  }

  #countCost(component: CostComponent, source: PriceSource, usd: number): void {
    this.#byComponent.set(component, (this.#byComponent.get(component) ?? 0) + usd);
    this.#bySource.set(source, (this.#bySource.get(source) ?? 0) + usd);
  }

  /** Adds dollars saved to a `burnrate.savings.usd` series. */
  addSavings(strategy: string, attributes: Attributes, usd: number): void {
    if (!(usd > 0)) return;
    this.#savings.add(attributes, usd);
    this.#countSavings(strategy, usd);
  }

  /** {@link addSavings} with the owned half of the key cached (see {@link addCostSplit}). */
  addSavingsSplit(
    strategy: string,
    caller: Attributes,
    callerKey: string,
    owned: OwnedPart,
    usd: number,
  ): void {
    if (!(usd > 0)) return;
    this.#savings.addSplit(caller, callerKey, owned, usd);
    this.#countSavings(strategy, usd);
  }

  /** The caller half of a savings series key, or undefined when `caller` sets a key of {@link LLM_SAVINGS_KEYS}. */
  savingsCallerKey(caller: Attributes): string | undefined {
    return this.#savings.callerKey(caller);
  }

  /** The owned half of savings series keys for attributes that set only {@link LLM_SAVINGS_KEYS}. */
  savingsOwnedPart(owned: Attributes): OwnedPart {
    return this.#savings.ownedPart(owned);
  }

  #countSavings(strategy: string, usd: number): void {
    this.#savingsByStrategy.set(strategy, (this.#savingsByStrategy.get(strategy) ?? 0) + usd);
  }

  /** Adds unpriced usage to a `burnrate.unpriced.usage` series and the report's list. */
  addUnpriced(entry: Omit<UnpricedUsage, 'amount'>, attributes: Attributes, amount: number): void {
    if (!(amount > 0)) return;
    this.#unpricedSeries.add(attributes, amount);
    let key = `${entry.reason}|${entry.unit}|${entry.subject}`;
    let existing = this.#unpriced.get(key);
    if (!existing && this.#unpriced.size >= this.#maxNames) {
      // A flood of unknown names: the report keeps one line per reason and unit for the rest.
      key = `${entry.reason}|${entry.unit}|\u0000${OTHER}`;
      existing = this.#unpriced.get(key);
      if (!existing) {
        existing = {
          ...entry,
          subject: OTHER,
          detail: `more subjects than the report lists (${this.#maxNames})`,
          amount: 0,
        };
        this.#unpriced.set(key, existing);
      }
    }
    if (existing) existing.amount += amount;
    else this.#unpriced.set(key, { ...entry, amount });
  }

  /**
   * Counts one LLM call and its tokens, and its spend on the model.
   *
   * @param keys {@link llmCallKeys} of the provider, model and request model, when cached.
   */
  addLlmCall(
    provider: string,
    model: string,
    tokens: TokenTotals,
    priced: { usd: number; standardTierCatalogUsd: number; batchFactor?: number } | undefined,
    requestModel: string = model,
    keys: LlmCallKeys = llmCallKeys(provider, model, requestModel),
  ): void {
    if (priced) {
      // Response-cache hits name the model the caller asked for, not the dated one that answered.
      for (const key of keys.byRequest) {
        let avg = this.#byRequestModel.get(key);
        if (!avg) {
          // Past the bound, rare models get no average (a response-cache hit on one saves nothing).
          if (this.#byRequestModel.size >= 2 * this.#maxNames) continue;
          avg = { usd: 0, calls: 0 };
          this.#byRequestModel.set(key, avg);
        }
        avg.usd += priced.usd;
        avg.calls += 1;
      }
    }
    this.#llmCalls += 1;
    this.#tokens.input += tokens.input;
    this.#tokens.cacheRead += tokens.cacheRead;
    this.#tokens.cacheWrite += tokens.cacheWrite;
    this.#tokens.output += tokens.output;
    this.#tokens.reasoning += tokens.reasoning;
    let spend = this.#models.get(keys.model);
    if (!spend) {
      if (this.#models.size >= this.#maxNames) {
        spend = this.#models.get(`\u0000${OTHER}`);
        if (!spend) {
          spend = emptyModelSpend(OTHER, OTHER);
          this.#models.set(`\u0000${OTHER}`, spend);
        }
      } else {
        spend = emptyModelSpend(provider, model);
        this.#models.set(keys.model, spend);
      }
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
