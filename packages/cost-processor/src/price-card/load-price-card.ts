import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GpuMarket } from '@burnrate/sdk';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import tiers from '../../data/service-tiers.json' with { type: 'json' };
import { CATALOG_VERSION, catalogKnowsModel, isCatalogProvider } from '../pricing/genai-prices-adapter.js';
import { defaultUnitPrices, normalizeGpuModel } from './default-gpu-prices.js';
import { didYouMean, formatPath, PriceCardError, type PriceCardIssue, renderValue } from './errors.js';
import { isGlob, matchesPattern } from './glob.js';
import { type PriceCardInput, priceCardSchema } from './schema.js';
import type {
  Budget,
  Deployment,
  ExplicitModelPrice,
  GpuPrice,
  MultiplierRule,
  NetworkPrice,
  PriceCard,
  TokenPricesPer1M,
  UnitPriceOrigin,
} from './types.js';

/** Default budget thresholds: 50 %, 80 % and 100 % of the amount. */
export const DEFAULT_BUDGET_THRESHOLDS: readonly number[] = [0.5, 0.8, 1.0];

const GPU_MARKETS: readonly GpuMarket[] = ['on_demand', 'spot', 'reserved'];
const WINDOW_SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Parses a budget window such as `30d`, `12h`, `90m`, `1w` into seconds; undefined if invalid. */
export function parseWindow(window: string): number | undefined {
  const m = /^([1-9][0-9]*)(m|h|d|w)$/.exec(window);
  if (!m) return undefined;
  return Number(m[1]) * (WINDOW_SECONDS[m[2] ?? ''] ?? 0);
}

/** True when `value` is an already loaded {@link PriceCard}. */
export function isPriceCard(value: unknown): value is PriceCard {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { schema?: unknown }).schema === 'burnrate.price-card/v1'
  );
}

/**
 * Loads, validates and normalizes a price card.
 *
 * @param source a path to a `.yaml`/`.yml`/`.json` file, a card object (snake_case keys as in the
 *   file), an already loaded card (returned as is), or nothing for the defaults only (genai-prices
 *   catalog, default GPU/storage/network table, no budgets).
 * @returns the normalized card.
 * @throws PriceCardError listing every issue (path, value found, fix); nothing is half-loaded.
 */
export function loadPriceCard(source?: string | PriceCardInput | PriceCard): PriceCard {
  if (source === undefined) return normalize({});
  if (isPriceCard(source)) return source;
  if (typeof source === 'string') {
    const { value, issues } = readCardFile(source);
    if (issues.length > 0) throw new PriceCardError(source, issues);
    return validate(source, value);
  }
  return validate('object', source);
}

/**
 * Parses price-card text (YAML, of which JSON is a subset) and loads it.
 *
 * @param text the card's text.
 * @param sourceName a name for error messages (default `text`).
 * @throws PriceCardError on syntax or validation errors.
 */
export function parsePriceCard(text: string, sourceName = 'text'): PriceCard {
  const { value, issues } = parseText(text);
  if (issues.length > 0) throw new PriceCardError(sourceName, issues);
  return validate(sourceName, value);
}

function readCardFile(path: string): { value: unknown; issues: PriceCardIssue[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      value: undefined,
      issues: [
        { path: '', expected: 'expected a readable YAML or JSON file', got: reason, fix: 'check the path' },
      ],
    };
  }
  return parseText(text);
}

function parseText(text: string): { value: unknown; issues: PriceCardIssue[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      value: undefined,
      issues: doc.errors.map((e) => ({
        path: e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
        expected: 'expected valid YAML or JSON',
        got: e.message.split('\n')[0] ?? e.code,
        fix: 'fix the syntax at that position',
      })),
    };
  }
  return { value: doc.toJS() ?? {}, issues: [] };
}

function validate(sourceName: string, raw: unknown): PriceCard {
  const parsed = priceCardSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PriceCardError(sourceName, zodIssues(parsed.error.issues, raw));
  }
  const issues = semanticIssues(parsed.data);
  if (issues.length > 0) throw new PriceCardError(sourceName, issues);
  return normalize(parsed.data);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  // Walk the zod schema along the path to find the object whose keys are known.
  let schema: z.core.$ZodType = priceCardSchema;
  for (const key of path) {
    schema = unwrap(schema);
    const def = schema._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'object') {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      const next = shape[String(key)];
      if (!next) return [];
      schema = next;
    } else if (def.type === 'array') schema = def.element as z.core.$ZodType;
    else if (def.type === 'record') schema = def.valueType as z.core.$ZodType;
    else return [];
  }
  schema = unwrap(schema);
  const def = schema._zod.def as unknown as Record<string, unknown>;
  if (def.type === 'object') return Object.keys(def.shape as object);
  if (def.type === 'union') {
    for (const option of def.options as z.core.$ZodType[]) {
      const od = unwrap(option)._zod.def as unknown as Record<string, unknown>;
      if (od.type === 'object') return Object.keys(od.shape as object);
    }
  }
  return [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (;;) {
    const def = s._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable')
      s = def.innerType as z.core.$ZodType;
    else return s;
  }
}

function zodIssues(zodIssueList: readonly z.core.$ZodIssue[], raw: unknown): PriceCardIssue[] {
  const out: PriceCardIssue[] = [];
  for (const issue of zodIssueList) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, known);
        out.push({
          path: formatPath([...issue.path, key]),
          expected: `expected a known key (${known.join(', ')})`,
          got: `unknown key "${key}"`,
          fix: suggestion ? `did you mean "${suggestion}"?` : 'remove it',
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0 && !issue.message.includes('|')) {
      // Report the closest branch's issues.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      out.push(
        ...zodIssues(
          best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
          raw,
        ),
      );
      continue;
    }
    const [expected, fix] = issue.message.includes('|')
      ? (issue.message.split('|', 2) as [string, string])
      : [issue.message.replace(/^Invalid input: /, ''), 'see the price-card reference in the README'];
    out.push({ path: formatPath(issue.path), expected, got: renderValue(valueAt(raw, issue.path)), fix });
  }
  return out;
}

type ParsedCard = z.output<typeof priceCardSchema>;

function semanticIssues(card: ParsedCard): PriceCardIssue[] {
  const issues: PriceCardIssue[] = [];
  const add = (path: string, expected: string, got: unknown, fix: string): void => {
    issues.push({ path, expected: `expected ${expected}`, got: renderValue(got), fix });
  };

  for (const [host, id] of Object.entries(card.providers ?? {})) {
    if (!isCatalogProvider(id)) {
      add(
        formatPath(['providers', host]),
        'a genai-prices provider id',
        id,
        `use a catalog id such as openai, anthropic, google, azure, aws, groq, mistral${hint(id, ['openai', 'anthropic', 'google', 'azure', 'aws', 'groq', 'mistral', 'deepseek', 'x-ai', 'together', 'fireworks', 'openrouter'])}`,
      );
    }
  }
  for (const [name, entry] of Object.entries(card.models ?? {})) {
    if (entry.provider !== undefined && !isCatalogProvider(entry.provider)) {
      add(
        formatPath(['models', name, 'provider']),
        'a genai-prices provider id',
        entry.provider,
        'use e.g. openai or anthropic, or remove it',
      );
    }
    const lc = entry.long_context;
    if (lc && lc.cached_input === undefined && entry.cached_input !== undefined) {
      add(
        formatPath(['models', name, 'long_context', 'cached_input']),
        'a long-context cached-input price when the base price has one',
        undefined,
        'set long_context.cached_input (it would otherwise default to long_context.input)',
      );
    }
  }
  const modelNames = Object.keys(card.models ?? {});
  for (const [pattern, target] of Object.entries(card.aliases ?? {})) {
    const targetKnown = modelNames.some((m) => matchesPattern(m, target)) || catalogKnowsModel(target);
    if (!targetKnown) {
      add(
        formatPath(['aliases', pattern]),
        'a model in `models` or in the genai-prices catalog',
        target,
        `price it under models: or alias to a catalog model such as gpt-4o-mini${hint(target, modelNames)}`,
      );
    }
    if (pattern.toLowerCase() === target.toLowerCase()) {
      add(formatPath(['aliases', pattern]), 'an alias to another model', target, 'remove the alias');
    }
  }
  (card.multipliers ?? []).forEach((rule, i) => {
    if (rule.model === undefined && rule.provider === undefined && rule.service_tier === undefined) {
      add(
        formatPath(['multipliers', i]),
        'a rule limited by model, provider or service_tier',
        rule.factor,
        'add model:, provider: or service_tier: (a factor on every price is almost always a mistake)',
      );
    }
  });
  for (const [gpu, prices] of Object.entries(card.gpu ?? {})) {
    if (GPU_MARKETS.every((m) => prices[m] === undefined)) {
      add(
        formatPath(['gpu', gpu]),
        'at least one of on_demand, spot, reserved',
        prices,
        'write e.g. { on_demand: 2.5 }',
      );
    }
  }
  const budgetNames = new Map<string, number>();
  (card.budgets ?? []).forEach((b, i) => {
    const first = budgetNames.get(b.name);
    if (first !== undefined) {
      add(
        formatPath(['budgets', i, 'name']),
        `a unique name (budgets[${first}] has it)`,
        b.name,
        'rename one of them',
      );
    } else budgetNames.set(b.name, i);
    const t = b.thresholds;
    if (t) {
      for (let k = 1; k < t.length; k++) {
        if ((t[k] ?? 0) <= (t[k - 1] ?? 0)) {
          add(
            formatPath(['budgets', i, 'thresholds']),
            'strictly ascending fractions',
            `[${t.join(', ')}]`,
            'sort them and drop duplicates, e.g. [0.5, 0.8, 1.0]',
          );
          break;
        }
      }
    }
  });
  const deploymentNames = new Set<string>();
  (card.deployments ?? []).forEach((d, i) => {
    if (deploymentNames.has(d.name))
      add(formatPath(['deployments', i, 'name']), 'a unique name', d.name, 'rename one of them');
    deploymentNames.add(d.name);
  });
  const fixedNames = new Set<string>();
  (card.fixed ?? []).forEach((f, i) => {
    if (fixedNames.has(f.name))
      add(formatPath(['fixed', i, 'name']), 'a unique name', f.name, 'rename one of them or add them up');
    fixedNames.add(f.name);
  });
  return issues;
}

function hint(word: string, candidates: readonly string[]): string {
  const s = didYouMean(word, candidates);
  return s ? ` (did you mean "${s}"?)` : '';
}

function tokenPrices(
  per: number,
  p: { input: number; cached_input?: number | undefined; cache_write?: number | undefined; output: number },
): TokenPricesPer1M {
  const k = 1_000_000 / per;
  return {
    input: p.input * k,
    cachedInput: (p.cached_input ?? p.input) * k,
    cacheWrite: (p.cache_write ?? p.input) * k,
    output: p.output * k,
  };
}

function defaultMultipliers(): MultiplierRule[] {
  return tiers.rules.map((r) => {
    const rule: MultiplierRule = {
      name: r.name,
      provider: r.provider,
      serviceTier: r.service_tier,
      factor: r.factor,
      origin: 'default',
    };
    if ('model' in r && typeof r.model === 'string') rule.model = r.model;
    if ('max_input_tokens' in r && typeof r.max_input_tokens === 'number')
      rule.maxInputTokens = r.max_input_tokens;
    return rule;
  });
}

function normalize(card: ParsedCard): PriceCard {
  const defaults = defaultUnitPrices();

  const models: ExplicitModelPrice[] = Object.entries(card.models ?? {})
    .map(([pattern, entry]) => {
      const per = entry.per_tokens ?? 1_000_000;
      const m: ExplicitModelPrice = { pattern, prices: tokenPrices(per, entry) };
      if (entry.provider !== undefined) m.provider = entry.provider;
      if (entry.long_context) {
        m.longContext = {
          thresholdTokens: entry.long_context.threshold,
          prices: tokenPrices(per, entry.long_context),
        };
      }
      return m;
    })
    .sort((a, b) => Number(isGlob(a.pattern)) - Number(isGlob(b.pattern)));

  const multipliers: MultiplierRule[] = (card.multipliers ?? []).map((r, i) => {
    const rule: MultiplierRule = {
      name: r.name ?? `multipliers[${i}]`,
      factor: r.factor,
      origin: 'card',
    };
    if (r.model !== undefined) rule.model = r.model;
    if (r.provider !== undefined) rule.provider = r.provider;
    if (r.service_tier !== undefined) rule.serviceTier = r.service_tier.toLowerCase();
    if (r.max_input_tokens !== undefined) rule.maxInputTokens = r.max_input_tokens;
    return rule;
  });
  multipliers.push(...defaultMultipliers());

  const gpu: Record<string, Partial<Record<GpuMarket, GpuPrice>>> = {};
  for (const [model, prices] of Object.entries(defaults.gpus)) {
    const entry: Partial<Record<GpuMarket, GpuPrice>> = {};
    for (const m of GPU_MARKETS) {
      const usd = prices[m];
      if (usd !== undefined) entry[m] = { usdPerHour: usd, origin: 'default' };
    }
    gpu[model] = entry;
  }
  for (const [model, prices] of Object.entries(card.gpu ?? {})) {
    const key = normalizeGpuModel(model);
    const entry = gpu[key] ?? {};
    for (const m of GPU_MARKETS) {
      const usd = prices[m];
      if (usd !== undefined) entry[m] = { usdPerHour: usd, origin: 'card' };
    }
    gpu[key] = entry;
  }

  const storage: Record<string, { usdPerGbMonth: number; origin: UnitPriceOrigin }> = {};
  for (const [cls, usd] of Object.entries(defaults.storage))
    storage[cls] = { usdPerGbMonth: usd, origin: 'default' };
  for (const [cls, usd] of Object.entries(card.storage ?? {}))
    storage[cls] = { usdPerGbMonth: usd, origin: 'card' };

  const network: Record<string, NetworkPrice> = {};
  for (const [scope, p] of Object.entries(defaults.network)) network[scope] = { ...p, origin: 'default' };
  for (const [scope, p] of Object.entries(card.network ?? {})) {
    network[scope] =
      typeof p === 'number' ? { transmit: p, receive: p, origin: 'card' } : { ...p, origin: 'card' };
  }

  const budgets: Budget[] = (card.budgets ?? []).map((b) => ({
    name: b.name,
    amountUsd: b.amount,
    window: b.window,
    windowSeconds: parseWindow(b.window) ?? 0,
    scope: { ...(b.scope ?? {}) },
    thresholds: [...(b.thresholds ?? DEFAULT_BUDGET_THRESHOLDS)],
  }));

  const deployments: Deployment[] = (card.deployments ?? []).map((d) => {
    const dep: Deployment = {
      name: d.name,
      batchSize: d.batch_size,
      utilizationTarget: d.utilization_target,
      scope: { ...(d.scope ?? {}) },
      windowSeconds: d.window_seconds ?? 60,
    };
    if (d.model !== undefined) dep.model = d.model;
    return dep;
  });

  const body = {
    currency: 'USD' as const,
    models,
    aliases: Object.entries(card.aliases ?? {}).map(([pattern, target]) => ({ pattern, target })),
    providers: { ...(card.providers ?? {}) },
    multipliers,
    gpu,
    storage,
    network,
    fixed: (card.fixed ?? []).map((f) => ({ name: f.name, usdPerMonth: f.usd_per_month })),
    budgets,
    deployments,
    catalogVersion: CATALOG_VERSION,
    defaultsAsOf: defaults.asOf,
  };
  const checksum = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { schema: 'burnrate.price-card/v1', ...body, checksum };
}
