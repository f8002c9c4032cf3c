import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, PriceCardError } from '../src/price-card/errors.js';
import { loadPriceCard, parsePriceCard } from '../src/price-card/load-price-card.js';
import type { PriceCardInput } from '../src/price-card/schema.js';

// Timing is measured by bench/card-loading.ts, not here: these tests pin behaviour at the scale of
// issue 9 (20,000 models, 10 MB, 5 MB keys) and would be flaky with timed assertions.

const dir = mkdtempSync(join(tmpdir(), 'burnrate-card-loading-'));

function errorOf(load: () => unknown): PriceCardError {
  try {
    load();
  } catch (error) {
    if (error instanceof PriceCardError) return error;
    throw error;
  }
  throw new Error('the card loaded');
}

const issuesOf = (load: () => unknown): string[] => errorOf(load).issues.map(formatIssue);
const fromYaml = (text: string) => issuesOf(() => parsePriceCard(text, 'card.yaml'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const fromJsonFile = (text: string) => issuesOf(() => loadPriceCard(file('card.json', text)));

/** The same card of `models` models as block YAML, as people write it, and as JSON. */
function largeCard(models: number): { yaml: string; json: string } {
  const lines = ['models:'];
  const json: Record<string, { input: number; output: number }> = {};
  for (let i = 0; i < models; i++) {
    const input = 0.25 + (i % 8) / 4;
    const output = 1 + (i % 5);
    lines.push(`  ft:gpt-4o-mini:acme:m${i}:`, `    input: ${input}`, `    output: ${output}`);
    json[`ft:gpt-4o-mini:acme:m${i}`] = { input, output };
  }
  return { yaml: `${lines.join('\n')}\n`, json: JSON.stringify({ models: json }, null, 2) };
}

describe('a large price card loads whole, and an oversized one is refused before it is parsed', () => {
  it('loads a 20,000-model YAML card with every model and the same prices and checksum as its JSON twin', () => {
    const { yaml, json } = largeCard(20_000);
    const fromYamlFile = loadPriceCard(file('large.yaml', yaml));
    const fromJson = loadPriceCard(file('large.json', json));
    expect(fromYamlFile.models).toHaveLength(20_000);
    expect(fromYamlFile.models.find((m) => m.pattern === 'ft:gpt-4o-mini:acme:m12345')?.prices).toEqual({
      input: 0.5,
      cachedInput: 0.5,
      cacheWrite: 0.5,
      output: 1,
    });
    expect(fromYamlFile.checksum).toBe(fromJson.checksum);
  }, 60_000);

  it('loads a 20,000-model card that only the yaml package reads (it has an alias), and names a duplicate key in it', () => {
    const { yaml } = largeCard(20_000);
    const withAlias = `${yaml}  base: &base { input: 1, output: 2 }\n  copy: *base\n`;
    const card = parsePriceCard(withAlias, 'alias.yaml');
    expect(card.models).toHaveLength(20_002);
    expect(card.models.find((m) => m.pattern === 'copy')?.prices.output).toBe(2);
    expect(fromYaml(`${withAlias}  ft:gpt-4o-mini:acme:m7:\n    input: 1\n    output: 1\n`)).toEqual([
      'line 60004, column 3: expected each key once in a map, got a second "ft:gpt-4o-mini:acme:m7" (the first is at line 23, column 3) — fix: keep one of the two keys (merge their contents)',
    ]);
  }, 60_000);

  it('refuses a card file over 10 MB by its size, naming the limit and what to do instead', () => {
    const path = file('oversize.yaml', `# ${'x'.repeat(10_000_000)}\n`);
    expect(errorOf(() => loadPriceCard(path)).message).toBe(
      `Invalid price card (${path}): 1 issue\n` +
        '  - (card): expected a price card of at most 10 MB (10,000,000 bytes), got 10,000,003 bytes (10.000003 MB) — fix: keep the models you price yourself and leave the rest to the genai-prices catalog (it needs no entry), price families with one glob (`gpt-4o-*: { input: 2.5, output: 10 }`) or alias them, and keep data other than prices out of the card',
    );
  });

  it('refuses card text over 10 MB given to parsePriceCard the same way', () => {
    expect(fromYaml(`models: {}\n# ${'x'.repeat(50_000_000)}\n`)).toEqual([
      '(card): expected a price card of at most 10 MB (10,000,000 bytes), got 50,000,014 bytes (50 MB) — fix: keep the models you price yourself and leave the rest to the genai-prices catalog (it needs no entry), price families with one glob (`gpt-4o-*: { input: 2.5, output: 10 }`) or alias them, and keep data other than prices out of the card',
    ]);
  });

  it('cuts a 5 MB YAML key to 80 characters in the error and says how long its line is', () => {
    const message = errorOf(() =>
      parsePriceCard(`models:\n  ${'k'.repeat(5_000_000)}: { input: 1, output: 2 }\n`, 'big-key.yaml'),
    ).message;
    expect(message.length).toBeLessThan(1000);
    expect(message).toBe(
      'Invalid price card (big-key.yaml): 1 issue\n' +
        `  - line 2, column 3: expected valid YAML or JSON, got The : indicator must be at most 1024 chars after the start of an implicit block mapping key in "${'k'.repeat(80)}…" (a line of 5,000,025 characters) — fix: shorten the key: YAML allows at most 1024 characters before its \`:\``,
    );
  });

  it('cuts a 5 MB JSON key to 80 characters with its length, in the path and in the value found', () => {
    const path = file('big-key.json', JSON.stringify({ [`m${'k'.repeat(4_999_999)}`]: 1 }));
    const message = errorOf(() => loadPriceCard(path)).message;
    expect(message.length).toBeLessThan(1000);
    const cut = `"m${'k'.repeat(79)}…" (5,000,000 characters)`;
    expect(message).toBe(
      `Invalid price card (${path}): 1 issue\n` +
        `  - [${cut}]: expected a known key (currency, models, aliases, providers, multipliers, gpu, storage, network, fixed, budgets, budgets_source, deployments, unit_prices, energy), got unknown key ${cut} — fix: remove it`,
    );
  });

  it('cuts a 5 MB value to 80 characters with its length', () => {
    expect(
      issuesOf(() =>
        loadPriceCard({
          budgets: [{ name: 'b', amount: `1${'0'.repeat(4_999_999)}` as never, window: '30d' }],
        }),
      ),
    ).toEqual([
      `budgets[0].amount: expected a positive number (USD), got "1${'0'.repeat(79)}…" (5,000,000 characters) — fix: write a plain number such as 10000`,
    ]);
  });

  it('lists the first 50 of 3,000 issues in the message and counts the rest, keeping all in issues', () => {
    const card = {
      budgets: Array.from({ length: 3000 }, (_, i) => ({ name: `b${i}`, amount: -1, window: '30d' })),
    };
    const error = errorOf(() => loadPriceCard(card));
    const lines = error.message.split('\n');
    expect(error.issues).toHaveLength(3000);
    expect(lines).toHaveLength(52);
    expect(lines[0]).toBe('Invalid price card (object): 3000 issues');
    expect(lines.at(-1)).toBe('  … and 2,950 more (error.issues lists them all)');
  });
});

describe('YAML aliases load up to 1,000 and every alias problem is a PriceCardError with the line', () => {
  const aliased = (n: number): string =>
    `models:\n  base: &price { input: 1, output: 2 }\n${Array.from({ length: n }, (_, i) => `  m${i}: *price\n`).join('')}`;

  it('loads a card of 150 aliases, where the yaml package threw a ReferenceError past 100', () => {
    const card = parsePriceCard(aliased(150));
    expect(card.models).toHaveLength(151);
    expect(card.models.find((m) => m.pattern === 'm149')?.prices.output).toBe(2);
  });

  it('refuses 10,000 aliases at the line of the 1,001st', () => {
    expect(fromYaml(aliased(10_000))).toEqual([
      'line 1003, column 10: expected at most 1000 aliases (*name) in a card, got alias number 1001 (*price) — fix: write the values out instead of aliasing them (a generated card needs no aliases)',
    ]);
  });

  it('refuses a billion-laughs card at the alias that takes the expansion past 1,000,000 values', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    expect(fromYaml(text)).toEqual([
      'line 6, column 45: expected aliases that add at most 1,000,000 values to the card, got *a4, which brings the values aliases add to 1,012,328 — fix: write the values out; aliases of aliases multiply (a "billion laughs" card exhausts memory this way)',
    ]);
  });

  it('names the line of an alias to no anchor, and the anchor it was probably meant to be', () => {
    expect(fromYaml('models:\n  a: &price { input: 1, output: 2 }\n  b: *prise\n  c: *nothing\n')).toEqual([
      'line 3, column 6: expected an alias to an anchor set above it, got *prise, which no &prise before it sets — fix: did you mean *price?',
      'line 4, column 6: expected an alias to an anchor set above it, got *nothing, which no &nothing before it sets — fix: put &nothing on the value to repeat, above this line',
    ]);
  });

  it('refuses an alias inside its own anchor instead of building a cycle', () => {
    expect(fromYaml('models: &all\n  copy: *all\n')).toEqual([
      'line 2, column 9: expected an alias outside the value its anchor marks, got *all inside &all — fix: a value cannot contain itself: write the inner value out',
    ]);
  });

  it('names both lines of a duplicate key, also when the second is written as an alias', () => {
    expect(
      fromYaml(
        'name: &model gpt-4o\nmodels:\n  gpt-4o: { input: 1, output: 2 }\n  *model : { input: 3, output: 4 }\n  gpt-4o: { input: 5, output: 6 }\n',
      ),
    ).toEqual([
      'line 4, column 3: expected each key once in a map, got a second "gpt-4o" (the first is at line 3, column 3) — fix: keep one of the two keys (merge their contents)',
      'line 5, column 3: expected each key once in a map, got a second "gpt-4o" (the first is at line 3, column 3) — fix: keep one of the two keys (merge their contents)',
    ]);
  });
});

describe('an object is a loaded card only when it has every field of one', () => {
  it('refuses { schema } alone with a PriceCardError naming what it lacks, not a TypeError later', () => {
    expect(issuesOf(() => loadPriceCard({ schema: 'burnrate.price-card/v1' } as PriceCardInput))).toEqual([
      'schema: expected a card as written in the file (without `schema`), or a card loadPriceCard returned, got schema: "burnrate.price-card/v1" on an object without models, aliases, multipliers, fixed, budgets, deployments, providers, gpu, storage, network, currency, catalogVersion, defaultsAsOf, checksum — fix: remove `schema` and pass the sections as in the file (models:, gpu:, budgets:, …), or pass the loaded card itself',
    ]);
  });

  it('returns a loaded card, and a JSON copy of one, as they are', () => {
    const card = loadPriceCard({ budgets: [{ name: 'b', amount: 10, window: '7d' }] });
    expect(loadPriceCard(card)).toBe(card);
    const copy = JSON.parse(JSON.stringify(card)) as typeof card;
    expect(loadPriceCard(copy)).toBe(copy);
  });
});

describe('every JSON syntax error names its line and column, also where Node 20 names no position', () => {
  it.each([
    [
      'a trailing comma in a list',
      '{ "budgets": [\n  { "name": "b", "amount": 1, "window": "7d" },\n] }',
      'line 3, column 1: expected valid JSON, got Unexpected token \']\' in "] }" — fix: remove the comma before the closing ] on line 2 (JSON allows no trailing commas), or write the card in YAML',
    ],
    [
      'a trailing comma in a map',
      '{\n  "models": { "m": { "input": 1, } }\n}',
      'line 2, column 34: expected valid JSON, got Expected double-quoted property name in "\\"models\\": { \\"m\\": { \\"input\\": 1, } }" — fix: remove the comma before the closing } on line 2 (JSON allows no trailing commas), or write the card in YAML',
    ],
    [
      'a key without quotes',
      '{ models: {} }',
      'line 1, column 3: expected valid JSON, got Expected property name or \'}\' in "{ models: {} }" — fix: put the key in double quotes: "models"',
    ],
    [
      'single quotes',
      "{ 'models': {} }",
      "line 1, column 3: expected valid JSON, got Expected property name or '}' in \"{ 'models': {} }\" — fix: write keys and strings in double quotes (JSON has no single quotes), or write the card in YAML",
    ],
    [
      'a file cut off',
      '{ "models": { "m": { "input": 1',
      'line 1, column 32: expected valid JSON, got Expected \',\' or \'}\' after property value in "{ \\"models\\": { \\"m\\": { \\"input\\": 1" — fix: the card ends inside an open {, [ or string: close it (was the file cut off?)',
    ],
    [
      'a file cut off after a key',
      '{ "budgets": [],\n  "models": ',
      'line 2, column 13: expected valid JSON, got Unexpected end of JSON input in "\\"models\\":" — fix: the card ends inside an open {, [ or string: close it (was the file cut off?)',
    ],
    [
      'a comment',
      '{\n  // prices\n  "models": {} }',
      'line 2, column 3: expected valid JSON, got Expected property name or \'}\' in "// prices" — fix: remove the comment (JSON has none), or write the card in YAML, which has # comments',
    ],
    [
      'a missing comma between entries',
      '{ "models": {}\n  "gpu": {} }',
      'line 2, column 3: expected valid JSON, got Expected \',\' or \'}\' after property value in "\\"gpu\\": {} }" — fix: put a comma before this entry (entries of { } and [ ] are separated by commas)',
    ],
    [
      'a missing colon',
      '{ "models" {} }',
      'line 1, column 12: expected valid JSON, got Expected \':\' after property name in "{ \\"models\\" {} }" — fix: put a : between the key and its value',
    ],
    [
      'an unquoted window',
      '{ "budgets": [{ "name": "m", "amount": 1, "window": 30d }] }',
      'line 1, column 55: expected valid JSON, got Expected \',\' or \'}\' after property value in "{ \\"budgets\\": [{ \\"name\\": \\"m\\", \\"amount\\": 1, \\"window\\": 30d }] }" — fix: quote text values: "30d"',
    ],
    [
      'NaN',
      '{ "storage": { "default": NaN } }',
      'line 1, column 27: expected valid JSON, got Unexpected token \'N\' in "{ \\"storage\\": { \\"default\\": NaN } }" — fix: write a number, "text", true, false or null (JSON words are lowercase; there is no NaN, Infinity or undefined): "NaN" if it is text',
    ],
    [
      'a number without its leading zero',
      '{ "storage": { "default": .5 } }',
      'line 1, column 27: expected valid JSON, got Unexpected token \'.\' in "{ \\"storage\\": { \\"default\\": .5 } }" — fix: write the number plainly: no leading zeros, a digit before the decimal point (0.5, not .5 or 05)',
    ],
    [
      'a key without a value',
      '{ "currency": }',
      'line 1, column 15: expected valid JSON, got Unexpected token \'}\' in "{ \\"currency\\": }" — fix: write the value after the `:` (a number, "text", true, false or null)',
    ],
    [
      'text after the card',
      '{ "models": {} }\n}',
      'line 2, column 1: expected valid JSON, got Unexpected non-whitespace character after JSON in "}" — fix: remove what follows the last } (a card is one JSON object)',
    ],
    [
      'a tab inside a string',
      '{ "currency": "US\tD" }',
      'line 1, column 18: expected valid JSON, got Bad control character in string literal in "{ \\"currency\\": \\"US\\tD\\" }" — fix: write a tab or line break inside a string as \\t or \\n',
    ],
  ])('names the line and column of %s', (_, text, issue) => {
    expect(fromJsonFile(text)).toEqual([issue]);
  });

  it('loads a JSON card saved with a byte-order mark, as a YAML one loads', () => {
    const path = file('bom.json', '\uFEFF{ "budgets": [{ "name": "b", "amount": 1, "window": "7d" }] }');
    expect(loadPriceCard(path).budgets.map((b) => b.name)).toEqual(['b']);
  });
});

describe('the loader names the fix for a mistyped GPU, a missing comma and a card path that is not there', () => {
  it('suggests the default GPU a card key was probably meant to be', () => {
    expect(fromYaml('gpu:\n  h10: { on_demand: 6 }\n  a100-80g: { spot: 1.1 }\n')).toEqual([
      'gpu.h10: expected a GPU of the default table (h200, h100, a100-80gb, a100-40gb, l40s, l4, a10g, t4, v100) or a GPU model of your own, got "h10" — fix: did you mean "h100"? A key of its own prices only GPUs reported under that name, so h100 would keep the default price',
      'gpu["a100-80g"]: expected a GPU of the default table (h200, h100, a100-80gb, a100-40gb, l40s, l4, a10g, t4, v100) or a GPU model of your own, got "a100-80g" — fix: did you mean "a100-80gb"? A key of its own prices only GPUs reported under that name, so a100-80gb would keep the default price',
    ]);
  });

  it('loads GPUs of your own, real GPUs near a default key, family prefixes and variants', () => {
    const card = parsePriceCard(
      'gpu:\n  a100: { on_demand: 2.5 }\n  b200: { on_demand: 9 }\n  NVIDIA L40: { spot: 1 }\n  h100-sxm: { on_demand: 7 }\n  mi300x: { on_demand: 5 }\n',
    );
    expect(
      Object.keys(card.gpu).filter(
        (k) => card.gpu[k]?.on_demand?.origin === 'card' || card.gpu[k]?.spot?.origin === 'card',
      ),
    ).toEqual(['a100', 'b200', 'l40', 'h100-sxm', 'mi300x']);
  });

  it('names the missing comma of a flow mapping and shows the line with it', () => {
    expect(fromYaml('models: { gpt-4o: { input: 2.5 output: 10 } }\n')).toEqual([
      'line 1, column 28: expected valid YAML or JSON, got Block collections are not allowed within flow collections in "models: { gpt-4o: { input: 2.5 output: 10 } }" — fix: put a comma after "2.5" (entries of a { } map or [ ] list are separated by commas): `models: { gpt-4o: { input: 2.5, output: 10 } }`',
    ]);
  });

  it('names the missing comma between two entries of a flow mapping, once per line', () => {
    expect(fromYaml('models: { a: { input: 1, output: 2 } b: { input: 1, output: 2 } }\n')).toEqual([
      'line 1, column 38: expected valid YAML or JSON, got Unexpected scalar at node end in "models: { a: { input: 1, output: 2 } b: { input: 1, output: 2 } }" — fix: put a comma after "}" (entries of a { } map or [ ] list are separated by commas): `models: { a: { input: 1, output: 2 }, b: { input: 1, output: 2 } }`',
    ]);
  });

  it('names the absolute path and the working directory of a relative card path that is not there', () => {
    const relative = join('cards', `missing-${process.pid}`, 'x.yaml');
    expect(issuesOf(() => loadPriceCard(relative))).toEqual([
      `(card): expected a readable YAML or JSON file, got no file at ${resolve(relative)} (ENOENT), resolved from the working directory ${process.cwd()}; the directory ${resolve('cards', `missing-${process.pid}`)} does not exist either — fix: check the path, or give it as an absolute path (a relative one is resolved from the working directory, not from the script or file that names it)`,
    ]);
  });

  it('names a directory given as the card and the file to name in it', () => {
    const folder = join(dir, 'cards');
    mkdirSync(folder, { recursive: true });
    expect(issuesOf(() => loadPriceCard(folder))).toEqual([
      `(card): expected a YAML or JSON file, got a directory, ${folder} — fix: name the card file in it, e.g. ${join(folder, 'price-card.yaml')}`,
    ]);
  });
});
