import {
  ATTR,
  type Attributes,
  type CacheUsageRecord,
  type Clock,
  COST_BUCKETS_USD,
  COST_METRIC,
  type GpuMarket,
  type GpuUsageRecord,
  type LlmUsageRecord,
  type NetworkUsageRecord,
  type StorageUsageRecord,
  specOptions,
  type UsageProcessor,
  type UsageRecord,
} from '@burnrate/sdk';
import { diag, type Histogram, type MeterProvider, metrics, type ObservableResult } from '@opentelemetry/api';
import { CapacityTracker, type DeploymentCapacity } from '../capacity/capacity-tracker.js';
import { CostLedger } from '../ledger/ledger.js';
import { loadPriceCard } from '../price-card/load-price-card.js';
import type { PriceCardInput } from '../price-card/schema.js';
import type { PriceCard } from '../price-card/types.js';
import { TokenPricer } from '../pricing/token-pricer.js';
import type { TokenPriceResult, Unpriced } from '../pricing/types.js';
import {
  BYTES_PER_GB,
  priceGpu,
  priceNetwork,
  SECONDS_PER_MONTH,
  storagePrice,
} from '../pricing/unit-pricers.js';
import { buildReport } from '../report/build-report.js';
import type { CostReport } from '../report/types.js';

/** Where warnings go (one per unknown model / GPU / scope). */
export interface CostLogger {
  /** Receives one warning. */
  warn(message: string): void;
}

/** diag (silent unless a diag logger is set up) plus a process warning, which Node prints to stderr. */
const defaultLogger: CostLogger = {
  warn(message) {
    diag.warn(message);
    process.emitWarning(message, { type: 'BurnrateWarning' });
  },
};

/** Options of {@link createCostProcessor}. */
export interface CostProcessorOptions {
  /** The price card: a loaded card, a file path (YAML/JSON) or an object. Default: defaults only. */
  priceCard?: PriceCard | PriceCardInput | string;
  /** Where the dollar metrics are recorded. Default: the global `metrics.getMeterProvider()`. */
  meterProvider?: MeterProvider;
  /** Clock in ms since epoch; accrues storage and fixed costs and drives sliding windows. Default `Date.now`. */
  clock?: (() => number) | Clock;
  /**
   * Warnings (one per unknown model, GPU, scope or tier). Default: the OpenTelemetry diag logger and
   * a Node process warning (`BurnrateWarning` on stderr), so an unpriced model is never silent.
   */
  logger?: CostLogger;
}

/** A {@link UsageProcessor} that prices usage records and records the dollar metrics. */
export interface CostProcessor extends UsageProcessor {
  /** The loaded price card. */
  readonly priceCard: PriceCard;
  /** The in-process ledger behind the metrics and the report. */
  readonly ledger: CostLedger;
  /** Prices and records one usage record. Never throws. */
  onUsage(record: UsageRecord): void;
  /** Prices an LLM call without recording it. */
  priceLlmCall(record: LlmUsageRecord): TokenPriceResult;
  /** The cost report from the ledger, with storage and fixed costs accrued up to now. */
  report(): CostReport;
  /** Observed QPS, latency and required instances per deployment of the card. */
  capacity(): DeploymentCapacity[];
  /** Accrues storage and fixed costs up to now. */
  forceFlush(): Promise<void>;
  /** Accrues up to now and stops accepting records. */
  shutdown(): Promise<void>;
}

interface StorageLevel {
  attributes: Attributes;
  storageClass: string;
  bytes: number;
  lastMs: number;
}

interface HeldReservation {
  gpu: string;
  market: GpuMarket;
  count: number;
  usdPerHour: number;
}

/**
 * Creates the cost processor: attach it to a `UsageRecorder` (`processors: [costProcessor]`).
 *
 * @throws PriceCardError when the price card is invalid (never at record time).
 */
export function createCostProcessor(options: CostProcessorOptions = {}): CostProcessor {
  const card = loadPriceCard(options.priceCard);
  // The same Clock object the sdk's recorder takes, or a plain function.
  const given = options.clock;
  const clock: () => number = typeof given === 'function' ? given : given ? () => given.now() : Date.now;
  const logger: CostLogger = options.logger ?? defaultLogger;
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  const meter = meterProvider.getMeter('@burnrate/cost-processor', '0.1.0');

  const startedAtMs = clock();
  const ledger = new CostLedger(startedAtMs);
  const pricer = new TokenPricer(card);
  const capacityTracker = new CapacityTracker(card.deployments);
  const warned = new Set<string>();
  const storage = new Map<string, StorageLevel>();
  const reservations = new Map<string, HeldReservation>();
  const heldPairs = new Map<string, { gpu: string; market: string }>();
  let accruedToMs = startedAtMs;
  let shutDown = false;

  const requestCost: Histogram = meter.createHistogram(
    COST_METRIC.requestCost,
    specOptions(COST_METRIC.requestCost, COST_BUCKETS_USD),
  );

  const warnOnce = (key: string, message: string): void => {
    if (warned.has(key)) return;
    warned.add(key);
    logger.warn(`burnrate: ${message}`);
  };

  const unpriced = (
    result: Unpriced,
    subject: string,
    unit: string,
    amount: number,
    attributes: Attributes,
  ): void => {
    warnOnce(
      `${result.reason}|${subject}`,
      `unpriced usage (${result.reason}) for ${subject}: ${result.detail}`,
    );
    ledger.addUnpriced(
      { reason: result.reason, unit, subject, detail: result.detail },
      { ...attributes, [ATTR.unpricedReason]: result.reason, [ATTR.unit]: unit },
      amount,
    );
  };

  /** Accrues storage levels and fixed monthly costs up to `nowMs`. */
  const accrue = (nowMs: number): void => {
    for (const level of storage.values()) accrueStorage(level, nowMs);
    const dt = (nowMs - accruedToMs) / 1000;
    if (dt > 0) {
      for (const f of card.fixed) {
        ledger.addCost(
          'fixed',
          'card',
          { [ATTR.costComponent]: 'fixed', [ATTR.fixedCostName]: f.name, [ATTR.priceSource]: 'card' },
          (f.usdPerMonth * dt) / SECONDS_PER_MONTH,
        );
      }
      accruedToMs = nowMs;
    }
  };

  const accrueStorage = (level: StorageLevel, nowMs: number): void => {
    const dt = (nowMs - level.lastMs) / 1000;
    if (dt <= 0) return;
    level.lastMs = nowMs;
    if (level.bytes <= 0) return;
    const price = storagePrice(card, level.storageClass);
    if (!price) return;
    const usd = ((level.bytes / BYTES_PER_GB) * price.usdPerGbMonth * dt) / SECONDS_PER_MONTH;
    ledger.addCost(
      'storage',
      price.origin,
      {
        ...level.attributes,
        [ATTR.costComponent]: 'storage',
        [ATTR.storageClass]: level.storageClass,
        [ATTR.priceSource]: price.origin,
      },
      usd,
    );
  };

  const onLlm = (record: LlmUsageRecord): void => {
    const now = clock();
    capacityTracker.observe(record, now);
    const base: Attributes = {
      ...record.attributes,
      [ATTR.providerName]: record.provider,
      [ATTR.requestModel]: record.requestModel,
    };
    if (record.responseModel !== undefined) base[ATTR.responseModel] = record.responseModel;
    const tokens = {
      input: record.usage.input,
      cacheRead: record.usage.cacheRead,
      cacheWrite: record.usage.cacheWrite,
      output: record.usage.output,
      reasoning: record.usage.reasoning,
    };
    const model = record.responseModel ?? record.requestModel;
    if (record.usageSource === 'missing') {
      // Failed non-streaming calls (429, 500) were not billed; a stream that ended without usage was.
      if (record.errorType !== undefined && !record.streaming) {
        ledger.addLlmCall(record.provider, model, tokens, undefined);
        return;
      }
      ledger.addLlmCall(record.provider, model, tokens, undefined);
      unpriced(
        {
          kind: 'unpriced',
          reason: 'usage_missing',
          detail:
            'the provider sent no usage (stream without include_usage, or cut off); the call was billed but its tokens are unknown',
        },
        `${record.provider}/${model}`,
        'request',
        1,
        base,
      );
      return;
    }
    const result = pricer.price(record);
    if (result.kind === 'unpriced') {
      ledger.addLlmCall(record.provider, model, tokens, undefined);
      const tokenCount = Math.max(0, record.usage.input) + Math.max(0, record.usage.output);
      unpriced(result, `${record.provider}/${model}`, 'token', tokenCount, base);
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
    const batchRule = card.multipliers.find(
      (r) => r.serviceTier === 'batch' && r.provider === result.providerId && r.model === undefined,
    );
    const standardCatalog = result.source !== 'explicit' && result.serviceTier === undefined ? result.usd : 0;
    ledger.addLlmCall(
      record.provider,
      model,
      tokens,
      {
        usd: result.usd,
        standardTierCatalogUsd: standardCatalog,
        ...(batchRule ? { batchFactor: batchRule.factor } : {}),
      },
      record.requestModel,
    );
    const histAttrs: Attributes = {
      ...record.attributes,
      [ATTR.providerName]: record.provider,
      [ATTR.requestModel]: record.requestModel,
      [ATTR.operationName]: record.operation,
      [ATTR.priceSource]: result.source,
    };
    requestCost.record(result.usd, histAttrs);
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
  };

  const onGpu = (record: GpuUsageRecord): void => {
    const result = priceGpu(card, record);
    const attrs: Attributes = {
      ...record.attributes,
      [ATTR.gpuModel]: record.gpu,
      [ATTR.gpuMarket]: record.market,
    };
    if (record.workload !== undefined) attrs[ATTR.workload] = record.workload;
    if (record.model !== undefined) attrs[ATTR.requestModel] = record.model;
    const seconds = Number.isFinite(record.gpuSeconds) && record.gpuSeconds > 0 ? record.gpuSeconds : 0;
    if (record.reservation) {
      if (record.reservation.held && result.kind === 'priced') {
        heldPairs.set(`${record.gpu}|${record.market}`, { gpu: record.gpu, market: record.market });
        reservations.set(record.reservation.id, {
          gpu: record.gpu,
          market: record.market,
          count: record.count,
          usdPerHour: result.usdPerHour,
        });
      } else reservations.delete(record.reservation.id);
    }
    if (result.kind === 'unpriced') {
      unpriced(result, `gpu ${record.gpu}/${record.market}`, 'gpu_second', seconds, attrs);
      return;
    }
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
  };

  const onStorage = (record: StorageUsageRecord): void => {
    const now = clock();
    const attributes: Attributes = { ...record.attributes };
    const key = JSON.stringify([record.storageClass, Object.entries(attributes).sort()]);
    const level = storage.get(key);
    if (level) accrueStorage(level, now);
    const bytes = Number.isFinite(record.bytes) && record.bytes > 0 ? record.bytes : 0;
    storage.set(key, { attributes, storageClass: record.storageClass, bytes, lastMs: level?.lastMs ?? now });
  };

  const onNetwork = (record: NetworkUsageRecord): void => {
    const attrs: Attributes = {
      ...record.attributes,
      [ATTR.networkScope]: record.scope,
      [ATTR.networkDirection]: record.direction,
    };
    const result = priceNetwork(card, record);
    if (result.kind === 'unpriced') {
      unpriced(result, `network ${record.scope}`, 'byte', Math.max(0, record.bytes), attrs);
      return;
    }
    ledger.addCost(
      'network',
      result.source,
      { ...attrs, [ATTR.costComponent]: 'network', [ATTR.priceSource]: result.source },
      result.usd,
    );
  };

  const onCache = (record: CacheUsageRecord): void => {
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
  };

  // Observable instruments read the ledger (cheap hot path; storage and fixed accrue at collection).
  meter
    .createObservableCounter(COST_METRIC.cost, specOptions(COST_METRIC.cost))
    .addCallback((result: ObservableResult) => {
      accrue(clock());
      for (const s of ledger.costSeries()) result.observe(s.value, s.attributes);
    });
  meter
    .createObservableCounter(COST_METRIC.savings, specOptions(COST_METRIC.savings))
    .addCallback((result) => {
      for (const s of ledger.savingsSeries()) result.observe(s.value, s.attributes);
    });
  meter
    .createObservableCounter(COST_METRIC.unpricedUsage, specOptions(COST_METRIC.unpricedUsage))
    .addCallback((result) => {
      for (const s of ledger.unpricedSeries()) result.observe(s.value, s.attributes);
    });
  meter
    .createObservableGauge(COST_METRIC.gpuHourlyCost, specOptions(COST_METRIC.gpuHourlyCost))
    .addCallback((result) => {
      const sums = new Map<string, { gpu: string; market: string; usd: number }>();
      // Pairs held before report 0 once released (the gauge keeps its last value otherwise).
      for (const [key, pair] of heldPairs) sums.set(key, { ...pair, usd: 0 });
      for (const r of reservations.values()) {
        const key = `${r.gpu}|${r.market}`;
        const s = sums.get(key) ?? { gpu: r.gpu, market: r.market, usd: 0 };
        s.usd += r.count * r.usdPerHour;
        sums.set(key, s);
      }
      for (const s of sums.values())
        result.observe(s.usd, { [ATTR.gpuModel]: s.gpu, [ATTR.gpuMarket]: s.market });
    });
  meter
    .createObservableGauge(COST_METRIC.budgetLimit, specOptions(COST_METRIC.budgetLimit))
    .addCallback((result) => {
      for (const b of card.budgets)
        result.observe(b.amountUsd, { [ATTR.budget]: b.name, [ATTR.budgetWindow]: b.window });
    });
  meter
    .createObservableGauge(COST_METRIC.price, specOptions(COST_METRIC.price))
    .addCallback((result) => observePrices(card, result));
  meter
    .createObservableGauge(COST_METRIC.priceCardInfo, specOptions(COST_METRIC.priceCardInfo))
    .addCallback((result) => {
      result.observe(1, {
        [ATTR.catalogVersion]: card.catalogVersion,
        [ATTR.cardChecksum]: card.checksum,
        [ATTR.cardDefaultsAsOf]: card.defaultsAsOf,
      });
    });
  meter
    .createObservableGauge(COST_METRIC.requiredInstances, specOptions(COST_METRIC.requiredInstances))
    .addCallback((result) => {
      for (const c of capacityTracker.current(clock()))
        result.observe(c.requiredInstances, { [ATTR.deployment]: c.deployment });
    });

  return {
    priceCard: card,
    ledger,
    onUsage(record: UsageRecord): void {
      if (shutDown) return;
      try {
        switch (record.kind) {
          case 'llm':
            onLlm(record);
            break;
          case 'gpu':
            onGpu(record);
            break;
          case 'storage':
            onStorage(record);
            break;
          case 'network':
            onNetwork(record);
            break;
          case 'cache':
            onCache(record);
            break;
          case 'revenue':
            ledger.addRevenue(record.usd);
            break;
        }
      } catch (error) {
        warnOnce(
          `error|${String(error)}`,
          `cost processor failed on a ${record.kind} record: ${String(error)}`,
        );
      }
    },
    priceLlmCall(record: LlmUsageRecord): TokenPriceResult {
      return pricer.price(record);
    },
    report(): CostReport {
      const now = clock();
      accrue(now);
      return buildReport(card, ledger.snapshot(), now);
    },
    capacity(): DeploymentCapacity[] {
      return capacityTracker.current(clock());
    },
    async forceFlush(): Promise<void> {
      accrue(clock());
    },
    async shutdown(): Promise<void> {
      accrue(clock());
      shutDown = true;
    },
  };
}

function observePrices(card: PriceCard, result: ObservableResult): void {
  const source = (origin: string): Attributes => ({ [ATTR.priceSource]: origin });
  for (const m of card.models) {
    const kinds: [string, number][] = [
      ['input', m.prices.input],
      ['cached_input', m.prices.cachedInput],
      ['cache_write', m.prices.cacheWrite],
      ['output', m.prices.output],
    ];
    for (const [kind, per1M] of kinds) {
      result.observe(per1M / 1_000_000, {
        ...source('explicit'),
        [ATTR.pricedModel]: m.pattern,
        [ATTR.tokenKind]: kind,
        [ATTR.unit]: 'token',
      });
    }
  }
  for (const [gpu, markets] of Object.entries(card.gpu)) {
    for (const [market, price] of Object.entries(markets)) {
      if (!price) continue;
      result.observe(price.usdPerHour, {
        ...source(price.origin),
        [ATTR.gpuModel]: gpu,
        [ATTR.gpuMarket]: market,
        [ATTR.unit]: 'gpu_hour',
      });
    }
  }
  for (const [cls, p] of Object.entries(card.storage)) {
    result.observe(p.usdPerGbMonth, {
      ...source(p.origin),
      [ATTR.storageClass]: cls,
      [ATTR.unit]: 'gb_month',
    });
  }
  for (const [scope, p] of Object.entries(card.network)) {
    for (const direction of ['transmit', 'receive'] as const) {
      result.observe(p[direction], {
        ...source(p.origin),
        [ATTR.networkScope]: scope,
        [ATTR.networkDirection]: direction,
        [ATTR.unit]: 'gb',
      });
    }
  }
  for (const f of card.fixed) {
    result.observe(f.usdPerMonth, { ...source('card'), [ATTR.fixedCostName]: f.name, [ATTR.unit]: 'month' });
  }
}
