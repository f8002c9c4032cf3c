/** Where a token price came from, in resolution order. */
export type TokenPriceSource = 'explicit' | 'multiplier' | 'catalog';

/** Where any price came from: token sources, or `card` / `default` for GPU, storage, network, fixed. */
export type PriceSource = TokenPriceSource | 'card' | 'default';

/** Why usage could not be priced. Never priced at $0 silently: counted in `burnrate.unpriced.usage`. */
export type UnpricedReason =
  | 'unknown_provider'
  | 'unknown_model'
  | 'unknown_service_tier'
  | 'catalog_error'
  | 'usage_missing'
  | 'unknown_gpu'
  | 'no_price_for_market'
  | 'unknown_network_scope'
  /** Images, audio seconds, characters, tool calls or containers with no unit price. */
  | 'unknown_unit_price';

/** A price that could not be found, with a human explanation including the fix. */
export interface Unpriced {
  kind: 'unpriced';
  reason: UnpricedReason;
  /** What was not priced and how to price it. */
  detail: string;
}

/** The priced cost of one LLM call. */
export interface TokenPriced {
  kind: 'priced';
  /** Total USD for the call. */
  usd: number;
  source: TokenPriceSource;
  /** The explicit entry's pattern or the catalog model id that matched. */
  matchedModel: string;
  /** The genai-prices provider id used, when known. */
  providerId?: string;
  /**
   * Names of the rules applied: multipliers (negotiated discounts, service tier) and shipped catalog
   * corrections (`catalog-correction:…`, see `data/catalog-corrections.json`).
   */
  appliedRules: string[];
  /** Normalized service tier (`flex`, `batch`, `priority`, ...) or undefined for standard. */
  serviceTier?: string;
  /** USD saved by prompt caching: cached tokens × (input price − cache-read price). */
  promptCacheSavingsUsd: number;
  /** USD saved by a discounted service tier (batch, flex): the standard price minus what was paid. */
  serviceTierSavingsUsd: number;
}

/** Result of pricing an LLM call. */
export type TokenPriceResult = TokenPriced | Unpriced;

/** The priced cost of GPU time. */
export interface GpuPriced {
  kind: 'priced';
  usd: number;
  source: 'card' | 'default';
  /** The GPU key in the card that matched (e.g. `a100-80gb`). */
  matchedGpu: string;
  usdPerHour: number;
  /** USD saved against on-demand (spot / reserved), 0 when on-demand or unknown. */
  savingsUsd: number;
}

/** Result of pricing GPU time. */
export type GpuPriceResult = GpuPriced | Unpriced;

/** The priced cost of network bytes. */
export interface NetworkPriced {
  kind: 'priced';
  usd: number;
  source: 'card' | 'default';
  usdPerGb: number;
}

/** Result of pricing network bytes. */
export type NetworkPriceResult = NetworkPriced | Unpriced;
