import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, PriceCardError } from '../src/price-card/errors.js';
import { loadPriceCard, parsePriceCard } from '../src/price-card/load-price-card.js';
import type { PriceCardInput } from '../src/price-card/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'burnrate-card-fixes-'));

function issuesOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof PriceCardError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('the card loaded');
}

const fromObject = (card: unknown) => issuesOf(() => loadPriceCard(card as PriceCardInput));
const fromYaml = (text: string) => issuesOf(() => parsePriceCard(text, 'card.yaml'));
function fromFile(name: string, text: string): string[] {
  const path = join(dir, name);
  writeFileSync(path, text);
  return issuesOf(() => loadPriceCard(path));
}

describe('a bad price card is refused with the exact value to write', () => {
  it('turns numbers written as text into the plain number to write', () => {
    const issues = fromObject({
      models: { 'my-model': { input: '$5', output: '1,000' } },
      storage: { default: '0.10/GB' },
      multipliers: [{ model: 'gpt-4o', factor: '50%' }],
      fixed: [{ name: 'db', usd_per_month: '500$' }],
      budgets: [{ name: 'm', amount: '1000', window: '30d' }],
    });
    expect(issues).toEqual([
      'models["my-model"].input: expected a number ≥ 0 (USD per `per_tokens` input tokens), got "$5" — fix: write 5 (a plain number, without quotes, units or suffixes)',
      'models["my-model"].output: expected a number ≥ 0 (USD per `per_tokens` output tokens), got "1,000" — fix: write 1000 (a plain number, without quotes, units or suffixes)',
      'multipliers[0].factor: expected a positive number (multiplier on the catalog price), got "50%" — fix: write 0.5 (a plain number, without quotes, units or suffixes)',
      'storage.default: expected a number ≥ 0 (USD per GB-month), got "0.10/GB" — fix: write 0.1 (a plain number, without quotes, units or suffixes)',
      'fixed[0].usd_per_month: expected a positive number (USD per 30-day month), got "500$" — fix: write 500 (a plain number, without quotes, units or suffixes)',
      'budgets[0].amount: expected a positive number (USD), got "1000" — fix: remove the quotes: write 1000',
    ]);
  });

  it('turns a "128k" long-context threshold into 128000', () => {
    expect(
      fromObject({
        models: { m: { input: 1, output: 2, long_context: { threshold: '128k', input: 2, output: 4 } } },
      }),
    ).toEqual([
      'models.m.long_context.threshold: expected a whole number of input tokens, got "128k" — fix: write 128000 (a plain number, without quotes, units or suffixes)',
    ]);
  });

  it('asks for a negative price without its minus sign', () => {
    expect(fromObject({ gpu: { h100: { spot: -2 } } })).toEqual([
      'gpu.h100.spot: expected a positive number (USD per GPU-hour, spot), got -2 — fix: write 2 (prices and amounts are positive; a discount is a multiplier with factor below 1)',
    ]);
  });

  it('turns percentages written as thresholds into fractions', () => {
    expect(
      fromObject({ budgets: [{ name: 'm', amount: 100, window: '30d', thresholds: [50, 0.8] }] }),
    ).toEqual([
      'budgets[0].thresholds[0]: expected a fraction ≤ 10, got 50 — fix: write 0.5 (thresholds are fractions of the amount: 0.8 means 80 %)',
    ]);
  });

  it('writes unsorted thresholds back sorted', () => {
    expect(
      fromObject({ budgets: [{ name: 'm', amount: 100, window: '30d', thresholds: [1, 0.5, 0.8, 0.5] }] }),
    ).toEqual([
      'budgets[0].thresholds: expected strictly ascending fractions, got "[1, 0.5, 0.8, 0.5]" — fix: write [0.5, 0.8, 1] (sorted, without duplicates)',
    ]);
  });

  it('translates windows such as 1month, weekly and a bare 30 into m/h/d/w (or the calendar week)', () => {
    const issues = fromObject({
      budgets: [
        { name: 'a', amount: 1, window: '1month' },
        { name: 'b', amount: 1, window: 'weekly' },
        { name: 'c', amount: 1, window: 30 },
        { name: 'd', amount: 1, window: '12 hours' },
      ],
    });
    expect(issues.map((i) => i.split(' — fix: ')[1])).toEqual([
      'write 30d (a whole number followed by m, h, d or w; a month is 30d)',
      'write week (calendar: resets at local midnight; add timezone: to set the zone, default UTC) or 1w (rolling)',
      'write 30d (a whole number followed by m, h, d or w; a month is 30d)',
      'write 12h (a whole number followed by m, h, d or w; a month is 30d)',
    ]);
  });

  it('offers the calendar window for Monthly and daily, beside the rolling one', () => {
    const issues = fromObject({
      budgets: [
        { name: 'a', amount: 1, window: 'Monthly' },
        { name: 'b', amount: 1, window: 'daily' },
      ],
    });
    expect(issues.map((i) => i.split(' — fix: ')[1])).toEqual([
      'write month (calendar: resets at local midnight; add timezone: to set the zone, default UTC) or 30d (rolling)',
      'write day (calendar: resets at local midnight; add timezone: to set the zone, default UTC) or 1d (rolling)',
    ]);
  });

  it('suggests a budget name without the characters Prometheus cannot take', () => {
    expect(fromObject({ budgets: [{ name: 'search monthly!', amount: 1, window: '30d' }] })).toEqual([
      'budgets[0].name: expected a name of letters, digits, _ . : or -, got "search monthly!" — fix: write "search-monthly" (it becomes a Prometheus label value and rule name)',
    ]);
  });

  it('rewrites models written as a list into the map keyed by model name', () => {
    expect(fromYaml('models:\n  - name: my-model\n    input: 1\n    output: 2\n')).toEqual([
      'models: expected a map keyed by name, got a list of 1 — fix: write models as a map keyed by name, not a list: `models: { my-model: { input: 1, output: 2 } }` (no "- ", no name: key)',
    ]);
  });

  it('rewrites a GPU written as a bare number into a per-market price', () => {
    expect(fromYaml('gpu:\n  h100: 2.5\n')).toEqual([
      'gpu.h100: expected a map of keys, got 2.5 — fix: give the price per market: `h100: { on_demand: 2.5 }` (or spot: / reserved:)',
    ]);
  });

  it('asks for both directions of a network price given only one', () => {
    expect(fromObject({ network: { internet: { transmit: 0.05 } } })).toEqual([
      'network.internet: expected USD per GB as a number or { transmit, receive }, got an object — fix: give both directions: `internet: { transmit: 0.05, receive: 0 }` (or one number for both)',
    ]);
  });

  it('suggests the provider id a model price misspelled', () => {
    expect(fromObject({ models: { m: { provider: 'anthropc', input: 1, output: 2 } } })).toEqual([
      'models.m.provider: expected a genai-prices provider id, got "anthropc" — fix: use e.g. openai or anthropic, or remove it (did you mean "anthropic"?)',
    ]);
  });

  it('refuses a top-level list and says to drop the leading dash', () => {
    expect(fromYaml('- models: {}\n')).toEqual([
      '(card): expected a map of sections, got a list of 1 — fix: a price card is a map of sections at the top level (models:, gpu:, budgets:, …); remove the leading "- "',
    ]);
  });
});

describe('a price card file that is empty or not valid YAML or JSON is refused with the line to fix', () => {
  it('refuses an empty file instead of loading the defaults silently', () => {
    expect(fromFile('empty.yaml', '')).toEqual([
      '(card): expected a price card (a map of sections such as models:, gpu:, budgets:), got an empty file — fix: write at least one section, e.g. `budgets: [{ name: monthly, amount: 1000, window: 30d }]`, or give no card at all to use the defaults only',
    ]);
    expect(fromFile('comments.yaml', '# prices to come\n')).toHaveLength(1);
    expect(fromFile('empty.json', '  \n')).toHaveLength(1);
  });

  it('shows the badly indented YAML line and how to indent it', () => {
    expect(fromYaml('models:\n  m:\n    input: 1\n   output: 2\n')).toEqual([
      'line 4, column 1: expected valid YAML or JSON, got All mapping items must start at the same column in "output: 2" — fix: indent this line exactly like the other keys at its level (YAML nests by indentation)',
    ]);
  });

  it('says to indent with spaces when a tab indents YAML', () => {
    expect(fromYaml('models:\n\tm: { input: 1, output: 2 }\n')[0]).toMatch(
      /— fix: indent with spaces, not tabs$/,
    );
  });

  it('points at the trailing comma of a JSON card', () => {
    expect(
      fromFile('trailing.json', '{\n  "models": {\n    "m": { "input": 1, "output": 2, }\n  }\n}\n'),
    ).toEqual([
      'line 3, column 37: expected valid JSON, got Expected double-quoted property name in "\\"m\\": { \\"input\\": 1, \\"output\\": 2, }" — fix: remove the comma before the closing } on line 3 (JSON allows no trailing commas), or write the card in YAML',
    ]);
  });

  it('still loads a valid JSON card', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, '{ "models": { "m": { "input": 1, "output": 2 } } }');
    expect(loadPriceCard(path).models.map((m) => m.pattern)).toEqual(['m']);
  });
});

describe('absurd values are refused with the bound in the message', () => {
  it('refuses a token price of 1e308, which made report().totalUsd Infinity, naming the bound', () => {
    expect(fromObject({ models: { 'my-ft': { input: 1e308, output: 1 } } })).toEqual([
      'models["my-ft"].input: expected at most 100000 (USD per `per_tokens` input tokens), got 1e+308 — fix: check the unit: write a plain number such as 2.5; larger values cannot be real prices',
    ]);
  });

  it('refuses GPU, storage, network, fixed, budget and multiplier values past their bounds', () => {
    const issues = fromObject({
      gpu: { h100: { spot: 20_000 } },
      storage: { ssd: 5_000 },
      network: { internet: 2_000 },
      fixed: [{ name: 'db', usd_per_month: 2e9 }],
      budgets: [{ name: 'b', amount: 2e12, window: '30d' }],
      multipliers: [{ factor: 1_000 }],
    });
    expect(issues.map((i) => i.split(' — ')[0])).toEqual([
      'multipliers[0].factor: expected at most 100 (multiplier on the catalog price), got 1000',
      'gpu.h100.spot: expected at most 10000 (USD per GPU-hour, spot), got 20000',
      'storage.ssd: expected at most 1000 (USD per GB-month), got 5000',
      'network.internet: expected at most 1000 (USD per GB), got 2000',
      'fixed[0].usd_per_month: expected at most 1000000000 (USD per 30-day month), got 2000000000',
      'budgets[0].amount: expected at most 1000000000000 (USD), got 2000000000000',
    ]);
  });

  it('refuses a window of 99999999999999999999d, allowing at most ten years', () => {
    expect(fromObject({ budgets: [{ name: 'b', amount: 10, window: '99999999999999999999d' }] })).toEqual([
      'budgets[0].window: expected a window of at most 3650d (ten years), got "99999999999999999999d" — fix: write e.g. 30d, or 365d for a yearly budget',
    ]);
    expect(
      loadPriceCard({ budgets: [{ name: 'b', amount: 10, window: '3650d' }] }).budgets[0]?.windowSeconds,
    ).toBe(3650 * 86_400);
  });
});
