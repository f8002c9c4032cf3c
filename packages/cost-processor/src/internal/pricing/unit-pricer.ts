import type { LlmUsageRecord } from '@burnrate/sdk';
import { matchesPattern } from '@burnrate/semconv';
import type { PriceCard } from '../../price-card/types.js';
import {
  UNIT_DEFAULTS_PROVIDER,
  type UnitPriceFrom,
  type UnitPriceTable,
  unitPriceTable,
} from '../../price-card/unit-prices.js';
import { resolveCatalogProvider } from './genai-prices-adapter.js';
import type { Unpriced } from './types.js';

/** The unit a charge or a shortfall is counted in (`burnrate.unit` of unpriced usage). */
export type BilledUnit = 'image' | 'second' | 'character' | 'call' | 'container';

/** Dollars for one kind of unit of a call. */
export interface UnitCharge {
  kind: 'priced';
  unit: BilledUnit;
  amount: number;
  usd: number;
  source: UnitPriceFrom;
  /** What priced it, for `burnrate.price.model`: the model (`dall-e-3`), `tool:web_search` or `container:1g`. */
  matched: string;
}

/** Units of a call with no price. */
export interface UnitShortfall {
  kind: 'unpriced';
  unit: BilledUnit;
  amount: number;
  result: Unpriced;
}

/** What a call's units cost: the charges, the units without a price, and the sum in USD. */
export interface UnitPricing {
  charges: UnitCharge[];
  unpriced: UnitShortfall[];
  usd: number;
}

/** The table of a card (cards loaded before unit prices existed have none: the defaults apply). */
export function tableOf(card: PriceCard): UnitPriceTable {
  return card.unitPrices ?? unitPriceTable(undefined);
}

/**
 * Prices a call's non-token units. Built-in tool calls and containers are always billed on top of
 * the tokens. Images, audio seconds and characters are billed instead of tokens: when the call
 * reported tokens (`tokensReported`: gpt-image, gpt-4o-transcribe), the tokens price it and those
 * units are only counted; when it did not (DALL·E, whisper-1, tts-1), each is priced from the table
 * or reported unpriced with the card entry that would price it. Never throws on odd input.
 */
export function priceUnits(
  table: UnitPriceTable,
  card: PriceCard,
  record: LlmUsageRecord,
  tokensReported: boolean,
): UnitPricing {
  const out: UnitPricing = { charges: [], unpriced: [], usd: 0 };
  const units = record.units;
  if (!units) return out;
  const catalogProvider = resolveCatalogProvider(String(record.provider), card.providers);
  const usable = (origin: UnitPriceFrom): boolean =>
    origin === 'card' || catalogProvider === UNIT_DEFAULTS_PROVIDER;
  const names = [record.responseModel, record.requestModel].filter(
    (n): n is string => typeof n === 'string' && n !== '',
  );
  const model = names[0] ?? 'unknown';
  const matches = (pattern: string): boolean => names.some((n) => matchesPattern(pattern, n));
  const charge = (
    unit: BilledUnit,
    amount: number,
    usdPerUnit: number,
    source: UnitPriceFrom,
    matched: string,
  ) => {
    const usd = amount * usdPerUnit;
    out.charges.push({ kind: 'priced', unit, amount, usd, source, matched });
    out.usd += usd;
  };
  const missing = (unit: BilledUnit, amount: number, detail: string): void => {
    const reason = catalogProvider === undefined ? 'unknown_provider' : 'unknown_unit_price';
    const text =
      catalogProvider === undefined
        ? `provider "${record.provider}" is not known, so the shipped OpenAI unit prices do not apply; map it with \`providers: { "${record.provider}": openai }\` or ${detail}`
        : detail;
    out.unpriced.push({ kind: 'unpriced', unit, amount, result: { kind: 'unpriced', reason, detail: text } });
  };

  if (!tokensReported) {
    for (const image of units.images ?? []) {
      const count = positive(image.count);
      if (count === 0) continue;
      const p = table.images.find(
        (x) =>
          usable(x.origin) &&
          matches(x.model) &&
          (x.size === undefined || x.size === image.size) &&
          (x.quality === undefined || x.quality === image.quality),
      );
      const shape = `${image.size ?? 'unknown size'}/${image.quality ?? 'unknown quality'}`;
      if (p) charge('image', count, p.usdPerImage, p.origin, p.model);
      else
        missing(
          'image',
          count,
          `no per-image price for ${model} at ${shape}; add \`unit_prices: { images: { "${model}": { "${image.size ?? '1024x1024'}/${image.quality ?? 'standard'}": <USD per image> } } }\``,
        );
    }
    const seconds = positive(units.audioSeconds);
    if (seconds > 0) {
      const p = table.audioSeconds.find((x) => usable(x.origin) && matches(x.model));
      if (p) charge('second', seconds, p.usdPerUnit, p.origin, p.model);
      else
        missing(
          'second',
          seconds,
          `no per-minute audio price for ${model}; add \`unit_prices: { audio_per_minute: { "${model}": <USD per minute> } }\``,
        );
    }
    const characters = positive(units.characters);
    if (characters > 0) {
      const p = table.characters.find((x) => usable(x.origin) && matches(x.model));
      if (p) charge('character', characters, p.usdPerUnit, p.origin, p.model);
      else
        missing(
          'character',
          characters,
          `no per-character price for ${model}${/tts/i.test(model) && !/^tts-1/i.test(model) ? ' (it is billed by text input and audio output tokens, which a binary speech response does not report; request stream_format: "sse" for token usage, or give a per-character estimate)' : ''}; add \`unit_prices: { characters_per_1m: { "${model}": <USD per 1M characters> } }\``,
        );
    }
  }
  for (const [tool, rawCount] of Object.entries(units.toolCalls ?? {})) {
    const count = positive(rawCount);
    // Code-interpreter calls are billed per container, below.
    if (count === 0 || tool === 'code_interpreter') continue;
    const p = table.toolCalls.find(
      (x) => usable(x.origin) && x.tool === tool && (x.models === undefined || x.models.some(matches)),
    );
    if (p) charge('call', count, p.usdPerCall, p.origin, `tool:${tool}`);
    else
      missing(
        'call',
        count,
        `no per-call price for built-in tool ${tool}; add \`unit_prices: { tool_calls_per_1k: { ${tool}: <USD per 1,000 calls> } }\``,
      );
  }
  for (const c of units.containers ?? []) {
    const count = positive(c.count);
    if (count === 0) continue;
    const memory = (c.memoryLimit ?? '1g').toLowerCase();
    const p = table.containers.find((x) => usable(x.origin) && x.memoryLimit === memory);
    if (p) charge('container', count, p.usdPerContainer, p.origin, `container:${memory}`);
    else
      missing(
        'container',
        count,
        `no price for a ${memory} code-interpreter container; add \`unit_prices: { containers: { ${memory}: <USD per container> } }\``,
      );
  }
  return out;
}

function positive(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}
