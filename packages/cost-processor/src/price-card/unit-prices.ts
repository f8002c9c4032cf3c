import defaults from '../../data/openai-unit-prices.json' with { type: 'json' };
import type { UnitPricesInput } from './unit-prices-schema.js';

/** Where a unit price came from: the user's card or the shipped OpenAI table. */
export type UnitPriceFrom = 'card' | 'default';

/** USD per image of a model, for one size and quality (or any, when absent). */
export interface ImagePrice {
  /** Model name or glob. */
  model: string;
  size?: string;
  quality?: string;
  usdPerImage: number;
  origin: UnitPriceFrom;
}

/** USD per unit (second of audio, character) of a model. */
export interface ModelUnitPrice {
  /** Model name or glob. */
  model: string;
  usdPerUnit: number;
  origin: UnitPriceFrom;
}

/** USD per call of a built-in tool, for some models (globs) or all. */
export interface ToolCallPrice {
  tool: string;
  models?: readonly string[];
  usdPerCall: number;
  origin: UnitPriceFrom;
}

/** USD per code-interpreter container of a memory size. */
export interface ContainerPrice {
  memoryLimit: string;
  usdPerContainer: number;
  origin: UnitPriceFrom;
}

/**
 * Prices in units other than tokens, the card's entries first (they win), then the shipped
 * defaults. The defaults are OpenAI's and apply only to calls priced as provider `openai`; the
 * card's apply to every provider.
 */
export interface UnitPriceTable {
  readonly images: readonly ImagePrice[];
  /** USD per second of input audio. */
  readonly audioSeconds: readonly ModelUnitPrice[];
  /** USD per character of input text. */
  readonly characters: readonly ModelUnitPrice[];
  readonly toolCalls: readonly ToolCallPrice[];
  readonly containers: readonly ContainerPrice[];
  /** Date of the shipped defaults (YYYY-MM-DD). */
  readonly defaultsAsOf: string;
}

/** The catalog provider the shipped defaults belong to. */
export const UNIT_DEFAULTS_PROVIDER = 'openai';

/** The shipped defaults' sources (URLs with the prices they list), by section. */
export const UNIT_PRICE_SOURCES: Readonly<Record<string, string>> = defaults.sources;

/**
 * The unit price table of a card: its `unit_prices` entries (converted to USD per image, second,
 * character, call and container) before the shipped defaults of `data/openai-unit-prices.json`.
 */
export function unitPriceTable(card: UnitPricesInput | undefined): UnitPriceTable {
  const images: ImagePrice[] = [];
  for (const [model, bySize] of Object.entries(card?.images ?? {})) {
    for (const [key, usd] of Object.entries(bySize)) {
      const [size, quality] = key.split('/');
      const p: ImagePrice = { model, usdPerImage: usd, origin: 'card' };
      if (size !== undefined) p.size = size;
      if (quality !== undefined) p.quality = quality;
      images.push(p);
    }
  }
  for (const d of defaults.images) images.push({ ...d, origin: 'default' });
  const audioSeconds: ModelUnitPrice[] = [
    ...Object.entries(card?.audio_per_minute ?? {}).map(([model, usd]) => card1(model, usd / 60)),
    ...defaults.audioPerMinute.map((d) => ({
      model: d.model,
      usdPerUnit: d.usdPerMinute / 60,
      origin: 'default' as const,
    })),
  ];
  const characters: ModelUnitPrice[] = [
    ...Object.entries(card?.characters_per_1m ?? {}).map(([model, usd]) => card1(model, usd / 1e6)),
    ...defaults.charactersPer1M.map((d) => ({
      model: d.model,
      usdPerUnit: d.usdPer1MCharacters / 1e6,
      origin: 'default' as const,
    })),
  ];
  const toolCalls: ToolCallPrice[] = [
    ...Object.entries(card?.tool_calls_per_1k ?? {}).map(([tool, usd]) => ({
      tool,
      usdPerCall: usd / 1000,
      origin: 'card' as const,
    })),
    ...defaults.toolCallsPer1k.map((d) => {
      const p: ToolCallPrice = { tool: d.tool, usdPerCall: d.usdPer1kCalls / 1000, origin: 'default' };
      if ('models' in d && Array.isArray(d.models)) p.models = d.models;
      return p;
    }),
  ];
  const containers: ContainerPrice[] = [
    ...Object.entries(card?.containers ?? {}).map(([memoryLimit, usd]) => ({
      memoryLimit,
      usdPerContainer: usd,
      origin: 'card' as const,
    })),
    ...defaults.containers.map((d) => ({ ...d, origin: 'default' as const })),
  ];
  return { images, audioSeconds, characters, toolCalls, containers, defaultsAsOf: defaults.asOf };
}

function card1(model: string, usdPerUnit: number): ModelUnitPrice {
  return { model, usdPerUnit, origin: 'card' };
}
