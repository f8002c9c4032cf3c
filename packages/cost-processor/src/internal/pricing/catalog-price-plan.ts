import type { ConditionalPrice, ModelPrice } from '@pydantic/genai-prices';

/**
 * A catalog model's prices compiled once, so a call is priced with a few multiplications instead of
 * a `calcPrice` (provider search, model search, unit validation and leaf sorting on every call).
 *
 * The arithmetic mirrors `calcPrice` of the pinned `@pydantic/genai-prices` 0.1.8 operation by
 * operation, so totals are bit-for-bit the catalog's: each price term is `price × tokens ÷ per`
 * (tiered: `(price × tokens ÷ 1e6) × 1e6 ÷ per`), added in the price object's key order into input,
 * output and other sums, total = input + output + other. Token counts are the catalog's "leaf"
 * values: input less the cache reads and writes the model prices separately, cache writes less
 * their 1-hour part. Any case this does not cover (an unknown price key, a constraint it cannot
 * read, a price `calcPrice` rejects, a leaf that would come out negative) compiles or evaluates to
 * `undefined`, and the caller prices that call with `calcPrice` itself. `catalog-price-plan.test.ts`
 * checks every model of the pinned catalog against `calcPrice`.
 */
export interface CatalogPricePlan {
  /** One entry for a plain price; the catalog's conditional prices (start dates, time of day) in order. */
  readonly variants: readonly PlanVariant[];
  /** True when `variants` came from a conditional price list (so a call's time selects one). */
  readonly conditional: boolean;
}

/** Token counts of one call as genai-prices sees them (after `toCatalogUsage`). */
export interface CatalogTokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
}

type Slot = 'input' | 'output' | 'cacheRead' | 'cacheWrite' | 'cacheWrite1h' | 'requests';

interface Tiered {
  readonly base: number;
  /** Sorted by start, as genai-prices' `TieredPrices` sorts them. */
  readonly tiers: readonly { readonly start: number; readonly price: number }[];
}

interface Term {
  readonly slot: Slot;
  readonly price: number | Tiered;
  readonly per: number;
  /** 0 input, 1 output, 2 neither (requests). */
  readonly direction: 0 | 1 | 2;
}

type Constraint =
  | { readonly kind: 'none' }
  | { readonly kind: 'start'; readonly startMs: number }
  | { readonly kind: 'time_of_day'; readonly start: number; readonly end: number };

interface PlanVariant {
  readonly constraint: Constraint;
  readonly terms: readonly Term[];
  /** Which of the call's cache units the model prices separately (changes the leaf values). */
  readonly cacheRead: boolean;
  readonly cacheWrite: boolean;
  readonly cacheWrite1h: boolean;
  /** Some price is tiered: tiers are chosen by the call's total input tokens. */
  readonly tiered: boolean;
  /** Units the price names besides `requests`, for genai-prices' rounding tolerance. */
  readonly unitCount: number;
}

/** Price keys whose units a call's token usage reaches: slot, tokens per price unit, direction. */
const PRICED_KEYS: Readonly<Record<string, { slot: Slot; per: number; direction: 0 | 1 | 2 }>> = {
  input_mtok: { slot: 'input', per: 1e6, direction: 0 },
  output_mtok: { slot: 'output', per: 1e6, direction: 1 },
  cache_read_mtok: { slot: 'cacheRead', per: 1e6, direction: 0 },
  cache_write_mtok: { slot: 'cacheWrite', per: 1e6, direction: 0 },
  cache_write_1h_mtok: { slot: 'cacheWrite1h', per: 1e6, direction: 0 },
  requests_kcount: { slot: 'requests', per: 1e3, direction: 2 },
};

/**
 * The other price keys of genai-prices 0.1.8's unit registry. A call reports none of their units and
 * none of them is an ancestor of a unit it reports (they carry a modality, a tool, a page or time
 * family), so their leaf is 0 and they add exactly 0; they still count towards the tolerance.
 */
const ZERO_KEYS: ReadonlySet<string> = new Set([
  'audio_hours',
  'cache_audio_read_mtok',
  'cache_audio_write_1h_mtok',
  'cache_audio_write_5m_mtok',
  'cache_audio_write_mtok',
  'cache_image_read_mtok',
  'cache_image_write_1h_mtok',
  'cache_image_write_5m_mtok',
  'cache_image_write_mtok',
  'cache_text_read_mtok',
  'cache_text_write_1h_mtok',
  'cache_text_write_5m_mtok',
  'cache_text_write_mtok',
  'cache_video_read_mtok',
  'cache_video_write_1h_mtok',
  'cache_video_write_5m_mtok',
  'cache_video_write_mtok',
  'cache_write_5m_mtok',
  'code_executions_kcount',
  'input_annotated_document_kpages',
  'input_audio_hours',
  'input_audio_mtok',
  'input_audio_tool_mtok',
  'input_mchars',
  'input_document_kpages',
  'input_image_mtok',
  'input_image_tool_mtok',
  'input_gpixels',
  'input_text_messages_kcount',
  'input_text_mtok',
  'input_text_tool_mtok',
  'input_tool_mtok',
  'input_video_mtok',
  'input_video_tool_mtok',
  'output_audio_citation_mtok',
  'output_audio_reasoning_mtok',
  'output_audio_hours',
  'output_audio_mtok',
  'output_citation_mtok',
  'output_image_citation_mtok',
  'output_image_reasoning_mtok',
  'output_image_mtok',
  'output_reasoning_mtok',
  'output_text_citation_mtok',
  'output_text_reasoning_mtok',
  'output_text_mtok',
  'output_video_citation_mtok',
  'output_video_reasoning_mtok',
  'output_video_mtok',
  'rerank_searches_kcount',
  'social_searches_kcount',
  'storage_searches_kcount',
  'web_searches_kcount',
]);

/**
 * Compiles a catalog model's `prices` (plain or conditional). `accepts(prices)` must say whether
 * genai-prices itself accepts one price object (its unit checks); a variant it rejects, or anything
 * this plan cannot mirror, makes the whole plan `undefined`.
 */
export function compileCatalogPrices(
  prices: ConditionalPrice[] | ModelPrice,
  accepts: (price: ModelPrice) => boolean,
): CatalogPricePlan | undefined {
  if (!Array.isArray(prices)) {
    const variant = compileVariant(prices, { kind: 'none' }, accepts);
    return variant ? { variants: [variant], conditional: false } : undefined;
  }
  if (prices.length === 0) return undefined;
  const variants: PlanVariant[] = [];
  for (const p of prices) {
    const constraint = compileConstraint(p.constraint);
    const variant = constraint ? compileVariant(p.prices, constraint, accepts) : undefined;
    if (!variant) return undefined;
    variants.push(variant);
  }
  return { variants, conditional: true };
}

function compileConstraint(c: ConditionalPrice['constraint']): Constraint | undefined {
  if (c === undefined) return { kind: 'none' };
  if (c.type === 'start_date') return { kind: 'start', startMs: new Date(c.start_date).getTime() };
  if (c.type === 'time_of_date') {
    const start = secondsOfDay(c.start_time);
    const end = secondsOfDay(c.end_time);
    return start === undefined || end === undefined ? undefined : { kind: 'time_of_day', start, end };
  }
  return undefined;
}

function compileVariant(
  price: ModelPrice,
  constraint: Constraint,
  accepts: (price: ModelPrice) => boolean,
): PlanVariant | undefined {
  if (typeof price !== 'object' || price === null) return undefined;
  const terms: Term[] = [];
  let unitCount = 0;
  for (const [key, value] of Object.entries(price)) {
    if (value === undefined) continue;
    const priced = PRICED_KEYS[key];
    if (priced === undefined) {
      if (!ZERO_KEYS.has(key)) return undefined;
      unitCount += 1;
      continue;
    }
    if (priced.slot !== 'requests') unitCount += 1;
    const compiled = compilePrice(value);
    if (compiled === undefined) return undefined;
    terms.push({ slot: priced.slot, price: compiled, per: priced.per, direction: priced.direction });
  }
  // Asked last, so a price with a key genai-prices does not know never reaches it (it warns on those).
  if (!accepts(price)) return undefined;
  const has = (slot: Slot): boolean => terms.some((t) => t.slot === slot);
  return {
    constraint,
    terms,
    cacheRead: has('cacheRead'),
    cacheWrite: has('cacheWrite'),
    cacheWrite1h: has('cacheWrite1h'),
    tiered: terms.some((t) => typeof t.price === 'object'),
    unitCount,
  };
}

function compilePrice(value: unknown): number | Tiered | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const { base, tiers } = value as { base?: unknown; tiers?: unknown };
  if (typeof base !== 'number' || !Array.isArray(tiers)) return undefined;
  const out: { start: number; price: number }[] = [];
  for (const t of tiers as { start?: unknown; price?: unknown }[]) {
    if (typeof t?.start !== 'number' || typeof t.price !== 'number') return undefined;
    out.push({ start: t.start, price: t.price });
  }
  return { base, tiers: out.sort((a, b) => a.start - b.start) };
}

/** genai-prices' time-of-day parser (`HH:MM:SS[.fff](Z|±HH:MM)` → seconds after UTC midnight). */
function secondsOfDay(text: string): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return undefined;
  const [, hh = '', mm = '', ss = '', frac = '', zone, sign, oh = '00', om = '00'] = m;
  const h = Number(hh);
  const min = Number(mm);
  const s = Number(ss);
  const offset = (Number(oh) * 60 + Number(om)) * 60;
  if (h > 23 || min > 59 || s > 59 || oh > '23' || om > '59') return undefined;
  const local = h * 3600 + min * 60 + s + +`0.${frac}`;
  const shift = zone === 'Z' ? 0 : sign === '+' ? offset : -offset;
  return (local - shift + 86400) % 86400;
}

/**
 * USD of one call at the catalog price, or `undefined` when the plan cannot say (an invalid call time
 * for a conditional price, a negative leaf): then price the call with `calcPrice`.
 *
 * @param timeMs the call's time, ms since epoch (only conditional prices read it).
 */
export function evaluateCatalogPlan(
  plan: CatalogPricePlan,
  tokens: CatalogTokens,
  timeMs: number,
): number | undefined {
  const variant = plan.conditional ? selectVariant(plan.variants, timeMs) : plan.variants[0];
  return variant === undefined ? undefined : evaluateVariant(variant, tokens);
}

/** genai-prices' choice among conditional prices: the last whose constraint holds, else the first. */
function selectVariant(variants: readonly PlanVariant[], timeMs: number): PlanVariant | undefined {
  const t = new Date(timeMs).getTime();
  if (Number.isNaN(t)) return undefined;
  let secondOfDay: number | undefined;
  for (let i = variants.length - 1; i >= 0; i--) {
    const v = variants[i];
    if (v === undefined) return undefined;
    const c = v.constraint;
    if (c.kind === 'none') return v;
    if (c.kind === 'start') {
      if (t >= c.startMs) return v;
      continue;
    }
    if (secondOfDay === undefined) {
      const d = new Date(t);
      secondOfDay =
        d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds() + d.getUTCMilliseconds() / 1e3;
    }
    if (
      c.end < c.start
        ? secondOfDay >= c.start || secondOfDay < c.end
        : secondOfDay >= c.start && secondOfDay < c.end
    )
      return v;
  }
  return variants[0];
}

function evaluateVariant(v: PlanVariant, u: CatalogTokens): number | undefined {
  // Leaves in genai-prices' order (most specific unit first): 1-hour writes, cache reads, cache
  // writes, then input less all of them and output.
  const leaf1h = u.cacheWrite1h;
  const cacheWrite = v.cacheWrite1h ? leaf(u.cacheWrite, leaf1h, v.unitCount) : u.cacheWrite;
  if (cacheWrite === undefined) return undefined;
  let below = 0;
  if (v.cacheWrite1h) below += leaf1h;
  if (v.cacheRead) below += u.cacheRead;
  if (v.cacheWrite) below += cacheWrite;
  const input = leaf(u.input, below, v.unitCount);
  if (input === undefined) return undefined;
  const totalInput = v.tiered ? u.input : 0;
  let inputUsd = 0;
  let outputUsd = 0;
  let otherUsd = 0;
  for (const term of v.terms) {
    const n =
      term.slot === 'input'
        ? input
        : term.slot === 'output'
          ? u.output
          : term.slot === 'cacheRead'
            ? u.cacheRead
            : term.slot === 'cacheWrite'
              ? cacheWrite
              : term.slot === 'cacheWrite1h'
                ? leaf1h
                : 1;
    const usd =
      typeof term.price === 'number'
        ? (term.price * n) / term.per
        : (tieredUsd(term.price, n, totalInput) * 1e6) / term.per;
    if (term.direction === 0) inputUsd += usd;
    else if (term.direction === 1) outputUsd += usd;
    else otherUsd += usd;
  }
  return inputUsd + outputUsd + otherUsd;
}

/** `value − below` with genai-prices' rounding tolerance; undefined where it would throw. */
function leaf(value: number, below: number, unitCount: number): number | undefined {
  let r = value - below;
  const tolerance = Number.EPSILON * Math.max(1, Math.abs(value), Math.abs(below)) * (unitCount + 1);
  if (r < 0 && Math.abs(r) <= tolerance) r = 0;
  return r < 0 ? undefined : r;
}

function tieredUsd(price: Tiered, tokens: number, totalInput: number): number {
  if (tokens <= 0) return 0;
  let p = price.base;
  for (const tier of price.tiers) if (totalInput > tier.start) p = tier.price;
  return (p * tokens) / 1e6;
}
