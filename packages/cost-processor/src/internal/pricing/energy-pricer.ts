import type { Attributes, EnergyUsageRecord } from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import { normalizeGpuModel } from '../../price-card/default-gpu-prices.js';
import type { PriceCard } from '../../price-card/types.js';
import { resolveGpuKey } from './unit-pricers.js';

/** Joules in a kilowatt-hour. */
export const JOULES_PER_KWH = 3_600_000;

/** Priced GPU energy: its dollars and the attributes of its `burnrate.cost.usd` series. */
export interface EnergyPriced {
  usd: number;
  kwh: number;
  usdPerKwh: number;
  attributes: Attributes;
}

/**
 * Prices an energy record at the card's `energy.usd_per_kwh`: joules ÷ 3.6e6 × $/kWh, as GPU cost
 * (component `gpu`, `burnrate.unit` = `kwh`, the GPU model when the record names one). Undefined
 * when the card prices no energy: then power is in the GPU-hour price (cloud), not unpriced usage.
 */
export function priceEnergy(card: PriceCard, record: EnergyUsageRecord): EnergyPriced | undefined {
  const price = card.energy;
  if (!price || !(Number.isFinite(record.joules) && record.joules > 0)) return undefined;
  const kwh = record.joules / JOULES_PER_KWH;
  const attributes: Attributes = {
    ...record.attributes,
    [ATTR.costComponent]: 'gpu',
    [ATTR.priceSource]: 'card',
    [ATTR.unit]: 'kwh',
  };
  if (record.gpu !== undefined) {
    attributes[ATTR.gpuModel] = resolveGpuKey(card, record.gpu) ?? normalizeGpuModel(record.gpu);
  }
  return { usd: kwh * price.usdPerKwh, kwh, usdPerKwh: price.usdPerKwh, attributes };
}
