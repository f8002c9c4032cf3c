import type { Attributes } from '@burnrate/sdk';
import { ATTR, COST_METRIC, specOptions } from '@burnrate/semconv';
import type { Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import type { CapacityTracker } from '../../capacity/capacity-tracker.js';
import type { PriceCard } from '../../price-card/types.js';
import type { CostLedger } from '../ledger/ledger.js';
import type { HeldGpus } from './held-gpus.js';
import type { CallCostSink } from './record-costs.js';

/** What the dollar instruments read at collection time. */
export interface CostInstrumentSources {
  card: PriceCard;
  ledger(): CostLedger;
  heldGpus: HeldGpus;
  capacity: CapacityTracker;
  /** Accrues storage and fixed costs up to now (called before the cost series are read). */
  accrueNow(): void;
  nowMs(): number;
}

/**
 * Creates the dollar instruments of the contract on `meter`. Counters are observable and read the
 * ledger at collection (a Map add per record instead of a Counter.add with attribute hashing);
 * only the per-call cost histogram is recorded per call.
 */
export function createCostInstruments(meter: Meter, src: CostInstrumentSources): CallCostSink {
  const requestCost: Histogram = meter.createHistogram(
    COST_METRIC.requestCost,
    specOptions(COST_METRIC.requestCost),
  );
  meter.createObservableCounter(COST_METRIC.cost, specOptions(COST_METRIC.cost)).addCallback((result) => {
    src.accrueNow();
    for (const s of src.ledger().costSeries()) result.observe(s.value, s.attributes);
  });
  meter
    .createObservableCounter(COST_METRIC.savings, specOptions(COST_METRIC.savings))
    .addCallback((result) => {
      for (const s of src.ledger().savingsSeries()) result.observe(s.value, s.attributes);
    });
  meter
    .createObservableCounter(COST_METRIC.unpricedUsage, specOptions(COST_METRIC.unpricedUsage))
    .addCallback((result) => {
      for (const s of src.ledger().unpricedSeries()) result.observe(s.value, s.attributes);
    });
  meter
    .createObservableGauge(COST_METRIC.gpuHourlyCost, specOptions(COST_METRIC.gpuHourlyCost))
    .addCallback((result) => src.heldGpus.observe((usd, attrs) => result.observe(usd, attrs)));
  meter
    .createObservableGauge(COST_METRIC.budgetLimit, specOptions(COST_METRIC.budgetLimit))
    .addCallback((result) => {
      for (const b of src.card.budgets)
        result.observe(b.amountUsd, { [ATTR.budget]: b.name, [ATTR.budgetWindow]: b.window });
    });
  meter
    .createObservableGauge(COST_METRIC.price, specOptions(COST_METRIC.price))
    .addCallback((result) => observePrices(src.card, result));
  meter
    .createObservableGauge(COST_METRIC.priceCardInfo, specOptions(COST_METRIC.priceCardInfo))
    .addCallback((result) => {
      result.observe(1, {
        [ATTR.catalogVersion]: src.card.catalogVersion,
        [ATTR.cardChecksum]: src.card.checksum,
        [ATTR.cardDefaultsAsOf]: src.card.defaultsAsOf,
      });
    });
  meter
    .createObservableGauge(COST_METRIC.requiredInstances, specOptions(COST_METRIC.requiredInstances))
    .addCallback((result) => {
      for (const c of src.capacity.current(src.nowMs()))
        result.observe(c.requiredInstances, { [ATTR.deployment]: c.deployment });
    });
  return { recordCallCost: (usd, attributes) => requestCost.record(usd, attributes) };
}

/** The price card as `burnrate.price.usd` series: explicit token prices, GPU, storage, network, fixed. */
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
