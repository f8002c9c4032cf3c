import type { TokenUsage } from '@burnrate/sdk';
import type { ModelInfo, ModelPrice, Provider, Usage } from '@pydantic/genai-prices';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import corrections from '../../../data/catalog-corrections.json' with { type: 'json' };
import { type CatalogPricePlan, type CatalogTokens, compileCatalogPrices } from './catalog-price-plan.js';

/** The exact `@pydantic/genai-prices` version pinned in package.json; its catalog is the default. */
export const CATALOG_VERSION = '0.1.8';

/** Record provider names (OpenTelemetry `gen_ai.provider.name`) → genai-prices provider ids. */
const SEMCONV_PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  anthropic: 'anthropic',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  'aws.bedrock': 'aws',
  mistral_ai: 'mistral',
  x_ai: 'x-ai',
  deepseek: 'deepseek',
  groq: 'groq',
  cohere: 'cohere',
  perplexity: 'perplexity',
};

/** A successful catalog lookup. */
export interface CatalogPrice {
  /** Total USD for the call at standard prices. */
  usd: number;
  /** genai-prices provider id. */
  providerId: string;
  /** Catalog model id that matched (e.g. `gpt-4o` for `gpt-4o-2024-08-06`). */
  matchedModel: string;
  /** Name of the shipped catalog correction that priced the call, when one did. */
  correction?: string;
}

/** A shipped correction of the pinned catalog: one model of one provider at its published prices. */
export interface CatalogCorrection {
  /** Shown in `appliedRules`, e.g. `catalog-correction:anthropic-claude-sonnet-4-long-context`. */
  name: string;
  /** genai-prices provider id. */
  provider: string;
  /** Catalog model id whose prices are replaced. */
  model: string;
  /** What the catalog gets wrong. */
  reason: string;
  /** The provider's published prices. */
  sources: readonly string[];
  /** The published prices, in genai-prices' format (per million tokens, optional tiers). */
  prices: ModelPrice;
}

/** The corrections `data/catalog-corrections.json` ships, applied by default on top of the catalog. */
export const CATALOG_CORRECTIONS: readonly CatalogCorrection[] = corrections.corrections;

/** Why a catalog lookup failed. */
export type CatalogMiss =
  | { kind: 'unknown_provider' }
  | { kind: 'unknown_model' }
  | { kind: 'catalog_error'; message: string };

/**
 * Resolves a record provider to a genai-prices provider id: the card's `providers` map first, then
 * OpenTelemetry provider names, then catalog ids, then the host's API URL. Undefined when unknown.
 */
export function resolveCatalogProvider(
  recordProvider: string,
  cardProviders: Readonly<Record<string, string>>,
): string | undefined {
  const raw = recordProvider.trim();
  const lower = raw.toLowerCase();
  const mapped = cardProviders[raw] ?? cardProviders[lower];
  if (mapped !== undefined) return mapped;
  const semconv = SEMCONV_PROVIDERS[lower];
  if (semconv !== undefined) return semconv;
  try {
    const byId = findProvider({ providerId: lower });
    if (byId) return byId.id;
    if (/^[a-z0-9.-]+(:\d+)?$/.test(lower) && lower.includes('.')) {
      const byUrl = findProvider({ providerApiUrl: `https://${lower}` });
      if (byUrl) return byUrl.id;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** True when `id` is a genai-prices provider id. */
export function isCatalogProvider(id: string): boolean {
  try {
    return findProvider({ providerId: id })?.id === id;
  } catch {
    return false;
  }
}

/** A token count as genai-prices takes it: non-finite or negative counts become 0. */
function clean(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Cleans normalized usage for genai-prices: non-finite or negative counts become 0, and input is
 * raised to at least cache read + cache write (genai-prices throws otherwise; our convention is that
 * input includes both), output to at least reasoning. The 1-hour part of cache writes
 * (`cacheWrite1h`, at most `cacheWrite`) goes as `cache_write_1h_tokens`, which the catalog prices at
 * the model's 1-hour write price (Anthropic: 2× input, against 1.25× for the 5-minute rest); a model
 * without a 1-hour price charges them as ordinary cache writes.
 */
export function toCatalogUsage(usage: TokenUsage): Usage {
  const cacheRead = clean(usage.cacheRead);
  const cacheWrite = clean(usage.cacheWrite);
  const input = Math.max(clean(usage.input), cacheRead + cacheWrite);
  const reasoning = clean(usage.reasoning);
  const output = Math.max(clean(usage.output), reasoning);
  const out: Usage = { input_tokens: input, output_tokens: output };
  if (cacheRead > 0) out.cache_read_tokens = cacheRead;
  if (cacheWrite > 0) out.cache_write_tokens = cacheWrite;
  const cacheWrite1h = Math.min(clean(usage.cacheWrite1h ?? 0), cacheWrite);
  if (cacheWrite1h > 0) out.cache_write_1h_tokens = cacheWrite1h;
  // Image and audio parts (gpt-image, gpt-4o-transcribe): the catalog prices them at their own
  // rates where the model has one, at the text rate otherwise. Never more than their whole.
  const modal: readonly [keyof TokenUsage, string, number][] = [
    ['inputImage', 'input_image_tokens', input],
    ['inputAudio', 'input_audio_tokens', input],
    ['outputImage', 'output_image_tokens', output],
    ['outputAudio', 'output_audio_tokens', output],
  ];
  for (const [field, key, whole] of modal) {
    const n = Math.min(clean(Number(usage[field] ?? 0)), whole);
    if (n > 0) out[key] = n;
  }
  return out;
}

/** True when usage splits image or audio tokens out (compiled plans do not price those: see catalog-price-plan.ts). */
export function hasModalityTokens(usage: TokenUsage): boolean {
  return (
    (usage.inputImage ?? 0) > 0 ||
    (usage.inputAudio ?? 0) > 0 ||
    (usage.outputImage ?? 0) > 0 ||
    (usage.outputAudio ?? 0) > 0
  );
}

/**
 * The token counts {@link toCatalogUsage} gives genai-prices, as plain numbers for a compiled plan.
 *
 * @param withoutCacheReads as if the call had read nothing from the prompt cache (for savings).
 */
export function toCatalogTokens(usage: TokenUsage, withoutCacheReads = false): CatalogTokens {
  const cacheRead = withoutCacheReads ? 0 : clean(usage.cacheRead);
  const cacheWrite = clean(usage.cacheWrite);
  return {
    input: Math.max(clean(usage.input), cacheRead + cacheWrite),
    output: Math.max(clean(usage.output), clean(usage.reasoning)),
    cacheRead,
    cacheWrite,
    cacheWrite1h: Math.min(clean(usage.cacheWrite1h ?? 0), cacheWrite),
  };
}

/**
 * Prices one call from the genai-prices catalog at standard prices. Never throws: errors from the
 * library come back as `catalog_error`.
 *
 * @param providerId genai-prices provider id (always passed; the library is never asked to guess).
 * @param model model name without a `provider/` prefix.
 * @param at the call's time (prices with start dates apply by it).
 */
export function catalogPrice(
  usage: TokenUsage,
  providerId: string,
  model: string,
  at: Date,
): CatalogPrice | CatalogMiss {
  try {
    if (!findProvider({ providerId })) return { kind: 'unknown_provider' };
    const catalogUsage = toCatalogUsage(usage);
    const result = calcPrice(catalogUsage, model, { providerId, timestamp: at });
    if (!result) return { kind: 'unknown_model' };
    const hit = { usd: result.total_price, providerId: result.provider.id, matchedModel: result.model.id };
    const fix = CATALOG_CORRECTIONS.find(
      (c) => c.provider === hit.providerId && c.model === hit.matchedModel,
    );
    if (!fix) return hit;
    const corrected = correctedProvider(result.provider, fix);
    const fixed = calcPrice(catalogUsage, hit.matchedModel, { provider: corrected, timestamp: at });
    if (!fixed) return hit;
    return { ...hit, usd: fixed.total_price, correction: fix.name };
  } catch (error) {
    return { kind: 'catalog_error', message: error instanceof Error ? error.message : String(error) };
  }
}

/** A catalog model resolved once for a provider: what every call of it is priced from. */
export interface CatalogModel {
  kind: 'model';
  /** genai-prices provider id that priced it. */
  providerId: string;
  /** Catalog model id that matched. */
  matchedModel: string;
  /** Name of the shipped catalog correction whose prices apply, when one does. */
  correction?: string;
  /**
   * The model's prices compiled for per-call arithmetic; undefined when they cannot be mirrored
   * exactly, and then each call is priced with {@link catalogPrice}.
   */
  plan?: CatalogPricePlan;
  /**
   * With a correction: the catalog's own prices, which {@link catalogPrice} evaluates first (a call
   * it cannot price fails there), so a plan must be able to evaluate them too.
   */
  uncorrectedPlan?: CatalogPricePlan;
}

/** Any valid time: which model matches does not depend on it, only which of its prices applies. */
const PROBE_TIME = new Date(0);
const PROBE_USAGE: Usage = { input_tokens: 1, output_tokens: 1 };

/**
 * Resolves a model of a provider in the catalog, with the shipped correction applied, without
 * pricing a call: the same provider and model {@link catalogPrice} would use. Never throws.
 *
 * @param providerId genai-prices provider id.
 * @param model model name without a `provider/` prefix.
 */
export function lookupCatalogModel(providerId: string, model: string): CatalogModel | CatalogMiss {
  try {
    if (!findProvider({ providerId })) return { kind: 'unknown_provider' };
    const result = calcPrice(PROBE_USAGE, model, { providerId, timestamp: PROBE_TIME });
    if (!result) return { kind: 'unknown_model' };
    const hit: CatalogModel = {
      kind: 'model',
      providerId: result.provider.id,
      matchedModel: result.model.id,
    };
    const fix = CATALOG_CORRECTIONS.find(
      (c) => c.provider === hit.providerId && c.model === hit.matchedModel,
    );
    let priced: ModelInfo = result.model;
    if (fix) {
      const corrected = calcPrice(PROBE_USAGE, hit.matchedModel, {
        provider: correctedProvider(result.provider, fix),
        timestamp: PROBE_TIME,
      });
      if (corrected) {
        hit.correction = fix.name;
        priced = corrected.model;
      }
    }
    const plan = compileCatalogPrices(priced.prices, (price) => acceptsPrice(priced.id, price));
    if (!plan) return hit;
    if (hit.correction !== undefined) {
      // catalogPrice prices the uncorrected model first, and fails the call where that fails.
      const uncorrected = compileCatalogPrices(result.model.prices, (price) =>
        acceptsPrice(result.model.id, price),
      );
      if (!uncorrected) return hit;
      hit.uncorrectedPlan = uncorrected;
    }
    hit.plan = plan;
    return hit;
  } catch (error) {
    return { kind: 'catalog_error', message: error instanceof Error ? error.message : String(error) };
  }
}

/** Whether genai-prices prices a call at `price` without throwing (its unit and tier checks). */
function acceptsPrice(modelId: string, price: ModelPrice): boolean {
  const provider: Provider = {
    id: 'burnrate-probe',
    name: 'burnrate-probe',
    api_pattern: '',
    models: [{ id: modelId, match: { equals: modelId }, prices: price }],
  };
  try {
    return calcPrice(PROBE_USAGE, modelId, { provider, timestamp: PROBE_TIME }) !== null;
  } catch {
    return false;
  }
}

/** The catalog provider with only the corrected model, at its corrected prices. */
function correctedProvider(provider: Provider, fix: CatalogCorrection): Provider {
  const models = provider.models
    .filter((m) => m.id === fix.model)
    .map((m) => ({ ...m, match: { equals: m.id }, prices: fix.prices }));
  return { ...provider, models };
}

/** Providers searched, in order, when a model is named without one. */
const COMMON_PROVIDERS: readonly string[] = [
  'openai',
  'anthropic',
  'google',
  'mistral',
  'deepseek',
  'x-ai',
  'groq',
  'together',
  'cohere',
  'azure',
  'aws',
];

/**
 * The first common catalog provider (openai, anthropic, google, mistral, deepseek, x-ai, groq,
 * together, cohere, azure, aws) whose catalog prices `model`; undefined when none does.
 */
export function catalogProviderOf(model: string): string | undefined {
  const probe = { input: 1, cacheRead: 0, cacheWrite: 0, output: 1, reasoning: 0 };
  return COMMON_PROVIDERS.find((p) => 'usd' in catalogPrice(probe, p, model, new Date()));
}

/** True when some catalog provider knows `model` (used to validate alias targets). */
export function catalogKnowsModel(model: string, providerId?: string): boolean {
  const zero = { input: 1, cacheRead: 0, cacheWrite: 0, output: 1, reasoning: 0 };
  const providers = providerId ? [providerId] : ['openai', 'anthropic', 'google', 'azure', 'aws', 'mistral'];
  for (const p of providers) {
    const r = catalogPrice(zero, p, model, new Date());
    if ('usd' in r) return true;
  }
  return false;
}

/**
 * What the token pricer asks of the catalog. The default is genai-prices ({@link GENAI_PRICES_CATALOG});
 * the seam lets tests count how often the catalog is consulted.
 */
export interface PriceCatalog {
  /** {@link resolveCatalogProvider}. */
  resolveProvider(
    recordProvider: string,
    cardProviders: Readonly<Record<string, string>>,
  ): string | undefined;
  /** {@link lookupCatalogModel}: once per model and provider, then memoized by the pricer. */
  lookupModel(providerId: string, model: string): CatalogModel | CatalogMiss;
  /** {@link catalogPrice}: the per-call price where a model's prices could not be compiled. */
  price(usage: TokenUsage, providerId: string, model: string, at: Date): CatalogPrice | CatalogMiss;
  /** {@link catalogProviderOf}, for hints in unpriced details. */
  providerOf(model: string): string | undefined;
}

/** The pinned genai-prices catalog with the shipped corrections. */
export const GENAI_PRICES_CATALOG: PriceCatalog = Object.freeze({
  resolveProvider: resolveCatalogProvider,
  lookupModel: lookupCatalogModel,
  price: catalogPrice,
  providerOf: catalogProviderOf,
});
