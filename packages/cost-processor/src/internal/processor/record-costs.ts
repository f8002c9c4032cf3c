import type {
  Attributes,
  CacheUsageRecord,
  GpuUsageRecord,
  LlmUsageRecord,
  NetworkUsageRecord,
} from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import type { CapacityTracker } from '../../capacity/capacity-tracker.js';
import type { PriceCard } from '../../price-card/types.js';
import type { CostLedger } from '../ledger/ledger.js';
import type { TokenPricer } from '../pricing/token-pricer.js';
import type { Unpriced } from '../pricing/types.js';
import { priceGpu, priceNetwork } from '../pricing/unit-pricers.js';
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

/** Prices one record of each per-record kind into the ledger (LLM calls, GPU time, network, cache hits). */
export class RecordCosts {
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
    const base: Attributes = {
      ...record.attributes,
      [ATTR.providerName]: record.provider,
      [ATTR.requestModel]: record.requestModel,
    };
    if (record.responseModel !== undefined) base[ATTR.responseModel] = record.responseModel;
    const model = record.responseModel ?? record.requestModel;
    if (record.usageSource === 'missing') {
      ledger.addLlmCall(record.provider, model, record.usage, undefined);
      // Failed non-streaming calls (429, 500) were not billed; a stream that ended without usage was.
      if (record.errorType !== undefined && !record.streaming) return;
      this.unpriced(USAGE_MISSING, `${record.provider}/${model}`, 'request', 1, base);
      return;
    }
    const result = this.pricer.price(record);
    if (result.kind === 'unpriced') {
      ledger.addLlmCall(record.provider, model, record.usage, undefined);
      const tokenCount = Math.max(0, record.usage.input) + Math.max(0, record.usage.output);
      this.unpriced(result, `${record.provider}/${model}`, 'token', tokenCount, base);
      return;
    }
    const attrs: Attributes = {
      ...base,
      [ATTR.costComponent]: 'api',
      [ATTR.priceSource]: result.source,
      [ATTR.pricedModel]: result.matchedModel,
    };
    if (result.serviceTier !== undefined) attrs[ATTR.serviceTier] = result.serviceTier;
    ledger.addCost('api', result.source, attrs, result.usd);
    const batchFactor = this.pricer.batchFactor(result.providerId);
    const standardCatalog = result.source !== 'explicit' && result.serviceTier === undefined ? result.usd : 0;
    ledger.addLlmCall(
      record.provider,
      model,
      record.usage,
      {
        usd: result.usd,
        standardTierCatalogUsd: standardCatalog,
        ...(batchFactor !== undefined ? { batchFactor } : {}),
      },
      record.requestModel,
    );
    this.sink()?.recordCallCost(result.usd, {
      ...record.attributes,
      [ATTR.providerName]: record.provider,
      [ATTR.requestModel]: record.requestModel,
      [ATTR.operationName]: record.operation,
      [ATTR.priceSource]: result.source,
    });
    if (result.promptCacheSavingsUsd > 0) {
      ledger.addSavings(
        'prompt_cache',
        { ...base, [ATTR.savingsStrategy]: 'prompt_cache' },
        result.promptCacheSavingsUsd,
      );
    }
    if (result.serviceTierSavingsUsd > 0 && result.serviceTier !== undefined) {
      ledger.addSavings(
        result.serviceTier,
        { ...base, [ATTR.savingsStrategy]: result.serviceTier },
        result.serviceTierSavingsUsd,
      );
    }
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
