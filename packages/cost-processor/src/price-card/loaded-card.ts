import type { PriceCardIssue } from './errors.js';
import type { PriceCard } from './types.js';

/** The value of `schema` that marks a card {@link loadPriceCard} returned. */
export const LOADED_CARD_SCHEMA = 'burnrate.price-card/v1';

/** Fields of a loaded card by what each holds; a card has all of them. */
const LIST_FIELDS = ['models', 'aliases', 'multipliers', 'fixed', 'budgets', 'deployments'] as const;
const MAP_FIELDS = ['providers', 'gpu', 'storage', 'network'] as const;
const TEXT_FIELDS = ['currency', 'catalogVersion', 'defaultsAsOf', 'checksum'] as const;

/**
 * The fields a loaded card has that `value` lacks (or holds as the wrong kind of value). Checked
 * by shape rather than by a private brand so that a card survives a copy, a JSON round trip or a
 * second copy of this package (ESM and CommonJS builds loaded side by side).
 */
export function missingCardFields(value: Readonly<Record<string, unknown>>): string[] {
  const missing: string[] = [];
  for (const f of LIST_FIELDS) if (!Array.isArray(value[f])) missing.push(f);
  for (const f of MAP_FIELDS) {
    const v = value[f];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) missing.push(f);
  }
  for (const f of TEXT_FIELDS) if (typeof value[f] !== 'string') missing.push(f);
  return missing;
}

/** True when `value` is an already loaded {@link PriceCard}: its schema mark and every field. */
export function isPriceCard(value: unknown): value is PriceCard {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.schema === LOADED_CARD_SCHEMA && missingCardFields(v).length === 0;
}

/**
 * The issue of an object that carries the loaded-card mark without being one, e.g.
 * `{ schema: 'burnrate.price-card/v1' }`: neither a loaded card nor a card as written.
 */
export function partialCardIssue(value: Readonly<Record<string, unknown>>): PriceCardIssue {
  return {
    path: 'schema',
    expected: 'expected a card as written in the file (without `schema`), or a card loadPriceCard returned',
    got: `schema: "${LOADED_CARD_SCHEMA}" on an object without ${missingCardFields(value).join(', ')}`,
    fix: 'remove `schema` and pass the sections as in the file (models:, gpu:, budgets:, …), or pass the loaded card itself',
  };
}
