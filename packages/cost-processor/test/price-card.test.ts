import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PriceCardError } from '../src/price-card/errors.js';
import { loadPriceCard, parsePriceCard, parseWindow } from '../src/price-card/load-price-card.js';
import type { PriceCardInput } from '../src/price-card/schema.js';

function issuesOf(input: unknown): string[] {
  try {
    loadPriceCard(input as PriceCardInput);
  } catch (error) {
    if (error instanceof PriceCardError) {
      return error.issues.map((i) => `${i.path}: ${i.expected}, got ${i.got} — fix: ${i.fix}`);
    }
    throw error;
  }
  throw new Error('expected the card to be rejected');
}

const dir = mkdtempSync(join(tmpdir(), 'burnrate-card-'));

describe('loading a price card', () => {
  it('loads a YAML file with every section and normalizes budgets to the Budget shape', () => {
    const path = join(dir, 'card.yaml');
    writeFileSync(
      path,
      [
        'currency: USD',
        'models:',
        '  gpt-4: { per_tokens: 1000, input: 0.03, output: 0.06 }',
        'aliases:',
        '  "ft:gpt-4o-mini:acme::*": gpt-4o-mini',
        'providers:',
        '  127.0.0.1: openai',
        'multipliers:',
        '  - { provider: openai, service_tier: batch, factor: 0.5 }',
        'gpu:',
        '  A100: { on_demand: 2.5, spot: 1.1 }',
        'storage: { default: 0.08, s3: 0.023 }',
        'network: { internet: 0.09 }',
        'fixed:',
        '  - { name: vector-db, usd_per_month: 500 }',
        'budgets:',
        '  - { name: search-monthly, amount: 1000, window: 30d, scope: { feature: search } }',
        '  - { name: daily, amount: 50, window: 1d, thresholds: [0.9, 1.0] }',
        'deployments:',
        '  - { name: chat, batch_size: 8, utilization_target: 0.7, model: llama-3.1-8b }',
      ].join('\n'),
    );
    const card = loadPriceCard(path);
    expect(card.budgets).toEqual([
      {
        name: 'search-monthly',
        amountUsd: 1000,
        window: '30d',
        windowSeconds: 2_592_000,
        scope: { feature: 'search' },
        thresholds: [0.5, 0.8, 1.0],
      },
      {
        name: 'daily',
        amountUsd: 50,
        window: '1d',
        windowSeconds: 86_400,
        scope: {},
        thresholds: [0.9, 1.0],
      },
    ]);
    expect(card.models[0]?.prices).toEqual({ input: 30, cachedInput: 30, cacheWrite: 30, output: 60 });
    expect(card.gpu['a100']?.on_demand).toEqual({ usdPerHour: 2.5, origin: 'card' });
    expect(card.gpu['h100']?.spot).toEqual({ usdPerHour: 2.4, origin: 'default' });
    expect(card.storage['s3']).toEqual({ usdPerGbMonth: 0.023, origin: 'card' });
    expect(card.network['internet']).toEqual({ transmit: 0.09, receive: 0.09, origin: 'card' });
    expect(card.deployments[0]).toEqual({
      name: 'chat',
      batchSize: 8,
      utilizationTarget: 0.7,
      model: 'llama-3.1-8b',
      scope: {},
      windowSeconds: 60,
      alerts: { idleShare: 0.5, idleFor: '1h', capacityFor: '15m' },
    });
    expect(card.currency).toBe('USD');
    expect(card.catalogVersion).toBe('0.1.8');
    expect(card.checksum).toMatch(/^[0-9a-f]{16}$/);
  });

  it('loads a JSON file the same way', () => {
    const path = join(dir, 'card.json');
    writeFileSync(path, JSON.stringify({ budgets: [{ name: 'b', amount: 10, window: '7d' }] }));
    expect(loadPriceCard(path).budgets[0]?.windowSeconds).toBe(604_800);
  });

  it('ships the DESIGN §4 GPU defaults and $0.10/GB-month storage without a card', () => {
    const card = loadPriceCard();
    expect(card.gpu['h200']).toEqual({
      on_demand: { usdPerHour: 7.91, origin: 'default' },
      spot: { usdPerHour: 2.2, origin: 'default' },
    });
    expect(card.gpu['a100-80gb']?.on_demand?.usdPerHour).toBe(3.43);
    expect(card.gpu['t4']?.spot?.usdPerHour).toBe(0.2);
    expect(card.storage['default']?.usdPerGbMonth).toBe(0.1);
    expect(card.defaultsAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('pins the catalog version to the installed and declared @pydantic/genai-prices', () => {
    const read = (rel: string): Record<string, unknown> =>
      JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as Record<
        string,
        unknown
      >;
    const installed = read('../node_modules/@pydantic/genai-prices/package.json').version;
    const declared = (read('../package.json').dependencies as Record<string, string>)[
      '@pydantic/genai-prices'
    ];
    expect(loadPriceCard().catalogVersion).toBe(installed);
    expect(declared).toBe(installed);
  });

  it('gives the same checksum for the same card and a different one for another', () => {
    const a = loadPriceCard({ budgets: [{ name: 'x', amount: 1, window: '1d' }] });
    const b = loadPriceCard({ budgets: [{ name: 'x', amount: 1, window: '1d' }] });
    const c = loadPriceCard({ budgets: [{ name: 'x', amount: 2, window: '1d' }] });
    expect(a.checksum).toBe(b.checksum);
    expect(a.checksum).not.toBe(c.checksum);
  });

  it('parses budget windows in minutes, hours, days and weeks', () => {
    expect([
      parseWindow('90m'),
      parseWindow('12h'),
      parseWindow('30d'),
      parseWindow('1w'),
      parseWindow('1mo'),
    ]).toEqual([5400, 43_200, 2_592_000, 604_800, undefined]);
  });
});

describe('rejecting a bad price card with path, value and fix', () => {
  it('names the budget amount written as "10k" (the DESIGN example)', () => {
    const issues = issuesOf({
      budgets: [
        { name: 'a', amount: 1, window: '1d' },
        { name: 'b', amount: 1, window: '1d' },
        { name: 'c', amount: '10k', window: '1d' },
      ],
    });
    expect(issues).toEqual([
      'budgets[2].amount: expected a positive number (USD), got "10k" — fix: write 10000 (a plain number, without quotes, units or suffixes)',
    ]);
  });

  it('suggests the intended key for a typo and rejects unknown keys everywhere', () => {
    const issues = issuesOf({
      budgets: [{ name: 'a', amount: 1, window: '1d', treshold: [0.5] }],
      modles: {},
    });
    expect(issues).toContain(
      'modles: expected a known key (currency, models, aliases, providers, multipliers, gpu, storage, network, fixed, budgets, budgets_source, deployments, unit_prices, energy), got unknown key "modles" — fix: did you mean "models"?',
    );
    expect(
      issues.some((i) => i.startsWith('budgets[0].treshold:') && i.includes('did you mean "thresholds"?')),
    ).toBe(true);
  });

  it('reports every issue at once and loads nothing', () => {
    const issues = issuesOf({
      currency: 'EUR',
      models: { 'gpt-4': { input: -1, output: 'cheap' } },
      gpu: { a100: { on_demand: 0 } },
      storage: { default: 'ten cents' },
      network: { internet: { transmit: 0.09 } },
      fixed: [{ name: '', usd_per_month: 500 }],
      budgets: [{ name: 'bad name!', amount: 0, window: '30 days', thresholds: [] }],
      deployments: [{ name: 'd', batch_size: 0.5, utilization_target: 1.5 }],
      multipliers: [{ provider: 'openai', factor: -2 }],
    });
    const paths = issues.map((i) => i.split(':')[0]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'currency',
        'models["gpt-4"].input',
        'models["gpt-4"].output',
        'gpu.a100.on_demand',
        'storage.default',
        'network.internet',
        'fixed[0].name',
        'budgets[0].name',
        'budgets[0].amount',
        'budgets[0].window',
        'budgets[0].thresholds',
        'deployments[0].batch_size',
        'deployments[0].utilization_target',
        'multipliers[0].factor',
      ]),
    );
    expect(issues).toContain(
      'currency: expected "USD" (the only currency supported), got "EUR" — fix: remove `currency` or write USD',
    );
    expect(issues).toContain(
      'budgets[0].window: expected a window such as 30d, 7d, 1d, 12h or 90m (rolling) or day, week, month (calendar), got "30 days" — fix: write 30d (a whole number followed by m, h, d or w; a month is 30d)',
    );
    expect(issues).toContain(
      'deployments[0].utilization_target: expected a fraction in (0, 1], got 1.5 — fix: write e.g. 0.7 for 70 %',
    );
  });

  it('rejects an unknown catalog provider in the providers map with a suggestion', () => {
    expect(issuesOf({ providers: { 'gw.internal': 'opanai' } })).toEqual([
      'providers["gw.internal"]: expected a genai-prices provider id, got "opanai" — fix: use a catalog id such as openai, anthropic, google, azure, aws, groq, mistral (did you mean "openai"?)',
    ]);
  });

  it('rejects an alias to a model no one can price', () => {
    expect(issuesOf({ aliases: { 'ft:x': 'gpt-4o-mni-typo' } })[0]).toMatch(
      /^aliases\["ft:x"\]: expected a model in `models` or in the genai-prices catalog, got "gpt-4o-mni-typo"/,
    );
  });

  it('rejects a multiplier that would apply to every price', () => {
    expect(issuesOf({ multipliers: [{ factor: 0.8 }] })[0]).toMatch(
      /^multipliers\[0\]: expected a rule limited by model, provider or service_tier/,
    );
  });

  it('rejects a GPU entry without any market price', () => {
    expect(issuesOf({ gpu: { a100: {} } })[0]).toMatch(
      /^gpu\.a100: expected at least one of on_demand, spot, reserved/,
    );
  });

  it('rejects duplicate budget names and unsorted thresholds', () => {
    const issues = issuesOf({
      budgets: [
        { name: 'x', amount: 1, window: '1d', thresholds: [0.8, 0.5] },
        { name: 'x', amount: 1, window: '1d' },
      ],
    });
    expect(issues).toEqual([
      'budgets[0].thresholds: expected strictly ascending fractions, got "[0.8, 0.5]" — fix: write [0.5, 0.8] (sorted, without duplicates)',
      'budgets[1].name: expected a unique name (budgets[0] has it), got "x" — fix: rename one of them, e.g. "x-1d"; each name becomes a Prometheus rule',
    ]);
  });

  it('rejects per_tokens other than 1000 or 1000000', () => {
    expect(issuesOf({ models: { m: { per_tokens: 100, input: 1, output: 1 } } })[0]).toMatch(
      /^models\.m\.per_tokens: expected 1000 or 1000000, got 100/,
    );
  });

  it('names the line of a YAML syntax error', () => {
    expect(() => parsePriceCard('budgets:\n  - { name: a, amount: 1\n', 'card.yaml')).toThrow(
      /card\.yaml.*\n.*line \d+, column \d+/,
    );
  });

  it('names a missing file', () => {
    expect(() => loadPriceCard(join(dir, 'nope.yaml'))).toThrow(PriceCardError);
  });
});
