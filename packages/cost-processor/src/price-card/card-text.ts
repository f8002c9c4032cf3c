import type { PriceCardIssue } from './errors.js';
import { parseJsonCard } from './json-card.js';
import { CARD_LIMITS, megabytes } from './limits.js';
import { parseYamlCard } from './yaml-card.js';

/** Card text parsed into a plain value, or the issues that stopped it. */
export interface ParsedText {
  value: unknown;
  issues: PriceCardIssue[];
}

const EMPTY_CARD_ISSUE: PriceCardIssue = {
  path: '',
  expected: 'expected a price card (a map of sections such as models:, gpu:, budgets:)',
  got: 'an empty file',
  fix: 'write at least one section, e.g. `budgets: [{ name: monthly, amount: 1000, window: 30d }]`, or give no card at all to use the defaults only',
};

/**
 * The issue of a card over {@link CARD_LIMITS.bytes}, raised before it is read or parsed.
 *
 * @param bytes the card's size, or undefined when only "more than the limit" is known (a pipe).
 */
export function oversizeIssue(bytes: number | undefined): PriceCardIssue {
  return {
    path: '',
    expected: `expected a price card of at most ${megabytes(CARD_LIMITS.bytes)} (${CARD_LIMITS.bytes.toLocaleString('en-US')} bytes)`,
    got:
      bytes === undefined ? 'more than that' : `${bytes.toLocaleString('en-US')} bytes (${megabytes(bytes)})`,
    fix: 'keep the models you price yourself and leave the rest to the genai-prices catalog (it needs no entry), price families with one glob (`gpt-4o-*: { input: 2.5, output: 10 }`) or alias them, and keep data other than prices out of the card',
  };
}

/**
 * Parses card text: JSON with `JSON.parse` when `json`, else YAML (of which JSON is a subset).
 * Text over {@link CARD_LIMITS.bytes} is refused before parsing; a leading byte-order mark is
 * dropped (RFC 8259 lets a JSON parser ignore it, and editors on Windows write one).
 */
export function parseCardText(text: string, json: boolean): ParsedText {
  // A UTF-16 unit is at most 3 bytes of UTF-8: shorter text is under the limit without counting.
  if (text.length > CARD_LIMITS.bytes / 3 && Buffer.byteLength(text, 'utf8') > CARD_LIMITS.bytes) {
    return { value: undefined, issues: [oversizeIssue(Buffer.byteLength(text, 'utf8'))] };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (json && body.trim() === '') return { value: undefined, issues: [EMPTY_CARD_ISSUE] };
  const parsed = json ? parseJsonCard(body) : parseYamlCard(body);
  // A YAML file of only comments (or `~`) is empty too; JSON `null` is left to the schema to refuse.
  if (!json && parsed.issues.length === 0 && (parsed.value === null || parsed.value === undefined)) {
    return { value: undefined, issues: [EMPTY_CARD_ISSUE] };
  }
  return parsed;
}
