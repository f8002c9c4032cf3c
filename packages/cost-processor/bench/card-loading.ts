/**
 * How long a price card takes to load as YAML against the same card as JSON, at 20,000 and 40,000
 * models (issue 9: YAML was quadratic, 57× JSON at 20k). Timing lives here, not in the tests,
 * which must not fail on a busy machine.
 *
 *   pnpm --filter @burnrate/cost-processor exec tsx bench/card-loading.ts [models...]
 *
 * Two YAML columns: the card as written, which the plain-YAML fast path reads, and the same card
 * with one anchor and alias, which only the `yaml` package reads. Each card is loaded once to warm
 * up, then `RUNS` times; the median is reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPriceCard } from '../src/price-card/load-price-card.js';

const RUNS = 5;

/** The same card as block YAML (as people write it), with an alias added, and as JSON. */
function cards(models: number): { yaml: string; yamlWithAlias: string; json: string } {
  const entries = Array.from({ length: models }, (_, i) => ({
    name: `ft:gpt-4o-mini:acme:model-${i}`,
    input: 0.3 + (i % 7) / 10,
    output: 1.2 + (i % 11) / 10,
  }));
  const yaml = [
    'models:',
    ...entries.map((m) => `  "${m.name}":\n    input: ${m.input}\n    output: ${m.output}`),
  ];
  const withAlias = [...yaml, '  base: &base { input: 1, output: 2 }', '  copy: *base'];
  const json = {
    models: Object.fromEntries(entries.map((m) => [m.name, { input: m.input, output: m.output }])),
  };
  return {
    yaml: `${yaml.join('\n')}\n`,
    yamlWithAlias: `${withAlias.join('\n')}\n`,
    json: JSON.stringify(json, null, 2),
  };
}

function medianMs(load: () => unknown): number {
  load();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    load();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] ?? Number.NaN;
}

const dir = mkdtempSync(join(tmpdir(), 'burnrate-card-bench-'));
try {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  console.log('models  YAML MB  JSON ms  YAML ms  YAML/JSON  YAML+alias ms  YAML+alias/JSON');
  for (const models of sizes.length > 0 ? sizes : [20_000, 40_000]) {
    const { yaml, yamlWithAlias, json } = cards(models);
    const paths = {
      yaml: join(dir, 'card.yaml'),
      alias: join(dir, 'card-alias.yaml'),
      json: join(dir, 'card.json'),
    };
    writeFileSync(paths.yaml, yaml);
    writeFileSync(paths.alias, yamlWithAlias);
    writeFileSync(paths.json, json);
    const jsonMs = medianMs(() => loadPriceCard(paths.json));
    const yamlMs = medianMs(() => loadPriceCard(paths.yaml));
    const aliasMs = medianMs(() => loadPriceCard(paths.alias));
    const row = [
      [String(models), 6],
      [(yaml.length / 1e6).toFixed(2), 7],
      [jsonMs.toFixed(0), 7],
      [yamlMs.toFixed(0), 7],
      [`${(yamlMs / jsonMs).toFixed(1)}×`, 9],
      [aliasMs.toFixed(0), 13],
      [`${(aliasMs / jsonMs).toFixed(1)}×`, 15],
    ] as const;
    console.log(row.map(([v, width]) => v.padStart(width)).join('  '));
  }
  const oversize = join(dir, 'oversize.yaml');
  writeFileSync(oversize, `models:\n  big: "${'x'.repeat(50_000_000)}"\n`);
  const start = performance.now();
  try {
    loadPriceCard(oversize);
  } catch (error) {
    const issue = (error as Error).message.split('\n')[1]?.trim().split(' — ')[0];
    console.log(`50 MB card refused in ${(performance.now() - start).toFixed(1)} ms: ${issue}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
