import type { TokenUsage } from '@burnrate/sdk';
import type { ModelPrice, Provider, Usage } from '@pydantic/genai-prices';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import corrections from '../../../data/catalog-corrections.json' with { type: 'json' };

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

/**
 * Cleans normalized usage for genai-prices: non-finite or negative counts become 0, and input is
 * raised to at least cache read + cache write (genai-prices throws otherwise; our convention is that
 * input includes both), output to at least reasoning. The 1-hour part of cache writes
 * (`cacheWrite1h`, at most `cacheWrite`) goes as `cache_write_1h_tokens`, which the catalog prices at
 * the model's 1-hour write price (Anthropic: 2× input, against 1.25× for the 5-minute rest); a model
 * without a 1-hour price charges them as ordinary cache writes.
 */
export function toCatalogUsage(usage: TokenUsage): Usage {
  const clean = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);
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
  return out;
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
