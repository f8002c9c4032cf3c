import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
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
      ['llm-calendar-month', 2000, 30 * 86400],
      ['search-weekly', 150, 7 * 86400],
      ['acme-daily', 5, 86400],
    ]);
    expect(card.budgets[1]?.calendar).toEqual({ unit: 'month', timeZone: 'Europe/Berlin' });
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
    for (const doc of [
      'README.md',
      'docs/price-card.md',
      'docs/fleet.md',
      'docs/self-hosted.md',
      'docker/README.md',
    ]) {
      const base = new URL(`../${doc}`, import.meta.url);
      const links = [...read(doc).matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1] as string);
      for (const link of links.filter((l) => !/^[a-z]+:/.test(l))) {
        expect([doc, link, existsSync(new URL(link, base))]).toEqual([doc, link, true]);
      }
    }
  });

  it('the five-minute integration runs as written against the simulator, with the card the README describes', async () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Five-minute integration'));
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1] as string;
    expect(snippet).toContain('new OpenAI()');
    expect(readme).toContain('providers: { 127.0.0.1: openai }');
    // Inside the repository (so `@burnrate/*` and `openai` resolve), as the README says scripts may be.
    const dir = new URL(`../.tmp/readme-snippet-${process.pid}/`, import.meta.url);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(new URL('price-card.yaml', dir), 'currency: USD\nproviders: { 127.0.0.1: openai }\n');
      const script =
        "import { startSimulator } from '@burnrate/llm-simulator';\n" +
        snippet
          .replace('new OpenAI()', 'new OpenAI({ baseURL: sim.url, apiKey: "test", maxRetries: 0 })')
          .replace('setupBurnrate({', 'setupBurnrate({ prometheus: { port: 0 },')
          .replace('const burnrate =', 'const sim = await startSimulator();\nconst burnrate =') +
        '\nawait burnrate.shutdown();\nawait sim.close();\n';
      writeFileSync(new URL('app.ts', dir), script);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app.ts'], {
        cwd: dir,
        timeout: 30_000,
      });
      expect(Number(stdout.trim())).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
