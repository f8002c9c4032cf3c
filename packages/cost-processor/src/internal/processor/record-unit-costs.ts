import type { Attributes, LlmUsageRecord } from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import type { PriceCard } from '../../price-card/types.js';
import type { CostLedger } from '../ledger/ledger.js';
import type { Unpriced } from '../pricing/types.js';
import { priceUnits, tableOf, type UnitPricing } from '../pricing/unit-pricer.js';

/** Counts unpriced usage (the processor's own, which warns once per reason and subject). */
export type CountUnpriced = (
  result: Unpriced,
  subject: string,
  unit: string,
  amount: number,
  attributes: Attributes,
) => void;

/**
 * Prices a call's units other than tokens and writes them: dollars on `burnrate.cost.usd`
 * (component `api`, the unit price's source `card` or `default`, `burnrate.price.model` naming what
 * priced them), and units without a price on `burnrate.unpriced.usage` in their own unit. Returns
 * the pricing, whose `usd` the caller adds to the call's cost.
 *
 * @param base the call's caller attributes with its provider and models.
 */
export function recordUnitCosts(
  card: PriceCard,
  ledger: CostLedger,
  record: LlmUsageRecord,
  tokensReported: boolean,
  base: Attributes,
  countUnpriced: CountUnpriced,
): UnitPricing {
  const pricing = priceUnits(tableOf(card), card, record, tokensReported);
  for (const c of pricing.charges) {
    const attrs: Attributes = { ...base };
    attrs[ATTR.costComponent] = 'api';
    attrs[ATTR.priceSource] = c.source;
    attrs[ATTR.pricedModel] = c.matched;
    ledger.addCost('api', c.source, attrs, c.usd);
  }
  const model = record.responseModel ?? record.requestModel;
  for (const u of pricing.unpriced) {
    countUnpriced(u.result, `${record.provider}/${model} (${u.unit})`, u.unit, u.amount, base);
  }
  return pricing;
}
