import type { GpuMarket, GpuUsageRecord, NetworkUsageRecord } from '@burnrate/sdk';
import { normalizeGpuModel } from '../../price-card/default-gpu-prices.js';
import type { GpuPrice, PriceCard } from '../../price-card/types.js';
import type { GpuPriceResult, NetworkPriceResult } from './types.js';

/** Bytes in a GB as burnrate bills storage and network (decimal, like cloud price lists' "GB"). */
export const BYTES_PER_GB = 1e9;
/** Seconds in the 30-day month used for storage and fixed monthly costs. */
export const SECONDS_PER_MONTH = 30 * 86_400;

/**
 * Finds the card's GPU key for a GPU model: exact normalized name, else the longest known prefix
 * before a `-` (`h100-sxm` → `h100`), also without form factor and memory type as nvidia-smi
 * prints them (`NVIDIA A100-SXM4-80GB` → `a100-80gb`, `Tesla T4` → `t4`). Undefined when none matches.
 */
export function resolveGpuKey(card: PriceCard, gpu: string): string | undefined {
  const normalized = normalizeGpuModel(gpu);
  for (const candidate of new Set([normalized, withoutFormFactor(normalized)])) {
    let key = candidate;
    for (;;) {
      if (card.gpu[key] !== undefined) return key;
      const dash = key.lastIndexOf('-');
      if (dash <= 0) break;
      key = key.slice(0, dash);
    }
  }
  return undefined;
}

/**
 * Drops what nvidia-smi names carry beside the model and memory — form factor, memory type, the
 * old Tesla brand — so `NVIDIA A100-SXM4-80GB` prices as `a100-80gb` and `Tesla T4` as `t4`.
 */
function withoutFormFactor(key: string): string {
  return key
    .replace(/^tesla-/, '')
    .split('-')
    .filter((part) => !/^(sxm\d*|pcie|hbm\d*e?|nvl|mig)$/.test(part))
    .join('-');
}

/** The GPU-hour price for a GPU model and market, if the card has one. */
export function gpuHourPrice(card: PriceCard, gpu: string, market: GpuMarket): GpuPrice | undefined {
  const key = resolveGpuKey(card, gpu);
  return key === undefined ? undefined : card.gpu[key]?.[market];
}

/**
 * Prices GPU time: GPU-seconds × $/h ÷ 3600 for the record's GPU model and market; savings against
 * on-demand for spot and reserved. Never throws.
 */
export function priceGpu(card: PriceCard, record: GpuUsageRecord): GpuPriceResult {
  const key = resolveGpuKey(card, record.gpu);
  if (key === undefined) {
    const known = Object.keys(card.gpu).filter((k) => k.startsWith(normalizeGpuModel(record.gpu)));
    return {
      kind: 'unpriced',
      reason: 'unknown_gpu',
      detail: `GPU "${record.gpu}" has no price; add \`gpu: { ${normalizeGpuModel(record.gpu)}: { ${record.market}: <USD per GPU-hour> } }\` to the price card${known.length > 0 ? ` or report the GPU as one of ${known.join(', ')}` : ''}`,
    };
  }
  const price = card.gpu[key]?.[record.market];
  if (!price) {
    return {
      kind: 'unpriced',
      reason: 'no_price_for_market',
      detail: `GPU "${key}" has no ${record.market} price; add \`gpu: { ${key}: { ${record.market}: <USD per GPU-hour> } }\` to the price card`,
    };
  }
  const seconds = Number.isFinite(record.gpuSeconds) && record.gpuSeconds > 0 ? record.gpuSeconds : 0;
  const usd = (seconds * price.usdPerHour) / 3600;
  const onDemand = card.gpu[key]?.on_demand;
  const savingsUsd =
    record.market !== 'on_demand' && onDemand && onDemand.usdPerHour > price.usdPerHour
      ? (seconds * (onDemand.usdPerHour - price.usdPerHour)) / 3600
      : 0;
  return {
    kind: 'priced',
    usd,
    source: price.origin,
    matchedGpu: key,
    usdPerHour: price.usdPerHour,
    savingsUsd,
  };
}

/** Prices network bytes by scope and direction (USD per GB, 1e9 bytes). Never throws. */
export function priceNetwork(card: PriceCard, record: NetworkUsageRecord): NetworkPriceResult {
  const price = card.network[record.scope];
  if (!price) {
    return {
      kind: 'unpriced',
      reason: 'unknown_network_scope',
      detail: `network scope "${record.scope}" has no price; add \`network: { ${record.scope}: <USD per GB> }\` to the price card (known: ${Object.keys(card.network).join(', ')})`,
    };
  }
  const usdPerGb = record.direction === 'receive' ? price.receive : price.transmit;
  const bytes = Number.isFinite(record.bytes) && record.bytes > 0 ? record.bytes : 0;
  return { kind: 'priced', usd: (bytes / BYTES_PER_GB) * usdPerGb, source: price.origin, usdPerGb };
}

/** USD per GB-month for a storage class: its own price, else the card's `default` class. */
export function storagePrice(
  card: PriceCard,
  storageClass: string,
): { usdPerGbMonth: number; origin: 'card' | 'default' } | undefined {
  return card.storage[storageClass] ?? card.storage['default'];
}
