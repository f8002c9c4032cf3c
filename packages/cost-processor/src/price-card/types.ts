import type { GpuMarket } from '@burnrate/sdk';
import type { SelectorMatcher } from './label-selector.js';
import type { UnitPriceTable } from './unit-prices.js';

/** Where a non-token price came from: the user's card or burnrate's shipped defaults. */
export type UnitPriceOrigin = 'card' | 'default';

/** USD per 1,000,000 tokens, by token kind. */
export interface TokenPricesPer1M {
  /** Uncached input tokens. */
  input: number;
  /** Input tokens read from the prompt cache. Defaults to `input`. */
  cachedInput: number;
  /** Input tokens written to the prompt cache. Defaults to `input`. */
  cacheWrite: number;
  /** Output tokens, reasoning included. */
  output: number;
}

/** An explicit per-model price from the card. */
export interface ExplicitModelPrice {
  /** Model name or glob (`*` matches any run of characters), matched case-insensitively. */
  pattern: string;
  /** Only for this catalog provider id (after provider mapping), when set. */
  provider?: string;
  /** Prices per 1M tokens (converted from per-1K when the card said `per_tokens: 1000`). */
  prices: TokenPricesPer1M;
  /** Prices for calls whose input tokens exceed `thresholdTokens`. */
  longContext?: { thresholdTokens: number; prices: TokenPricesPer1M };
}

/** A multiplier on token prices: negotiated discount or service tier. */
export interface MultiplierRule {
  /** Rule name (defaults to a description of its match). */
  name: string;
  /** Model glob, matched against the requested, response and catalog model names. */
  model?: string;
  /** Catalog provider id (or raw record provider) the rule is limited to. */
  provider?: string;
  /** Service tier the rule applies to; rules without one are discounts on the catalog price. */
  serviceTier?: string;
  /** Factor applied to the price. */
  factor: number;
  /** The rule does not apply to calls with more input tokens than this. */
  maxInputTokens?: number;
  /** `card` for the user's rules, `default` for the shipped service-tier table. */
  origin: UnitPriceOrigin;
}

/** USD per GPU-hour for one market. */
export interface GpuPrice {
  usdPerHour: number;
  origin: UnitPriceOrigin;
}

/** A budget, normalized. Alert rules are generated from these. */
export interface Budget {
  /** Unique name, usable as a Prometheus label value. */
  name: string;
  /** Amount in USD for one window. */
  amountUsd: number;
  /** The window as written, e.g. `30d`, `7d`, `1d`, `12h` (a Prometheus duration). */
  window: string;
  /**
   * The window in seconds. For a calendar window its nominal length (day 86400, week 604800,
   * month 30 days), which the generated Prometheus rules measure over (docs/budgets-calendar-windows.md).
   */
  windowSeconds: number;
  /**
   * Set for a calendar window (`window: day | week | month`): spend resets at local midnight in
   * `timeZone` (IANA, default `UTC`) on every day, every Monday or every 1st. Absent for rolling windows.
   */
  calendar?: { unit: 'day' | 'week' | 'month'; timeZone: string };
  /** Attribute matchers (all must match), e.g. `{ feature: 'search' }`; empty for all spend. */
  scope: Record<string, string>;
  /** Fractions of the amount that alert, ascending; default `[0.5, 0.8, 1.0]`. */
  thresholds: number[];
  /** What happens in process to a call that would not fit (the card's `enforce`); absent: alerts only. */
  enforce?: BudgetEnforcement;
}

/**
 * A budget's enforcement (docs/budgets-enforcement.md), a tagged union on `action`: `block` rejects a
 * call that does not fit with a `BudgetExceededError`; `downgrade` sends it to `downgradeTo`;
 * `cap_output` lowers its output cap to what fits (at most `maxOutputTokens` when set); `warn` only
 * records the decision.
 */
export type BudgetEnforcement = {
  /**
   * Output tokens a call that sets no output cap is assumed to produce, for its estimate.
   * @default 4096
   */
  defaultMaxOutputTokens: number;
} & (
  | { action: 'block' }
  | { action: 'downgrade'; downgradeTo: string }
  | { action: 'cap_output'; maxOutputTokens?: number }
  | { action: 'warn' }
);

/**
 * Where budgets read the fleet's spend (`budgets_source` in the card): every replica queries
 * Prometheus for the spend of all replicas, so N replicas share one budget.
 */
export interface BudgetsSource {
  /** Base URL of Prometheus' HTTP API, e.g. `http://prometheus:9090`. */
  prometheusUrl: string;
  /** Seconds between two reads (default 30). */
  refreshSeconds: number;
  /** `open` (default): unreachable Prometheus → local spend; `closed`: block budget-enforced calls. */
  fail: 'open' | 'closed';
}

/** A serving engine whose Prometheus metrics the deployment rules read. */
export type ServingEngine = 'vllm' | 'sglang' | 'tgi';

/** The GPUs a deployment holds, priced from the card's GPU table. */
export interface DeploymentGpu {
  /** Normalized GPU model (a key of {@link PriceCard.gpu}), e.g. `l4`. */
  model: string;
  /** GPUs held by the deployment (all of its replicas together). */
  count: number;
  /** Market they are bought on (default `on_demand`). */
  market: GpuMarket;
  /** USD per GPU-hour for that model and market. */
  usdPerGpuHour: number;
  /** Whether the price is the card's or the shipped default. */
  origin: UnitPriceOrigin;
  /**
   * Selector of the GPUs' utilization series (DCGM exporter or burnrate's nvidia-smi sampler), e.g.
   * `{job="dcgm",Hostname="gpu-1"}`; absent: those series are looked up with the server's selector.
   */
  selector?: string;
  /** The selector's matchers, when there is one. */
  matchers?: readonly SelectorMatcher[];
}

/** The serving engine of a deployment and the selector of its scraped series. */
export interface DeploymentServer {
  engine: ServingEngine;
  /** Normalized label selector, e.g. `{job="vllm-llama"}`. */
  selector: string;
  /** The selector's matchers, in order. */
  matchers: readonly SelectorMatcher[];
}

/** Alert settings of a deployment. */
export interface DeploymentAlerts {
  /** Alert when idle dollars exceed this fraction of the deployment's cost (default 0.5). */
  idleShare: number;
  /** ... for this long (a Prometheus duration, default `1h`). */
  idleFor: string;
  /** Alert when the capacity formula needs more instances than it has for this long (default `15m`). */
  capacityFor: string;
}

/** A serving deployment: capacity plan and, with `gpu` and `server`, self-hosted cost rules. */
export interface Deployment {
  name: string;
  /** Requests served concurrently per instance. */
  batchSize: number;
  /** Target utilization in (0, 1]. */
  utilizationTarget: number;
  /** Request model the deployment serves; all LLM calls when absent. */
  model?: string;
  /** Attribute matchers on the calls' caller attributes. */
  scope: Record<string, string>;
  /** Sliding window over which QPS and latency are observed, seconds (default 60). */
  windowSeconds: number;
  /** The GPUs it holds; absent for a deployment declared only for capacity planning. */
  gpu?: DeploymentGpu;
  /** The engine serving it; the GPU side of its cost comes from the engine's own metrics. */
  server?: DeploymentServer;
  /** Idle and capacity alert settings (defaults filled in). */
  alerts: DeploymentAlerts;
}

/** A fixed monthly cost, accrued per second of a 30-day month. */
export interface FixedCost {
  name: string;
  usdPerMonth: number;
}

/** Network price per GB (1e9 bytes) by direction. */
export interface NetworkPrice {
  transmit: number;
  receive: number;
  origin: UnitPriceOrigin;
}

/** A loaded, validated and normalized price card. All prices in USD. */
export interface PriceCard {
  /** Marks a loaded card. */
  readonly schema: 'burnrate.price-card/v1';
  /** Always `USD`: burnrate prices in US dollars only. */
  readonly currency: 'USD';
  /** Explicit per-model prices, exact names first, then globs in card order. */
  readonly models: readonly ExplicitModelPrice[];
  /** Model aliases (exact or glob) → the model whose price applies, e.g. a fine-tune → its base. */
  readonly aliases: readonly { pattern: string; target: string }[];
  /** Record provider (e.g. a host such as `127.0.0.1` or `llm-gateway.internal`) → catalog provider id. */
  readonly providers: Readonly<Record<string, string>>;
  /** Multiplier rules: the card's first, then the shipped service-tier defaults. */
  readonly multipliers: readonly MultiplierRule[];
  /** USD per GPU-hour by normalized GPU model and market (card merged over defaults). */
  readonly gpu: Readonly<Record<string, Partial<Record<GpuMarket, GpuPrice>>>>;
  /** USD per GB-month (1e9 bytes, 30-day month) by storage class; `default` applies to other classes. */
  readonly storage: Readonly<Record<string, { usdPerGbMonth: number; origin: UnitPriceOrigin }>>;
  /** USD per GB by network scope. */
  readonly network: Readonly<Record<string, NetworkPrice>>;
  readonly fixed: readonly FixedCost[];
  readonly budgets: readonly Budget[];
  /** Where budgets read the fleet's spend; absent: each process counts its own spend. */
  readonly budgetsSource?: BudgetsSource;
  readonly deployments: readonly Deployment[];
  /** `@pydantic/genai-prices` version whose catalog prices tokens. */
  readonly catalogVersion: string;
  /** Date of the shipped GPU/storage/network defaults (YYYY-MM-DD). */
  readonly defaultsAsOf: string;
  /** First 16 hex digits of the SHA-256 of the normalized card. */
  readonly checksum: string;
  /**
   * USD per kWh of GPU energy; absent: energy is not priced (a cloud GPU-hour price includes power).
   * Priced energy is GPU cost (component `gpu`, `burnrate.unit` = `kwh`).
   */
  readonly energy?: { usdPerKwh: number };
  /**
   * Prices in units other than tokens (images, audio, characters, tool calls, containers): the
   * card's `unit_prices` over the shipped OpenAI table. Absent when the card has no `unit_prices`
   * (the shipped table applies).
   */
  readonly unitPrices?: UnitPriceTable;
}
