import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const PACKAGES = ['sdk', 'cost-processor', 'llm-simulator', 'cli'];

describe('published packages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-pack-'));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all(PACKAGES.map((p) => run('rm', ['-rf', join(root, 'packages', p, 'dist')])));
  });

  it('build, pack and install into a fresh app that uses them from ESM, CommonJS and the burnrate bin', async () => {
    for (const p of PACKAGES) {
      const cwd = join(root, 'packages', p);
      await run('pnpm', ['run', 'build'], { cwd });
      await run('pnpm', ['pack', '--pack-destination', dir], { cwd });
    }
    const app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    const tarballs = PACKAGES.map((p) => join(dir, `burnrate-${p}-0.1.0.tgz`));
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', ...tarballs, 'openai@6.49.0', '@opentelemetry/api@1.9.1'],
      {
        cwd: app,
      },
    );
    writeFileSync(
      join(app, 'app.mjs'),
      `import OpenAI from 'openai';
import { createCostProcessor } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
const sim = await startSimulator();
const br = await setupBurnrate({ prometheus: { port: 0 } });
const cost = createCostProcessor({ meterProvider: br.meterProvider, priceCard: { providers: { '127.0.0.1': 'openai' } } });
br.recorder.addProcessor(cost);
const client = br.instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test' }));
await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 });
const tokens = sim.ledger().served.totals;
console.log(JSON.stringify({ input: tokens.input, usd: cost.report().totalUsd }));
await br.shutdown();
await sim.close();
`,
    );
    writeFileSync(
      join(app, 'app.cjs'),
      "const sdk = require('@burnrate/sdk'); console.log(typeof sdk.instrumentOpenAI);",
    );
    const esm = JSON.parse((await run('node', ['app.mjs'], { cwd: app })).stdout) as {
      input: number;
      usd: number;
    };
    // gpt-4o: $2.50 per 1M input, $10 per 1M output.
    expect(esm.usd).toBeCloseTo((esm.input * 2.5 + 1000 * 10) / 1e6, 12);
    expect((await run('node', ['app.cjs'], { cwd: app })).stdout.trim()).toBe('function');
    const price = await run(
      'npx',
      ['burnrate', 'price', 'gpt-4o', '--input', '1000000', '--output', '1000000'],
      { cwd: app },
    );
    expect(price.stdout.split('\n')[0]).toBe('gpt-4o: $12.50');
  }, 240_000);
});
