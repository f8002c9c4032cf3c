import type { LlmUsageRecord, TokenUsage } from '@burnrate/sdk';
import { isGlob, matchesPattern } from '@burnrate/semconv';
import type {
  ExplicitModelPrice,
  MultiplierRule,
  PriceCard,
  TokenPricesPer1M,
} from '../../price-card/types.js';
import { type CatalogTokens, evaluateCatalogPlan } from './catalog-price-plan.js';
import {
  type CatalogModel,
  GENAI_PRICES_CATALOG,
  hasModalityTokens,
  type PriceCatalog,
  toCatalogTokens,
  toCatalogUsage,
} from './genai-prices-adapter.js';
import { ResolutionMemo } from './resolution-memo.js';
import type { TokenPriced, TokenPriceResult, Unpriced } from './types.js';

/**
 * Resolutions the pricer keeps (see {@link ResolutionMemo}): one per provider, request model,
 * response model and service tier seen. A few hundred bytes each, so at most about 2 MB.
 */
export const PRICE_MEMO_LIMIT = 4096;

/** Service tiers that mean "standard price". */
const STANDARD_TIERS: ReadonlySet<string> = new Set([
  '',
  'default',
  'auto',
  'standard',
  'standard_only',
  'on_demand',
]);

/** Normalizes a reported service tier; undefined for standard processing. */
export function normalizeServiceTier(tier: string | undefined): string | undefined {
  const t = (tier ?? '').trim().toLowerCase();
  return STANDARD_TIERS.has(t) ? undefined : t;
}

/**
 * USD for `usage` at explicit per-1M prices, long-context tier applied per call. A card price has one
 * cache-write price, so 1-hour cache writes (`cacheWrite1h`) are charged at it too.
 */
export function explicitCost(usage: TokenUsage, entry: ExplicitModelPrice): number {
  const u = toCatalogUsage(usage);
  const input = u.input_tokens ?? 0;
  const prices: TokenPricesPer1M =
    entry.longContext && input > entry.longContext.thresholdTokens ? entry.longContext.prices : entry.prices;
  const cacheRead = u.cache_read_tokens ?? 0;
  const cacheWrite = u.cache_write_tokens ?? 0;
  const uncached = input - cacheRead - cacheWrite;
  return (
    (uncached * prices.input +
      cacheRead * prices.cachedInput +
      cacheWrite * prices.cacheWrite +
      (u.output_tokens ?? 0) * prices.output) /
    1_000_000
  );
}

/**
 * {@link explicitCost} from token counts already cleaned by `toCatalogTokens` (the same numbers
 * `toCatalogUsage` gives, without building its object): the same operations in the same order.
 */
function explicitUsd(t: CatalogTokens, entry: ExplicitModelPrice): number {
  const prices: TokenPricesPer1M =
    entry.longContext && t.input > entry.longContext.thresholdTokens
      ? entry.longContext.prices
      : entry.prices;
  const uncached = t.input - t.cacheRead - t.cacheWrite;
  return (
    (uncached * prices.input +
      t.cacheRead * prices.cachedInput +
      t.cacheWrite * prices.cacheWrite +
      t.output * prices.output) /
    1_000_000
  );
}

interface Candidate {
  /** Model name without provider prefix. */
  model: string;
  /** Catalog provider id for it, if known. */
  providerId: string | undefined;
}

/** A multiplier that applies to a resolved model, unless the call has more input than its bound. */
interface BoundedFactor {
  readonly factor: number;
  readonly name: string;
  readonly maxInputTokens: number | undefined;
}

/** The service-tier part of a resolution: standard, a tier rule, or no price for the tier. */
type TierSpec = { readonly kind: 'standard' } | ({ readonly kind: 'rule' } & BoundedFactor) | Unpriced;

/**
 * Everything about pricing a call that does not depend on its token counts or time, resolved once
 * per provider, model names and service tier of the loaded card (immutable, so it is the version).
 * `slow`: the catalog failed while resolving, which may depend on the call; such calls take the
 * unmemoized path.
 */
type Resolution =
  | { readonly kind: 'unpriced'; readonly result: Unpriced }
  | {
      readonly kind: 'explicit';
      readonly entry: ExplicitModelPrice;
      readonly providerId: string | undefined;
      readonly tier: string | undefined;
      readonly tierSpec: TierSpec;
    }
  | {
      readonly kind: 'catalog';
      readonly hit: CatalogModel;
      /** The candidate's provider id and model name, as the unmemoized path asks the catalog. */
      readonly askedProviderId: string;
      readonly askedModel: string;
      readonly discounts: readonly BoundedFactor[];
      readonly tier: string | undefined;
      readonly tierSpec: TierSpec;
    }
  | { readonly kind: 'slow' };

const SLOW: Resolution = { kind: 'slow' };

/** Options of {@link TokenPricer}. */
export interface TokenPricerOptions {
  /** The catalog behind the card. Default: genai-prices ({@link GENAI_PRICES_CATALOG}). */
  catalog?: PriceCatalog;
  /**
   * Resolutions memoized. Default {@link PRICE_MEMO_LIMIT}; 0 turns memoization off, so every call
   * is resolved from the card and priced by genai-prices (the reference the tests compare with).
   */
  memoLimit?: number;
}

/**
 * Prices LLM calls from a price card: explicit price → multiplier on the catalog price → catalog →
 * unpriced. Holds per-instance caches only.
 */
export class TokenPricer {
  readonly #card: PriceCard;
  readonly #catalog: PriceCatalog;
  readonly #memo: ResolutionMemo<Resolution>;
  readonly #memoOn: boolean;
  readonly #regex = new Map<string, RegExp>();
  readonly #hints = new Map<string, string>();
  readonly #batchFactors = new Map<string, number | undefined>();

  /**
   * @param card the loaded price card.
   * @param options the catalog and the memo's size.
   */
  constructor(card: PriceCard, options: TokenPricerOptions = {}) {
    this.#card = card;
    this.#catalog = options.catalog ?? GENAI_PRICES_CATALOG;
    const limit = options.memoLimit ?? PRICE_MEMO_LIMIT;
    this.#memo = new ResolutionMemo(limit);
    this.#memoOn = limit > 0;
  }

  /** Resolutions memoized now (at most the memo limit). */
  get memoSize(): number {
    return this.#memo.size;
  }

  /**
   * The card's batch-tier multiplier for a catalog provider (one for all its models), which the
   * report's batching recommendation uses; looked up once per provider.
   */
  batchFactor(providerId: string | undefined): number | undefined {
    if (providerId === undefined) return undefined;
    if (!this.#batchFactors.has(providerId)) {
      const rule = this.#card.multipliers.find(
        (r) => r.serviceTier === 'batch' && r.provider === providerId && r.model === undefined,
      );
      this.#batchFactors.set(providerId, rule?.factor);
    }
    return this.#batchFactors.get(providerId);
  }

  /** Prices one LLM call. Never throws. */
  price(record: LlmUsageRecord): TokenPriceResult {
    try {
      return (this.#memoOn ? this.#priceMemoized(record) : undefined) ?? this.#price(record);
    } catch (error) {
      return {
        kind: 'unpriced',
        reason: 'catalog_error',
        detail: `pricing ${record.requestModel} failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  #price(record: LlmUsageRecord): TokenPriceResult {
    const candidates = this.#candidates(record);
    const tier = normalizeServiceTier(record.serviceTier);
    const modelNamesForRules = new Set<string>(candidates.map((c) => c.model));

    // 1. Explicit prices: the names as called, then their alias targets.
    for (const c of candidates) {
      for (const model of unique([c.model, this.#aliasOf(c.model)])) {
        const entry = this.#explicit(model, c.providerId);
        if (!entry) continue;
        const base = explicitCost(record.usage, entry);
        const tierRule = this.#tierRule(
          tier,
          c.providerId,
          record.provider,
          [...modelNamesForRules, model],
          record.usage,
        );
        if (tierRule.kind === 'unpriced') return tierRule;
        const noCache = explicitCost(withoutCacheReads(record.usage), entry);
        const out = {
          kind: 'priced' as const,
          usd: base * tierRule.factor,
          source: 'explicit' as const,
          matchedModel: entry.pattern,
          appliedRules: tierRule.name ? [tierRule.name] : [],
          promptCacheSavingsUsd: Math.max(0, (noCache - base) * tierRule.factor),
          serviceTierSavingsUsd: tierRule.factor < 1 ? base * (1 - tierRule.factor) : 0,
        };
        return withOptional(out, c.providerId, tier);
      }
    }

    // 2./3. Catalog, with multipliers.
    let firstMiss: Unpriced | undefined;
    const at = new Date(record.timeMs);
    for (const c of candidates) {
      const model = this.#aliasOf(c.model) ?? c.model;
      if (c.providerId === undefined) {
        firstMiss ??= this.#unknownProvider(record, c);
        continue;
      }
      const hit = this.#catalog.price(record.usage, c.providerId, model, at);
      if (!('usd' in hit)) {
        firstMiss ??=
          hit.kind === 'catalog_error'
            ? { kind: 'unpriced', reason: 'catalog_error', detail: `genai-prices: ${hit.message}` }
            : this.#catalogMiss(hit.kind, model, c.providerId);
        continue;
      }
      const ruleNames = [...modelNamesForRules, model, hit.matchedModel];
      let factor = 1;
      const applied: string[] = hit.correction !== undefined ? [hit.correction] : [];
      for (const rule of this.#card.multipliers) {
        if (rule.serviceTier !== undefined) continue;
        if (!this.#ruleMatches(rule, hit.providerId, record.provider, ruleNames, record.usage)) continue;
        factor *= rule.factor;
        applied.push(rule.name);
      }
      const tierRule = this.#tierRule(tier, hit.providerId, record.provider, ruleNames, record.usage);
      if (tierRule.kind === 'unpriced') return tierRule;
      if (tierRule.name) applied.push(tierRule.name);
      const beforeTier = hit.usd * factor;
      const noCache = this.#catalog.price(withoutCacheReads(record.usage), hit.providerId, model, at);
      const noCacheUsd = 'usd' in noCache ? noCache.usd * factor * tierRule.factor : 0;
      const usd = beforeTier * tierRule.factor;
      const out = {
        kind: 'priced' as const,
        usd,
        source: factor !== 1 || tierRule.factor !== 1 ? ('multiplier' as const) : ('catalog' as const),
        matchedModel: hit.matchedModel,
        appliedRules: applied,
        promptCacheSavingsUsd: Math.max(0, noCacheUsd - usd),
        serviceTierSavingsUsd: tierRule.factor < 1 ? beforeTier * (1 - tierRule.factor) : 0,
      };
      return withOptional(out, hit.providerId, tier);
    }
    return firstMiss ?? noModelName(record);
  }

  /** The models to look up for a record: each name with the record's provider and its own prefix. */
  #candidates(record: LlmUsageRecord): Candidate[] {
    const recordProviderId = this.#catalog.resolveProvider(record.provider, this.#card.providers);
    const names = unique([record.responseModel, record.requestModel]);
    const candidates: Candidate[] = [];
    for (const name of names) {
      const slash = name.indexOf('/');
      if (recordProviderId !== undefined) candidates.push({ model: name, providerId: recordProviderId });
      if (slash > 0) {
        const prefixProvider = this.#catalog.resolveProvider(name.slice(0, slash), this.#card.providers);
        if (prefixProvider !== undefined)
          candidates.push({ model: name.slice(slash + 1), providerId: prefixProvider });
      }
      if (recordProviderId === undefined && slash <= 0)
        candidates.push({ model: name, providerId: undefined });
    }
    return candidates;
  }

  #unknownProvider(record: LlmUsageRecord, c: Candidate): Unpriced {
    return {
      kind: 'unpriced',
      reason: 'unknown_provider',
      detail: `provider "${record.provider}" is not in the genai-prices ${this.#card.catalogVersion} catalog; map it with \`providers: { "${record.provider}": openai }\` or price "${c.model}" under \`models:\``,
    };
  }

  #catalogMiss(kind: 'unknown_provider' | 'unknown_model', model: string, providerId: string): Unpriced {
    return {
      kind: 'unpriced',
      reason: kind,
      detail:
        kind === 'unknown_model'
          ? `model "${model}" is not in the genai-prices ${this.#card.catalogVersion} catalog for provider ${providerId}; ${this.#elsewhere(model, providerId)}add it under \`models:\` with its price${model.startsWith('ft:') ? ' (fine-tuned models have their own prices)' : ''}, or alias it with \`aliases:\``
          : `provider ${providerId} is not in the catalog`,
    };
  }

  /**
   * Prices a call from its memoized resolution: no card scan, no catalog lookup, only arithmetic on
   * the call's token counts. Undefined when the call needs the unmemoized path (argument types the
   * memo cannot key, or a price the compiled plan cannot compute exactly).
   */
  #priceMemoized(record: LlmUsageRecord): TokenPriceResult | undefined {
    const { provider, requestModel, responseModel, serviceTier } = record;
    if (
      typeof provider !== 'string' ||
      typeof requestModel !== 'string' ||
      (responseModel !== undefined && typeof responseModel !== 'string') ||
      (serviceTier !== undefined && typeof serviceTier !== 'string')
    )
      return undefined;
    // '' and undefined resolve alike (no name; standard tier), so they may share an entry.
    const response = responseModel ?? '';
    const tierKey = serviceTier ?? '';
    let resolution = this.#memo.get(provider, requestModel, response, tierKey);
    if (resolution === undefined) {
      resolution = this.#resolve(record);
      this.#memo.set(provider, requestModel, response, tierKey, resolution);
    }
    switch (resolution.kind) {
      case 'unpriced':
        return { ...resolution.result };
      case 'explicit':
        return priceExplicit(resolution, record.usage);
      case 'catalog':
        return this.#priceCatalog(resolution, record);
      case 'slow':
        return undefined;
    }
  }

  /** The unmemoized path's decisions for a record, without its token counts or time. */
  #resolve(record: LlmUsageRecord): Resolution {
    const candidates = this.#candidates(record);
    const tier = normalizeServiceTier(record.serviceTier);
    const modelNamesForRules = new Set<string>(candidates.map((c) => c.model));

    for (const c of candidates) {
      for (const model of unique([c.model, this.#aliasOf(c.model)])) {
        const entry = this.#explicit(model, c.providerId);
        if (!entry) continue;
        const tierSpec = this.#tierSpec(tier, c.providerId, record.provider, [...modelNamesForRules, model]);
        return { kind: 'explicit', entry, providerId: c.providerId, tier, tierSpec };
      }
    }

    let firstMiss: Unpriced | undefined;
    for (const c of candidates) {
      const model = this.#aliasOf(c.model) ?? c.model;
      if (c.providerId === undefined) {
        firstMiss ??= this.#unknownProvider(record, c);
        continue;
      }
      const hit = this.#catalog.lookupModel(c.providerId, model);
      if (hit.kind === 'catalog_error') return SLOW;
      if (hit.kind !== 'model') {
        firstMiss ??= this.#catalogMiss(hit.kind, model, c.providerId);
        continue;
      }
      const ruleNames = [...modelNamesForRules, model, hit.matchedModel];
      const discounts: BoundedFactor[] = [];
      for (const rule of this.#card.multipliers) {
        if (rule.serviceTier !== undefined) continue;
        if (!this.#ruleMatchesNames(rule, hit.providerId, record.provider, ruleNames)) continue;
        discounts.push({ factor: rule.factor, name: rule.name, maxInputTokens: rule.maxInputTokens });
      }
      const tierSpec = this.#tierSpec(tier, hit.providerId, record.provider, ruleNames);
      return {
        kind: 'catalog',
        hit,
        askedProviderId: c.providerId,
        askedModel: model,
        discounts,
        tier,
        tierSpec,
      };
    }
    return { kind: 'unpriced', result: firstMiss ?? noModelName(record) };
  }

  /** The catalog branch of the unmemoized path, from a resolution: same operations, same order. */
  #priceCatalog(
    r: Extract<Resolution, { kind: 'catalog' }>,
    record: LlmUsageRecord,
  ): TokenPriceResult | undefined {
    const { hit, tierSpec } = r;
    const usage = record.usage;
    let hitUsd: number | undefined;
    let noCacheHitUsd: number | undefined;
    // A plan knows text tokens only: image and audio parts go to the catalog itself.
    if (hit.plan && !hasModalityTokens(usage)) {
      const tokens = toCatalogTokens(usage);
      const noCacheTokens = toCatalogTokens(usage, true);
      hitUsd = evaluateCatalogPlan(hit.plan, tokens, record.timeMs);
      noCacheHitUsd = evaluateCatalogPlan(hit.plan, noCacheTokens, record.timeMs);
      if (hitUsd === undefined || noCacheHitUsd === undefined) return undefined;
      if (
        hit.uncorrectedPlan &&
        (evaluateCatalogPlan(hit.uncorrectedPlan, tokens, record.timeMs) === undefined ||
          evaluateCatalogPlan(hit.uncorrectedPlan, noCacheTokens, record.timeMs) === undefined)
      )
        return undefined;
    } else {
      // Prices genai-prices' checks reject or the plan cannot mirror: ask the catalog, as before.
      const at = new Date(record.timeMs);
      const priced = this.#catalog.price(usage, r.askedProviderId, r.askedModel, at);
      if (!('usd' in priced)) return undefined;
      hitUsd = priced.usd;
      const noCache = this.#catalog.price(withoutCacheReads(usage), hit.providerId, r.askedModel, at);
      noCacheHitUsd = 'usd' in noCache ? noCache.usd : undefined;
    }
    if (tierSpec.kind === 'unpriced') return { ...tierSpec };
    let factor = 1;
    const applied: string[] = hit.correction !== undefined ? [hit.correction] : [];
    for (const d of r.discounts) {
      if (d.maxInputTokens !== undefined && usage.input > d.maxInputTokens) continue;
      factor *= d.factor;
      applied.push(d.name);
    }
    const tierRule = tierFactor(tierSpec, usage);
    if (tierRule.name) applied.push(tierRule.name);
    const beforeTier = hitUsd * factor;
    const noCacheUsd = noCacheHitUsd !== undefined ? noCacheHitUsd * factor * tierRule.factor : 0;
    const usd = beforeTier * tierRule.factor;
    const out = {
      kind: 'priced' as const,
      usd,
      source: factor !== 1 || tierRule.factor !== 1 ? ('multiplier' as const) : ('catalog' as const),
      matchedModel: hit.matchedModel,
      appliedRules: applied,
      promptCacheSavingsUsd: Math.max(0, noCacheUsd - usd),
      serviceTierSavingsUsd: tierRule.factor < 1 ? beforeTier * (1 - tierRule.factor) : 0,
    };
    return withOptional(out, hit.providerId, r.tier);
  }

  /** {@link #tierRule} without the call's input bound, which {@link tierFactor} applies per call. */
  #tierSpec(
    tier: string | undefined,
    providerId: string | undefined,
    recordProvider: string,
    models: readonly string[],
  ): TierSpec {
    if (tier === undefined) return { kind: 'standard' };
    for (const rule of this.#card.multipliers) {
      if (rule.serviceTier !== tier) continue;
      if (!this.#ruleMatchesNames(rule, providerId, recordProvider, models)) continue;
      return { kind: 'rule', factor: rule.factor, name: rule.name, maxInputTokens: rule.maxInputTokens };
    }
    return unknownTier(tier, providerId, recordProvider, models);
  }

  /** "the catalog has it under provider X: …; otherwise " when another provider prices the model. */
  #elsewhere(model: string, providerId: string): string {
    const key = `${providerId}\u0000${model}`;
    let hint = this.#hints.get(key);
    if (hint === undefined) {
      const other = this.#catalog.providerOf(model);
      hint =
        other !== undefined && other !== providerId
          ? `the catalog has it under provider ${other}: report the call with provider "${other}" (or name it "${other}/${model}"); otherwise `
          : '';
      if (this.#hints.size >= 1000) this.#hints.clear();
      this.#hints.set(key, hint);
    }
    return hint;
  }

  #aliasOf(model: string): string | undefined {
    const aliases = this.#card.aliases;
    const exact = aliases.find((a) => !isGlob(a.pattern) && a.pattern.toLowerCase() === model.toLowerCase());
    if (exact) return exact.target;
    return aliases.find((a) => isGlob(a.pattern) && this.#re(a.pattern).test(model))?.target;
  }

  #explicit(model: string, providerId: string | undefined): ExplicitModelPrice | undefined {
    return this.#card.models.find(
      (m) =>
        (m.provider === undefined || m.provider === providerId) &&
        (isGlob(m.pattern) ? this.#re(m.pattern).test(model) : matchesPattern(m.pattern, model)),
    );
  }

  #ruleMatches(
    rule: MultiplierRule,
    providerId: string | undefined,
    recordProvider: string,
    models: readonly string[],
    usage: TokenUsage,
  ): boolean {
    if (!this.#ruleMatchesNames(rule, providerId, recordProvider, models)) return false;
    if (rule.maxInputTokens !== undefined && usage.input > rule.maxInputTokens) return false;
    return true;
  }

  /** The provider and model part of {@link #ruleMatches} (the part a resolution can keep). */
  #ruleMatchesNames(
    rule: MultiplierRule,
    providerId: string | undefined,
    recordProvider: string,
    models: readonly string[],
  ): boolean {
    if (rule.provider !== undefined && rule.provider !== providerId && rule.provider !== recordProvider)
      return false;
    if (rule.model !== undefined) {
      const pattern = rule.model;
      if (!models.some((m) => (isGlob(pattern) ? this.#re(pattern).test(m) : matchesPattern(pattern, m))))
        return false;
    }
    return true;
  }

  #tierRule(
    tier: string | undefined,
    providerId: string | undefined,
    recordProvider: string,
    models: readonly string[],
    usage: TokenUsage,
  ): { kind: 'factor'; factor: number; name?: string } | Unpriced {
    if (tier === undefined) return { kind: 'factor', factor: 1 };
    for (const rule of this.#card.multipliers) {
      if (rule.serviceTier !== tier) continue;
      const { maxInputTokens, ...unbounded } = rule;
      if (!this.#ruleMatches(unbounded, providerId, recordProvider, models, usage)) continue;
      if (maxInputTokens !== undefined && usage.input > maxInputTokens) {
        // Long-context requests are not eligible for this tier and run at standard prices.
        return { kind: 'factor', factor: 1 };
      }
      return { kind: 'factor', factor: rule.factor, name: rule.name };
    }
    return unknownTier(tier, providerId, recordProvider, models);
  }

  #re(pattern: string): RegExp {
    let re = this.#regex.get(pattern);
    if (!re) {
      re = new RegExp(
        `^${pattern
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        'i',
      );
      this.#regex.set(pattern, re);
    }
    return re;
  }
}

function unique(values: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) if (v !== undefined && v !== '' && !out.includes(v)) out.push(v);
  return out;
}

function withoutCacheReads(usage: TokenUsage): TokenUsage {
  return { ...usage, cacheRead: 0 };
}

function withOptional<T extends object>(
  out: T,
  providerId: string | undefined,
  tier: string | undefined,
): T & { providerId?: string; serviceTier?: string } {
  const r: T & { providerId?: string; serviceTier?: string } = out;
  if (providerId !== undefined) r.providerId = providerId;
  if (tier !== undefined) r.serviceTier = tier;
  return r;
}

function noModelName(record: LlmUsageRecord): Unpriced {
  return {
    kind: 'unpriced',
    reason: 'unknown_model',
    detail: `no model name on the record (provider ${record.provider})`,
  };
}

function unknownTier(
  tier: string,
  providerId: string | undefined,
  recordProvider: string,
  models: readonly string[],
): Unpriced {
  return {
    kind: 'unpriced',
    reason: 'unknown_service_tier',
    detail: `no price for service tier "${tier}" of ${models[0] ?? 'this model'} (${providerId ?? recordProvider}); add \`multipliers: [{ provider: ${providerId ?? recordProvider}, model: "${models[0] ?? '*'}", service_tier: ${tier}, factor: … }]\``,
  };
}

/** A tier rule applied to one call: a long-context call is not eligible and runs at standard prices. */
function tierFactor(spec: TierSpec, usage: TokenUsage): { factor: number; name?: string } {
  if (spec.kind !== 'rule') return { factor: 1 };
  if (spec.maxInputTokens !== undefined && usage.input > spec.maxInputTokens) return { factor: 1 };
  return { factor: spec.factor, name: spec.name };
}

/** The explicit branch of the unmemoized path, from a resolution: same operations, same order. */
function priceExplicit(r: Extract<Resolution, { kind: 'explicit' }>, usage: TokenUsage): TokenPriceResult {
  if (r.tierSpec.kind === 'unpriced') return { ...r.tierSpec };
  const base = explicitUsd(toCatalogTokens(usage), r.entry);
  const tierRule = tierFactor(r.tierSpec, usage);
  const noCache = explicitUsd(toCatalogTokens(usage, true), r.entry);
  const out: TokenPriced = {
    kind: 'priced' as const,
    usd: base * tierRule.factor,
    source: 'explicit' as const,
    matchedModel: r.entry.pattern,
    appliedRules: tierRule.name ? [tierRule.name] : [],
    promptCacheSavingsUsd: Math.max(0, (noCache - base) * tierRule.factor),
    serviceTierSavingsUsd: tierRule.factor < 1 ? base * (1 - tierRule.factor) : 0,
  };
  return withOptional(out, r.providerId, r.tier);
}
