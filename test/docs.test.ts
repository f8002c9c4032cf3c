import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePriceCard } from '../packages/cost-processor/src/index.js';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('docs', () => {
  it('the price-card reference example is a valid card with the budgets and deployments it describes', () => {
    const blocks = [...read('docs/price-card.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map(
      (m) => m[1] as string,
    );
    expect(blocks).toHaveLength(1);
    const card = parsePriceCard(blocks[0] as string, 'docs/price-card.md');
    expect(card.budgets.map((b) => [b.name, b.amountUsd, b.windowSeconds])).toEqual([
      ['llm-monthly', 2000, 30 * 86400],
      ['search-weekly', 150, 7 * 86400],
      ['acme-daily', 5, 86400],
    ]);
    expect(card.deployments.map((d) => d.name)).toEqual(['llama-on-l4']);
  });

  it('the README names the two set-up commands and they exist', () => {
    const readme = read('README.md');
    for (const cmd of ['./scripts/demo.sh', './scripts/test.sh']) {
      expect(readme).toContain(cmd);
      expect(existsSync(new URL(`../${cmd}`, import.meta.url))).toBe(true);
    }
    expect(read('.ci/run')).toContain('./scripts/test.sh');
  });

  it('every relative link in the README and docs points at a file that exists', () => {
    for (const doc of ['README.md', 'docs/price-card.md', 'docs/fleet.md', 'docker/README.md']) {
      const base = new URL(`../${doc}`, import.meta.url);
      const links = [...read(doc).matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1] as string);
      for (const link of links.filter((l) => !/^[a-z]+:/.test(l))) {
        expect([doc, link, existsSync(new URL(link, base))]).toEqual([doc, link, true]);
      }
    }
  });
});
