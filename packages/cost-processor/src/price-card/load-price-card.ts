import { createHash } from 'node:crypto';
import type { GpuMarket } from '@burnrate/sdk';
import { globToRegExp, isGlob, parseDuration } from '@burnrate/semconv';
import type { z } from 'zod';
import tiers from '../../data/service-tiers.json' with { type: 'json' };
import { type CalendarUnit, isKnownTimeZone } from '../internal/budgets/budget-window.js';
import {
  CATALOG_VERSION,
  catalogKnowsModel,
  isCatalogProvider,
} from '../internal/pricing/genai-prices-adapter.js';
import { enforcementIssues, normalizeEnforcement } from './budget-enforcement.js';
import { readCardFile } from './card-file.js';
import { parseCardText } from './card-text.js';
import { defaultUnitPrices, normalizeGpuModel } from './default-gpu-prices.js';
import {
  didYouMean,
  formatPath,
  PriceCardError,
  type PriceCardIssue,
  quote,
  renderValue,
  SHOWN_ISSUES,
} from './errors.js';
import { gpuKeyTypos } from './gpu-key-typos.js';
import { formatLabelSelector, parseLabelSelector } from './label-selector.js';
import { isPriceCard, LOADED_CARD_SCHEMA, partialCardIssue } from './loaded-card.js';
import { CALENDAR_WINDOWS, type PriceCardInput, priceCardSchema } from './schema.js';
import type {
  Budget,
  Deployment,
  DeploymentAlerts,
  ExplicitModelPrice,
  GpuPrice,
  MultiplierRule,
  NetworkPrice,
  PriceCard,
  TokenPricesPer1M,
  UnitPriceOrigin,
} from './types.js';
import { unitPriceTable } from './unit-prices.js';

/** Default deployment alerts: idle above half its cost for an hour; over capacity for 15 minutes. */
export const DEFAULT_DEPLOYMENT_ALERTS: Readonly<DeploymentAlerts> = {
  idleShare: 0.5,
  idleFor: '1h',
  capacityFor: '15m',
};

/**
 * Nominal length of a calendar window, for what needs one number (the generated Prometheus rules,
 * the even burn rate): a day, a week, and a 30-day month.
 */
const CALENDAR_NOMINAL_SECONDS: Readonly<Record<string, number>> = {
  day: 86_400,
  week: 604_800,
  month: 2_592_000,
};

/** Default budget thresholds: 50 %, 80 % and 100 % of the amount. */
export const DEFAULT_BUDGET_THRESHOLDS: readonly number[] = [0.5, 0.8, 1.0];

const GPU_MARKETS: readonly GpuMarket[] = ['on_demand', 'spot', 'reserved'];

/**
 * Parses a budget window such as `30d`, `12h`, `90m`, `1w` into seconds; undefined if invalid. A
 * window is one positive whole number and one of m, h, d, w (no seconds, no compound durations);
 * the arithmetic is `@burnrate/semconv`'s `parseDuration`.
 */
export function parseWindow(window: string): number | undefined {
  return /^[1-9][0-9]*[mhdw]$/.test(window) ? parseDuration(window) : undefined;
}

export { isPriceCard } from './loaded-card.js';

/**
 * Loads, validates and normalizes a price card.
 *
 * @param source a path to a `.yaml`/`.yml`/`.json` file, a card object (snake_case keys as in the
 *   file), an already loaded card (returned as is), or nothing for the defaults only (genai-prices
 *   catalog, default GPU/storage/network table, no budgets).
 * @returns the normalized card.
 * @throws PriceCardError listing every issue (path or line, value found, fix); nothing is
 *   half-loaded. Every failure is one: a file that cannot be read, a card over 10 MB (refused
 *   before it is parsed), YAML or JSON syntax, aliases, and an object marked as a loaded card that
 *   is not a whole one.
 */
export function loadPriceCard(source?: string | PriceCardInput | PriceCard): PriceCard {
  if (source === undefined) return normalize({});
  if (isPriceCard(source)) return source;
  if (typeof source === 'string') {
    const file = readCardFile(source);
    if (file.issue) throw new PriceCardError(source, [file.issue]);
    const { value, issues } = parseCardText(file.text, source.toLowerCase().endsWith('.json'));
    if (issues.length > 0) throw new PriceCardError(source, issues);
    return validate(source, value);
  }
  // The loaded-card mark on an object that is not a whole card: refused here, where a TypeError
  // deep in the pricer would have named nothing.
  const object = source as Record<string, unknown>;
  if (object !== null && typeof object === 'object' && object.schema === LOADED_CARD_SCHEMA) {
    throw new PriceCardError('object', [partialCardIssue(object)]);
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
  const { value, issues } = parseCardText(text, false);
  if (issues.length > 0) throw new PriceCardError(sourceName, issues);
  return validate(sourceName, value);
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
          got: `unknown key ${quote(key)}`,
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
      : [
          issue.message.replace(/^Invalid input: /, ''),
          'see the price-card reference (docs/price-card.md) for this section',
        ];
    const value = valueAt(raw, issue.path);
    const missing = value === undefined && typeof issue.path.at(-1) === 'string';
    out.push({
      path: formatPath(issue.path),
      expected: expected
        .replace(/^expected record, received \w+$/, 'expected a map keyed by name')
        .replace(
          /^expected object, received \w+$/,
          issue.path.length === 0 ? 'expected a map of sections' : 'expected a map of keys',
        ),
      got: renderValue(value),
      fix:
        specificFix(issue.path, value, expected) ??
        (missing ? `add ${String(issue.path.at(-1))}: (${fix})` : fix),
    });
  }
  return out;
}

/** Sections written as a map keyed by name, with an example entry for each. */
const MAP_SECTIONS: Readonly<Record<string, string>> = {
  models: '{ input: 2.5, output: 10 }',
  aliases: 'gpt-4o-mini',
  providers: 'openai',
  gpu: '{ on_demand: 6.88 }',
  storage: '0.10',
  network: '{ transmit: 0.09, receive: 0 }',
};

/** Fields whose string values are numbers written with a unit, currency sign or suffix. */
function numberFromText(text: string): number | undefined {
  let t = text.trim().replace(/\s+/g, '');
  t = t.replace(/^(usd|us\$|\$)/i, '').replace(/(usd|\$)$/i, '');
  t = t.replace(/\/.*$/, '').replace(/(per.*)$/i, '');
  let scale = 1;
  if (t.endsWith('%')) {
    scale = 0.01;
    t = t.slice(0, -1);
  }
  const suffix = /^(.*?)([kmb])$/i.exec(t);
  if (suffix) {
    scale *= { k: 1e3, m: 1e6, b: 1e9 }[(suffix[2] ?? '').toLowerCase() as 'k' | 'm' | 'b'];
    t = suffix[1] ?? '';
  }
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(t)) return undefined;
  const n = Number(t) * scale;
  return Number.isFinite(n) ? Number(n.toPrecision(12)) : undefined;
}

/** The calendar window meant by `monthly`, `Weekly`, `daily` and the like; undefined otherwise. */
function calendarFromText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const named: Record<string, string> = {
    monthly: 'month',
    month: 'month',
    weekly: 'week',
    week: 'week',
    daily: 'day',
    day: 'day',
  };
  return named[value.trim().toLowerCase()];
}

/** A budget window for what people write instead (`1month`, `weekly`, `30 days`, `30`). */
function windowFromText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return `${value}d`;
  if (typeof value !== 'string') return undefined;
  const t = value.trim().toLowerCase();
  const named: Record<string, string> = {
    monthly: '30d',
    month: '30d',
    weekly: '1w',
    week: '1w',
    daily: '1d',
    day: '1d',
    hourly: '1h',
    hour: '1h',
  };
  if (named[t]) return named[t];
  const m = /^(\d+)\s*([a-z]+)$/.exec(t);
  if (!m) return /^\d+$/.test(t) && Number(t) > 0 ? `${Number(t)}d` : undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  if (n <= 0) return undefined;
  if (/^(mo|mon|mons|month|months)$/.test(unit)) return `${n * 30}d`;
  if (/^(y|yr|yrs|year|years)$/.test(unit)) return `${n * 365}d`;
  if (/^(w|wk|wks|week|weeks)$/.test(unit)) return `${n}w`;
  if (/^(d|day|days)$/.test(unit)) return `${n}d`;
  if (/^(h|hr|hrs|hour|hours)$/.test(unit)) return `${n}h`;
  if (/^(m|min|mins|minute|minutes)$/.test(unit)) return `${n}m`;
  return undefined;
}

/** Renders a list item as a one-line YAML-ish map without its name key. */
function inlineMap(item: Record<string, unknown>, skip: string): string {
  const parts = Object.entries(item)
    .filter(([k]) => k !== skip)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `{ ${parts.join(', ')} }`;
}

/**
 * A fix naming the exact value to write, for the mistakes people make most: numbers written as
 * text (`"10k"`, `"$5"`, `"50%"`), negative prices, percentages as thresholds, windows such as
 * `1month`, lists where a map keyed by name is expected, and a bare number where a GPU or model
 * entry is expected. Undefined when there is nothing more specific than the schema's fix.
 */
function specificFix(path: readonly PropertyKey[], value: unknown, expected: string): string | undefined {
  const last = path.at(-1);
  const section = String(path[0] ?? '');
  if (path.length === 0) {
    if (Array.isArray(value))
      return 'a price card is a map of sections at the top level (models:, gpu:, budgets:, …); remove the leading "- "';
    return 'start the file with a section such as `models:`, `gpu:` or `budgets:` (see docs/price-card.md)';
  }
  if (section === 'budgets' && last === 'name' && typeof value === 'string' && value.trim() !== '') {
    const name =
      value
        .trim()
        .replace(/[^A-Za-z0-9_.:-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'budget';
    return `write "${name}" (it becomes a Prometheus label value and rule name)`;
  }
  if (section === 'network' && path.length === 2 && value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const transmit = typeof v.transmit === 'number' ? v.transmit : 0.09;
    const receive = typeof v.receive === 'number' ? v.receive : 0;
    return `give both directions: \`${String(last)}: { transmit: ${transmit}, receive: ${receive} }\` (or one number for both)`;
  }
  // A well-formed window past the bound keeps the schema's fix (a shorter window), not a rewrite.
  if (last === 'window' && !expected.includes('at most')) {
    const w = windowFromText(value);
    const calendar = calendarFromText(value);
    if (w && calendar) {
      return `write ${calendar} (calendar: resets at local midnight; add timezone: to set the zone, default UTC) or ${w} (rolling)`;
    }
    return w
      ? `write ${w} (a whole number followed by m, h, d or w; a month is 30d)`
      : 'write a whole number followed by m (minutes), h (hours), d (days) or w (weeks), e.g. 30d for a month';
  }
  if (path.length === 1 && section in MAP_SECTIONS && Array.isArray(value)) {
    const example = MAP_SECTIONS[section] ?? '{}';
    const first = value[0];
    if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
      const item = first as Record<string, unknown>;
      const nameKey = ['name', 'model', 'gpu', 'id'].find((k) => typeof item[k] === 'string');
      if (nameKey !== undefined) {
        return `write ${section} as a map keyed by name, not a list: \`${section}: { ${String(item[nameKey])}: ${inlineMap(item, nameKey)} }\` (no "- ", no ${nameKey}: key)`;
      }
    }
    return `write ${section} as a map keyed by name, not a list: \`${section}: { <name>: ${example} }\` (no "- ")`;
  }
  if (path.length === 2 && section === 'gpu' && typeof value === 'number') {
    return `give the price per market: \`${String(last)}: { on_demand: ${value} }\` (or spot: / reserved:)`;
  }
  if (path.length === 2 && section === 'models' && typeof value === 'number') {
    return `give input and output prices per 1M tokens: \`${String(last)}: { input: ${value}, output: <USD> }\``;
  }
  if (!expected.includes('number') && !expected.includes('fraction')) return undefined;
  const inThresholds = path.at(-2) === 'thresholds';
  if (typeof value === 'string') {
    const n = numberFromText(value);
    if (n === undefined || n < 0) return undefined;
    const fraction = inThresholds && n > 10 ? n / 100 : n;
    if (String(fraction) === value.trim()) return `remove the quotes: write ${fraction}`;
    return `write ${fraction} (a plain number, without quotes, units or suffixes)`;
  }
  if (typeof value === 'number' && value < 0) {
    return `write ${-value} (prices and amounts are positive; a discount is a multiplier with factor below 1)`;
  }
  if (typeof value === 'number' && inThresholds && value > 10) {
    return `write ${Number((value / 100).toPrecision(12))} (thresholds are fractions of the amount: 0.8 means 80 %)`;
  }
  return undefined;
}

type ParsedCard = z.output<typeof priceCardSchema>;

function semanticIssues(card: ParsedCard): PriceCardIssue[] {
  const issues: PriceCardIssue[] = [];
  const add = (path: string, expected: string, got: unknown, fix: string): void => {
    issues.push({ path, expected: `expected ${expected}`, got: renderValue(got), fix });
  };
  // Suggestions cost an edit distance per candidate: only for the issues the message shows, so
  // a generated card with thousands of bad aliases does not take time quadratic in its size.
  const hint = (word: string, candidates: readonly string[]): string => {
    const s = issues.length < SHOWN_ISSUES ? didYouMean(word, candidates) : undefined;
    return s ? ` (did you mean "${s}"?)` : '';
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
        `use e.g. openai or anthropic, or remove it${hint(entry.provider, ['openai', 'anthropic', 'google', 'azure', 'aws', 'groq', 'mistral', 'deepseek', 'x-ai', 'together', 'fireworks', 'openrouter'])}`,
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
  // A set for exact names and compiled globs: matching every alias against every model was
  // quadratic in the card's size.
  const exactModels = new Set(modelNames.filter((m) => !isGlob(m)).map((m) => m.toLowerCase()));
  const globModels = modelNames.filter(isGlob).map(globToRegExp);
  for (const [pattern, target] of Object.entries(card.aliases ?? {})) {
    const targetKnown =
      exactModels.has(target.toLowerCase()) ||
      globModels.some((glob) => glob.test(target)) ||
      catalogKnowsModel(target);
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
  const defaultGpus = Object.keys(defaultUnitPrices().gpus);
  for (const [gpu, prices] of Object.entries(card.gpu ?? {})) {
    const typos = gpuKeyTypos(normalizeGpuModel(gpu), defaultGpus);
    if (typos.length > 0) {
      const meant = typos.map((t) => `"${t}"`).join(' or ');
      add(
        formatPath(['gpu', gpu]),
        `a GPU of the default table (${defaultGpus.join(', ')}) or a GPU model of your own`,
        gpu,
        `did you mean ${meant}? A key of its own prices only GPUs reported under that name, so ${typos.join(' and ')} would keep the default price`,
      );
    }
    if (GPU_MARKETS.every((m) => prices[m] === undefined)) {
      add(
        formatPath(['gpu', gpu]),
        'at least one of on_demand, spot, reserved',
        prices,
        `write e.g. \`${gpu}: { on_demand: 2.5 }\` (USD per GPU-hour; spot: and reserved: likewise)`,
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
        `rename one of them, e.g. "${b.name}-${b.window}"; each name becomes a Prometheus rule`,
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
            `write [${[...new Set(t)].sort((a, b) => a - b).join(', ')}] (sorted, without duplicates)`,
          );
          break;
        }
      }
    }
  });
  issues.push(...budgetWindowIssues(card));
  issues.push(...enforcementIssues(card));
  const deploymentNames = new Set<string>();
  (card.deployments ?? []).forEach((d, i) => {
    if (deploymentNames.has(d.name))
      add(formatPath(['deployments', i, 'name']), 'a unique name', d.name, 'rename one of them');
    deploymentNames.add(d.name);
    issues.push(...deploymentIssues(card, d, i));
  });
  const fixedNames = new Set<string>();
  (card.fixed ?? []).forEach((f, i) => {
    if (fixedNames.has(f.name))
      add(formatPath(['fixed', i, 'name']), 'a unique name', f.name, 'rename one of them or add them up');
    fixedNames.add(f.name);
  });
  return issues;
}

type ParsedDeployment = NonNullable<ParsedCard['deployments']>[number];

/** The GPU price of a deployment: the card's gpu table over the defaults, for its market. */
function deploymentGpuPrice(
  card: ParsedCard,
  gpu: NonNullable<ParsedDeployment['gpu']>,
): GpuPrice | undefined {
  const key = normalizeGpuModel(gpu.model);
  const market = gpu.market ?? 'on_demand';
  for (const [model, prices] of Object.entries(card.gpu ?? {})) {
    const usd = prices[market];
    if (normalizeGpuModel(model) === key && usd !== undefined) return { usdPerHour: usd, origin: 'card' };
  }
  const usd = defaultUnitPrices().gpus[key]?.[market];
  return usd === undefined ? undefined : { usdPerHour: usd, origin: 'default' };
}

/** Issues of a deployment's gpu and server: a price for its GPUs, a selector that parses, a model. */
function deploymentIssues(card: ParsedCard, d: ParsedDeployment, i: number): PriceCardIssue[] {
  const issues: PriceCardIssue[] = [];
  const add = (path: readonly PropertyKey[], expected: string, got: unknown, fix: string): void => {
    issues.push({ path: formatPath(path), expected: `expected ${expected}`, got: renderValue(got), fix });
  };
  if (d.gpu && deploymentGpuPrice(card, d.gpu) === undefined) {
    const market = d.gpu.market ?? 'on_demand';
    const key = normalizeGpuModel(d.gpu.model);
    add(
      ['deployments', i, 'gpu', 'model'],
      `a GPU with a ${market} price in the card's gpu table or the defaults (${Object.keys(defaultUnitPrices().gpus).join(', ')})`,
      d.gpu.model,
      `add \`gpu: { ${key}: { ${market}: <USD per GPU-hour> } }\` to the card, or pick another GPU or market`,
    );
  }
  const gpuSelector = d.gpu?.selector === undefined ? undefined : parseLabelSelector(d.gpu.selector);
  if (gpuSelector && 'error' in gpuSelector) {
    add(
      ['deployments', i, 'gpu', 'selector'],
      `a label selector such as {job="dcgm"} (${gpuSelector.error})`,
      d.gpu?.selector,
      "write the matchers that pick the GPUs' DCGM or nvidia-smi series, or leave selector out",
    );
  }
  if (d.server) {
    const parsed = parseLabelSelector(d.server.selector);
    if ('error' in parsed) {
      add(
        ['deployments', i, 'server', 'selector'],
        `a label selector such as {job="vllm-llama"} (${parsed.error})`,
        d.server.selector,
        "write the matchers that pick the engine's scraped series, e.g. selector: '{job=\"vllm-llama\"}'",
      );
    }
    if (!d.gpu) {
      add(
        ['deployments', i, 'gpu'],
        'the GPUs the server runs on',
        undefined,
        "add gpu: { model: L4, count: 1, market: on_demand } (its cost is the GPUs' price)",
      );
    }
    if (d.model === undefined) {
      add(
        ['deployments', i, 'model'],
        'the request model the server serves',
        undefined,
        "add model: <the model name your clients send>; tenants' shares are counted from the calls for that model",
      );
    }
  }
  return issues;
}

/** Issues of budgets' time zones and of `budgets_source` (what the schema cannot check). */
function budgetWindowIssues(card: ParsedCard): PriceCardIssue[] {
  const issues: PriceCardIssue[] = [];
  const add = (path: readonly PropertyKey[], expected: string, got: unknown, fix: string): void => {
    issues.push({ path: formatPath(path), expected: `expected ${expected}`, got: renderValue(got), fix });
  };
  (card.budgets ?? []).forEach((b, i) => {
    if (b.timezone === undefined) return;
    if (!isKnownTimeZone(b.timezone)) {
      add(
        ['budgets', i, 'timezone'],
        'an IANA time zone such as "Europe/Berlin"',
        b.timezone,
        'write a zone name from the tz database (Europe/Berlin, America/New_York, Asia/Tokyo, UTC)',
      );
    } else if (!(CALENDAR_WINDOWS as readonly string[]).includes(b.window)) {
      add(
        ['budgets', i, 'timezone'],
        'no timezone on a rolling window (it applies to window: day, week or month)',
        b.timezone,
        `remove timezone, or write window: day, week or month to reset at midnight in ${b.timezone}`,
      );
    }
  });
  const source = card.budgets_source;
  if (source) {
    let url: URL | undefined;
    try {
      url = new URL(source.prometheus);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      add(
        ['budgets_source', 'prometheus'],
        "an http or https URL of Prometheus' HTTP API",
        source.prometheus,
        'write e.g. prometheus: "http://prometheus:9090" (the base URL; /api/v1/query is added)',
      );
    }
    if ((card.budgets ?? []).length === 0) {
      add(
        ['budgets_source'],
        'budgets to read the fleet spend of',
        source,
        'add budgets: (each replica then shares them through Prometheus), or remove budgets_source',
      );
    }
  }
  return issues;
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
    windowSeconds: parseWindow(b.window) ?? CALENDAR_NOMINAL_SECONDS[b.window] ?? 0,
    ...((CALENDAR_WINDOWS as readonly string[]).includes(b.window) && {
      calendar: { unit: b.window as CalendarUnit, timeZone: b.timezone ?? 'UTC' },
    }),
    scope: { ...(b.scope ?? {}) },
    thresholds: [...(b.thresholds ?? DEFAULT_BUDGET_THRESHOLDS)],
    ...(b.enforce && { enforce: normalizeEnforcement(b.enforce) }),
  }));

  const deployments: Deployment[] = (card.deployments ?? []).map((d) => {
    const dep: Deployment = {
      name: d.name,
      batchSize: d.batch_size,
      utilizationTarget: d.utilization_target,
      scope: { ...(d.scope ?? {}) },
      windowSeconds: d.window_seconds ?? 60,
      alerts: {
        idleShare: d.alerts?.idle_share ?? DEFAULT_DEPLOYMENT_ALERTS.idleShare,
        idleFor: d.alerts?.idle_for ?? DEFAULT_DEPLOYMENT_ALERTS.idleFor,
        capacityFor: d.alerts?.capacity_for ?? DEFAULT_DEPLOYMENT_ALERTS.capacityFor,
      },
    };
    if (d.model !== undefined) dep.model = d.model;
    const price = d.gpu ? deploymentGpuPrice(card, d.gpu) : undefined;
    if (d.gpu && price) {
      dep.gpu = {
        model: normalizeGpuModel(d.gpu.model),
        count: d.gpu.count,
        market: d.gpu.market ?? 'on_demand',
        usdPerGpuHour: price.usdPerHour,
        origin: price.origin,
      };
      const gpuSelector = d.gpu.selector === undefined ? undefined : parseLabelSelector(d.gpu.selector);
      if (gpuSelector && 'matchers' in gpuSelector) {
        dep.gpu.selector = formatLabelSelector(gpuSelector.matchers);
        dep.gpu.matchers = gpuSelector.matchers;
      }
    }
    const parsed = d.server ? parseLabelSelector(d.server.selector) : undefined;
    if (d.server && parsed && 'matchers' in parsed) {
      dep.server = {
        engine: d.server.engine,
        selector: formatLabelSelector(parsed.matchers),
        matchers: parsed.matchers,
      };
    }
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
    ...(card.budgets_source && {
      budgetsSource: {
        prometheusUrl: card.budgets_source.prometheus,
        refreshSeconds: parseDuration(card.budgets_source.refresh ?? '30s') ?? 30,
        fail: card.budgets_source.fail ?? 'open',
      },
    }),
    catalogVersion: CATALOG_VERSION,
    defaultsAsOf: defaults.asOf,
    ...(card.unit_prices && { unitPrices: unitPriceTable(card.unit_prices) }),
    ...(card.energy && { energy: { usdPerKwh: card.energy.usd_per_kwh } }),
  };
  const checksum = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { schema: LOADED_CARD_SCHEMA, ...body, checksum };
}
