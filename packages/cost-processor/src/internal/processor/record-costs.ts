import {
  type Attributes,
  type CacheUsageRecord,
  type GpuUsageRecord,
  type LlmUsageRecord,
  type NetworkUsageRecord,
  reportsTokens,
} from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import type { CapacityTracker } from '../../capacity/capacity-tracker.js';
import type { PriceCard } from '../../price-card/types.js';
import { type CostLedger, type LlmCallKeys, llmCallKeys, type OwnedPart } from '../ledger/ledger.js';
import { ResolutionMemo } from '../pricing/resolution-memo.js';
import { PRICE_MEMO_LIMIT, type TokenPricer } from '../pricing/token-pricer.js';
import type { TokenPriced, Unpriced } from '../pricing/types.js';
import { priceGpu, priceNetwork } from '../pricing/unit-pricers.js';
import { recordUnitCosts } from './record-unit-costs.js';
import type { OnceWarnings } from './warnings.js';

/** What {@link RecordCosts} writes to besides the ledger: the per-call cost histogram, when bound. */
export interface CallCostSink {
  /** Records the cost of one priced call (`burnrate.request.cost.usd`). */
  recordCallCost(usd: number, attributes: Attributes): void;
}

const USAGE_MISSING: Unpriced = {
  kind: 'unpriced',
  reason: 'usage_missing',
  detail:
    'the provider sent no usage (stream without include_usage, or cut off); the call was billed but its tokens are unknown',
};

/**
 * What every priced call of one model with one price source shares in the ledger: the owned halves
 * of its series keys and the attributes they stand for, built on its first call.
 */
interface LlmSeriesParts {
  /** What the parts were built for (a re-resolved model may match differently). */
  readonly matchedModel: string;
  readonly serviceTier: string | undefined;
  readonly cost: OwnedPart;
  readonly calls: LlmCallKeys;
  promptCache?: OwnedPart;
  tierSavings?: OwnedPart;
  /**
   * `burnrate.request.cost.usd` attributes of calls without caller attributes, for the operation
   * they were built for; the same object every call (never changed once built).
   */
  callCost?: { readonly operation: string; readonly attributes: Attributes };
}

/** Prices one record of each per-record kind into the ledger (LLM calls, GPU time, network, cache hits). */
export class RecordCosts {
  /**
   * Series parts by provider, request model, response model and price source; bounded like the
   * pricer's memo ({@link PRICE_MEMO_LIMIT} entries, then it starts over). Plain data, valid for any
   * ledger (owned key halves depend only on the attribute values).
   */
  readonly #parts = new ResolutionMemo<LlmSeriesParts>(PRICE_MEMO_LIMIT);

  constructor(
    private readonly card: PriceCard,
    private readonly pricer: TokenPricer,
    private readonly ledger: () => CostLedger,
    private readonly capacity: CapacityTracker,
    private readonly warnings: OnceWarnings,
    private readonly sink: () => CallCostSink | undefined,
  ) {}

  /** Counts usage that has no price (never as $0), warning once per reason and subject. */
  unpriced(result: Unpriced, subject: string, unit: string, amount: number, attributes: Attributes): void {
    this.warnings.warn(
      `${result.reason}|${subject}`,
      `unpriced usage (${result.reason}) for ${subject}: ${result.detail}`,
      `unpriced-usage (${result.reason})`,
    );
    this.ledger().addUnpriced(
      { reason: result.reason, unit, subject, detail: result.detail },
      { ...attributes, [ATTR.unpricedReason]: result.reason, [ATTR.unit]: unit },
      amount,
    );
  }

  /** One LLM call: dollars by price source, the call's cost, prompt-cache and tier savings. */
  llm(record: LlmUsageRecord, nowMs: number): void {
    const ledger = this.ledger();
    this.capacity.observe(record, nowMs);
    const model = record.responseModel ?? record.requestModel;
    if (record.usageSource === 'missing') {
      ledger.addLlmCall(record.provider, model, record.usage, undefined);
      // A call the provider never served (429, 500, a connection failure: `served: false`, streaming
      // or not) was not billed; one it served was — a stream that ended without usage, a 200 whose
      // body did not parse. Records without `served` (not made by burnrate's wrappers): failed
      // non-streaming calls were not billed, everything else was.
      const billed = record.served ?? !(record.errorType !== undefined && !record.streaming);
      if (!billed) return;
      this.unpriced(USAGE_MISSING, `${record.provider}/${model}`, 'request', 1, llmBase(record));
      return;
    }
    // Units other than tokens (images, audio, characters, built-in tools): priced on top of the
    // tokens, or instead of them for calls billed only in such units (DALL·E, whisper-1, tts-1).
    const tokensReported = reportsTokens(record.usage, record.units);
    const units =
      record.units === undefined
        ? undefined
        : recordUnitCosts(this.card, ledger, record, tokensReported, llmBase(record), (r, s, u, n, a) =>
            this.unpriced(r, s, u, n, a),
          );
    const unitUsd = units?.usd ?? 0;
    if (!tokensReported) {
      const charged = units !== undefined && units.charges.length > 0;
      ledger.addLlmCall(
        record.provider,
        model,
        record.usage,
        charged ? { usd: unitUsd, standardTierCatalogUsd: 0 } : undefined,
      );
      const sink = this.sink();
      if (sink && charged)
        sink.recordCallCost(unitUsd, unitCallCostAttributes(record, units.charges[0]?.source));
      return;
    }
    const result = this.pricer.price(record);
    if (result.kind === 'unpriced') {
      ledger.addLlmCall(record.provider, model, record.usage, undefined);
      const tokenCount = Math.max(0, record.usage.input) + Math.max(0, record.usage.output);
      this.unpriced(result, `${record.provider}/${model}`, 'token', tokenCount, llmBase(record));
      return;
    }
    const parts = this.#seriesParts(ledger, record, result);
    const caller = record.attributes;
    const costKey = parts ? ledger.costCallerKey(caller) : undefined;
    if (parts && costKey !== undefined) {
      ledger.addCostSplit('api', result.source, caller, costKey, parts.cost, result.usd);
    } else {
      const attrs: Attributes = {
        ...llmBase(record),
        [ATTR.costComponent]: 'api',
        [ATTR.priceSource]: result.source,
        [ATTR.pricedModel]: result.matchedModel,
      };
      if (result.serviceTier !== undefined) attrs[ATTR.serviceTier] = result.serviceTier;
      ledger.addCost('api', result.source, attrs, result.usd);
    }
    const batchFactor = this.pricer.batchFactor(result.providerId);
    const standardCatalog = result.source !== 'explicit' && result.serviceTier === undefined ? result.usd : 0;
    const priced: { usd: number; standardTierCatalogUsd: number; batchFactor?: number } = {
      usd: result.usd + unitUsd,
      standardTierCatalogUsd: standardCatalog,
    };
    if (batchFactor !== undefined) priced.batchFactor = batchFactor;
    ledger.addLlmCall(record.provider, model, record.usage, priced, record.requestModel, parts?.calls);
    const sink = this.sink();
    if (sink) sink.recordCallCost(result.usd + unitUsd, callCostAttributes(record, result, parts, caller));
    const tierSaved = result.serviceTierSavingsUsd > 0 && result.serviceTier !== undefined;
    if (!(result.promptCacheSavingsUsd > 0) && !tierSaved) return;
    const savingsKey = parts ? ledger.savingsCallerKey(caller) : undefined;
    if (result.promptCacheSavingsUsd > 0) {
      if (parts && savingsKey !== undefined) {
        parts.promptCache ??= ledger.savingsOwnedPart(llmOwned(record, 'prompt_cache'));
        ledger.addSavingsSplit(
          'prompt_cache',
          caller,
          savingsKey,
          parts.promptCache,
          result.promptCacheSavingsUsd,
        );
      } else {
        ledger.addSavings(
          'prompt_cache',
          { ...llmBase(record), [ATTR.savingsStrategy]: 'prompt_cache' },
          result.promptCacheSavingsUsd,
        );
      }
    }
    if (tierSaved && result.serviceTier !== undefined) {
      const strategy = result.serviceTier;
      if (parts && savingsKey !== undefined) {
        parts.tierSavings ??= ledger.savingsOwnedPart(llmOwned(record, strategy));
        ledger.addSavingsSplit(strategy, caller, savingsKey, parts.tierSavings, result.serviceTierSavingsUsd);
      } else {
        ledger.addSavings(
          strategy,
          { ...llmBase(record), [ATTR.savingsStrategy]: strategy },
          result.serviceTierSavingsUsd,
        );
      }
    }
  }

  /**
   * The cached series parts of a priced call's model and price source, built on first use. Undefined
   * for records the memo cannot key (non-string names from JavaScript): those take the generic path.
   */
  #seriesParts(ledger: CostLedger, record: LlmUsageRecord, result: TokenPriced): LlmSeriesParts | undefined {
    const { provider, requestModel, responseModel } = record;
    if (
      typeof provider !== 'string' ||
      typeof requestModel !== 'string' ||
      (responseModel !== undefined && typeof responseModel !== 'string')
    )
      return undefined;
    // An absent response model and an empty one are different series ('' is an attribute value).
    const response = responseModel === undefined ? '' : `=${responseModel}`;
    const found = this.#parts.get(provider, requestModel, response, result.source);
    if (found && found.matchedModel === result.matchedModel && found.serviceTier === result.serviceTier)
      return found;
    const owned: Attributes = {
      [ATTR.providerName]: provider,
      [ATTR.requestModel]: requestModel,
    };
    if (responseModel !== undefined) owned[ATTR.responseModel] = responseModel;
    owned[ATTR.costComponent] = 'api';
    owned[ATTR.priceSource] = result.source;
    owned[ATTR.pricedModel] = result.matchedModel;
    if (result.serviceTier !== undefined) owned[ATTR.serviceTier] = result.serviceTier;
    const parts: LlmSeriesParts = {
      matchedModel: result.matchedModel,
      serviceTier: result.serviceTier,
      cost: ledger.costOwnedPart(owned),
      calls: llmCallKeys(provider, responseModel ?? requestModel, requestModel),
    };
    this.#parts.set(provider, requestModel, response, result.source, parts);
    return parts;
  }

  /** GPU time at the card's $/hour for its model and market; spot and reserved savings against on-demand. */
  gpu(record: GpuUsageRecord): void {
    const result = priceGpu(this.card, record);
    const attrs: Attributes = {
      ...record.attributes,
      [ATTR.gpuModel]: record.gpu,
      [ATTR.gpuMarket]: record.market,
    };
    if (record.workload !== undefined) attrs[ATTR.workload] = record.workload;
    if (record.model !== undefined) attrs[ATTR.requestModel] = record.model;
    const seconds = Number.isFinite(record.gpuSeconds) && record.gpuSeconds > 0 ? record.gpuSeconds : 0;
    if (result.kind === 'unpriced') {
      this.unpriced(result, `gpu ${record.gpu}/${record.market}`, 'gpu_second', seconds, attrs);
      return;
    }
    const ledger = this.ledger();
    ledger.addCost(
      'gpu',
      result.source,
      { ...attrs, [ATTR.costComponent]: 'gpu', [ATTR.priceSource]: result.source },
      result.usd,
    );
    ledger.addGpu(result.matchedGpu, record.market, seconds, result.usd, result.usdPerHour);
    if (result.savingsUsd > 0) {
      const strategy = record.market === 'spot' ? 'spot' : 'reserved';
      ledger.addSavings(strategy, { ...attrs, [ATTR.savingsStrategy]: strategy }, result.savingsUsd);
    }
  }

  /** Network bytes at the card's $/GB for the scope and direction. */
  network(record: NetworkUsageRecord): void {
    const attrs: Attributes = {
      ...record.attributes,
      [ATTR.networkScope]: record.scope,
      [ATTR.networkDirection]: record.direction,
    };
    const result = priceNetwork(this.card, record);
    if (result.kind === 'unpriced') {
      this.unpriced(result, `network ${record.scope}`, 'byte', Math.max(0, record.bytes), attrs);
      return;
    }
    this.ledger().addCost(
      'network',
      result.source,
      { ...attrs, [ATTR.costComponent]: 'network', [ATTR.priceSource]: result.source },
      result.usd,
    );
  }

  /** A response-cache hit saves the average priced call of its model (when calls of it were seen). */
  cache(record: CacheUsageRecord): void {
    const ledger = this.ledger();
    ledger.addCacheLookup(record.result === 'hit');
    if (record.result !== 'hit' || record.model === undefined) return;
    const avg = ledger.averageCallUsd(record.model, record.provider);
    if (avg === undefined) return;
    const attrs: Attributes = {
      ...record.attributes,
      [ATTR.requestModel]: record.model,
      [ATTR.savingsStrategy]: 'response_cache',
    };
    if (record.provider !== undefined) attrs[ATTR.providerName] = record.provider;
    ledger.addSavings('response_cache', attrs, avg);
  }
}

/** An LLM call's caller attributes with its provider and models (the base of its series attributes). */
function llmBase(record: LlmUsageRecord): Attributes {
  const base: Attributes = {
    ...record.attributes,
    [ATTR.providerName]: record.provider,
    [ATTR.requestModel]: record.requestModel,
  };
  if (record.responseModel !== undefined) base[ATTR.responseModel] = record.responseModel;
  return base;
}

/** The processor's own attributes of an LLM call's savings series. */
function llmOwned(record: LlmUsageRecord, strategy: string): Attributes {
  const owned: Attributes = {
    [ATTR.providerName]: record.provider,
    [ATTR.requestModel]: record.requestModel,
  };
  if (record.responseModel !== undefined) owned[ATTR.responseModel] = record.responseModel;
  owned[ATTR.savingsStrategy] = strategy;
  return owned;
}

/**
 * The attributes of a call's `burnrate.request.cost.usd` point: the caller's, provider, request
 * model, operation and price source. Reused from the series parts when the caller set none.
 */
function callCostAttributes(
  record: LlmUsageRecord,
  result: TokenPriced,
  parts: LlmSeriesParts | undefined,
  caller: Attributes,
): Attributes {
  const reusable = parts !== undefined && !hasKeys(caller);
  if (reusable && parts.callCost?.operation === record.operation) return parts.callCost.attributes;
  // A loop copy, then assignments: a spread of non-empty caller attributes followed by more keys is
  // a slow V8 path (microseconds per call). Same keys in the same order.
  const attributes: Attributes = {};
  for (const k of Object.keys(caller)) attributes[k] = caller[k] as Attributes[string];
  attributes[ATTR.providerName] = record.provider;
  attributes[ATTR.requestModel] = record.requestModel;
  attributes[ATTR.operationName] = record.operation;
  attributes[ATTR.priceSource] = result.source;
  if (reusable && typeof record.operation === 'string')
    parts.callCost = { operation: record.operation, attributes };
  return attributes;
}

/** `burnrate.request.cost.usd` attributes of a call billed only in units other than tokens. */
function unitCallCostAttributes(record: LlmUsageRecord, source: string | undefined): Attributes {
  const attributes: Attributes = {};
  for (const k of Object.keys(record.attributes)) attributes[k] = record.attributes[k] as Attributes[string];
  attributes[ATTR.providerName] = record.provider;
  attributes[ATTR.requestModel] = record.requestModel;
  attributes[ATTR.operationName] = record.operation;
  attributes[ATTR.priceSource] = source ?? 'default';
  return attributes;
}

function hasKeys(attributes: Attributes): boolean {
  for (const _ in attributes) return true;
  return false;
}
