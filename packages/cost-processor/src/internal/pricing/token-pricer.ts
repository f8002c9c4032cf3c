import type { LlmUsageRecord, TokenUsage } from '@burnrate/sdk';
import { isGlob, matchesPattern } from '@burnrate/semconv';
import type {
  ExplicitModelPrice,
  MultiplierRule,
  PriceCard,
  TokenPricesPer1M,
} from '../../price-card/types.js';
import {
  catalogPrice,
  catalogProviderOf,
  resolveCatalogProvider,
  toCatalogUsage,
} from './genai-prices-adapter.js';
import type { TokenPriceResult, Unpriced } from './types.js';

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

interface Candidate {
  /** Model name without provider prefix. */
  model: string;
  /** Catalog provider id for it, if known. */
  providerId: string | undefined;
}

/**
 * Prices LLM calls from a price card: explicit price → multiplier on the catalog price → catalog →
 * unpriced. Holds per-instance caches only.
 */
export class TokenPricer {
  readonly #card: PriceCard;
  readonly #regex = new Map<string, RegExp>();
  readonly #hints = new Map<string, string>();
  readonly #batchFactors = new Map<string, number | undefined>();

  /** @param card the loaded price card. */
  constructor(card: PriceCard) {
    this.#card = card;
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
      return this.#price(record);
    } catch (error) {
      return {
        kind: 'unpriced',
        reason: 'catalog_error',
        detail: `pricing ${record.requestModel} failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  #price(record: LlmUsageRecord): TokenPriceResult {
    const recordProviderId = resolveCatalogProvider(record.provider, this.#card.providers);
    const names = unique([record.responseModel, record.requestModel]);
    const candidates: Candidate[] = [];
    for (const name of names) {
      const slash = name.indexOf('/');
      if (recordProviderId !== undefined) candidates.push({ model: name, providerId: recordProviderId });
      if (slash > 0) {
        const prefixProvider = resolveCatalogProvider(name.slice(0, slash), this.#card.providers);
        if (prefixProvider !== undefined)
          candidates.push({ model: name.slice(slash + 1), providerId: prefixProvider });
      }
      if (recordProviderId === undefined && slash <= 0)
        candidates.push({ model: name, providerId: undefined });
    }
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
        firstMiss ??= {
          kind: 'unpriced',
          reason: 'unknown_provider',
          detail: `provider "${record.provider}" is not in the genai-prices ${this.#card.catalogVersion} catalog; map it with \`providers: { "${record.provider}": openai }\` or price "${c.model}" under \`models:\``,
        };
        continue;
      }
      const hit = catalogPrice(record.usage, c.providerId, model, at);
      if (!('usd' in hit)) {
        if (hit.kind === 'catalog_error') {
          firstMiss ??= { kind: 'unpriced', reason: 'catalog_error', detail: `genai-prices: ${hit.message}` };
        } else {
          firstMiss ??= {
            kind: 'unpriced',
            reason: hit.kind,
            detail:
              hit.kind === 'unknown_model'
                ? `model "${model}" is not in the genai-prices ${this.#card.catalogVersion} catalog for provider ${c.providerId}; ${this.#elsewhere(model, c.providerId)}add it under \`models:\` with its price${model.startsWith('ft:') ? ' (fine-tuned models have their own prices)' : ''}, or alias it with \`aliases:\``
                : `provider ${c.providerId} is not in the catalog`,
          };
        }
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
      const noCache = catalogPrice(withoutCacheReads(record.usage), hit.providerId, model, at);
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
    return (
      firstMiss ?? {
        kind: 'unpriced',
        reason: 'unknown_model',
        detail: `no model name on the record (provider ${record.provider})`,
      }
    );
  }

  /** "the catalog has it under provider X: …; otherwise " when another provider prices the model. */
  #elsewhere(model: string, providerId: string): string {
    const key = `${providerId}\u0000${model}`;
    let hint = this.#hints.get(key);
    if (hint === undefined) {
      const other = catalogProviderOf(model);
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
    if (rule.provider !== undefined && rule.provider !== providerId && rule.provider !== recordProvider)
      return false;
    if (rule.model !== undefined) {
      const pattern = rule.model;
      if (!models.some((m) => (isGlob(pattern) ? this.#re(pattern).test(m) : matchesPattern(pattern, m))))
        return false;
    }
    if (rule.maxInputTokens !== undefined && usage.input > rule.maxInputTokens) return false;
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
    return {
      kind: 'unpriced',
      reason: 'unknown_service_tier',
      detail: `no price for service tier "${tier}" of ${models[0] ?? 'this model'} (${providerId ?? recordProvider}); add \`multipliers: [{ provider: ${providerId ?? recordProvider}, model: "${models[0] ?? '*'}", service_tier: ${tier}, factor: … }]\``,
    };
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
