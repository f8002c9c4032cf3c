import type { GpuMarket } from '@burnrate/sdk';
import { normalizeGpuModel as sdkNormalizeGpuModel } from '@burnrate/sdk';
import defaults from '../../data/gpu-prices.json' with { type: 'json' };

/** The shipped default unit prices (DESIGN §4), with their sources and date. */
export interface DefaultUnitPrices {
  /** Date the prices were checked (YYYY-MM-DD). */
  asOf: string;
  /** Where the numbers come from. */
  sources: readonly string[];
  /** USD per GPU-hour by normalized GPU model and market. */
  gpus: Readonly<Record<string, Partial<Record<GpuMarket, number>>>>;
  /** USD per GB-month by storage class (`default` for any class). */
  storage: Readonly<Record<string, number>>;
  /** USD per GB by network scope and direction. */
  network: Readonly<Record<string, { transmit: number; receive: number }>>;
}

/** Returns the shipped default GPU, storage and network prices (`data/gpu-prices.json`). */
export function defaultUnitPrices(): DefaultUnitPrices {
  return {
    asOf: defaults.asOf,
    sources: [...defaults.sources, defaults.storage.source, defaults.network.source],
    gpus: defaults.gpus,
    storage: defaults.storage.classes,
    network: defaults.network.scopes,
  };
}

/** Normalizes a GPU model name (the sdk's rule, so records and card keys agree). */
export const normalizeGpuModel: (gpu: string) => string = sdkNormalizeGpuModel;
