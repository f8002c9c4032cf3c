/**
 * What a user installs from npm, for real: every package is built (`pnpm run build`), packed
 * (`pnpm pack` rewrites `workspace:*` to versions and applies publishConfig: dist/ exports, bins)
 * and installed from its tarball, with openai and @opentelemetry/api from the registry, into two
 * fresh TypeScript apps — one CommonJS (module node16), one ESM (module nodenext) — both strict and
 * without skipLibCheck, so every shipped .d.ts/.d.cts and the types it reaches are checked under the
 * same rules a user's build applies.
 *
 * Both apps compile one source: setupBurnrate, the simulator, one instrumented OpenAI chat call,
 * then the dollars on /metrics, in the report and by hand must agree. It also uses @burnrate/rules,
 * @burnrate/cost-processor, @burnrate/semconv, and @burnrate/cli, which ships ESM only, through
 * `await import()`, which CommonJS can do too. One `tsc` run per app both type-checks and emits
 * (`noEmitOnError`); a separate `tsc --noEmit` would check the same program a second time.
 *
 * The esbuild case bundles everything into one ESM file. Its CommonJS dependencies
 * (@opentelemetry/core, resources and exporter-prometheus, whose `main` is CommonJS, and yaml, whose
 * `node` export is CommonJS) call `require('http')` and the like; in ESM output esbuild turns those
 * into a `__require` that throws "Dynamic require of "http" is not supported". A user needs the
 * banner esbuild's docs give: `import { createRequire } from 'node:module'; const require =
 * createRequire(import.meta.url);`. burnrate's own ESM builds need no banner; marking dependencies
 * external (`--packages=external`) would not need one either. The bundle runs from a folder with no
 * node_modules, so the price data (JSON imported `with { type: 'json' }`) must be inlined.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { preciseUsd } from '@burnrate/cli';
import { afterAll, beforeAll, describe, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const PACKAGES = ['semconv', 'sdk', 'cost-processor', 'rules', 'node', 'llm-simulator', 'cli'];

/** gpt-4o: $2.50 per 1M input tokens, $10 per 1M output; the app asks for 1000 output tokens. */
const gpt4oUsd = (input: number): number => (input * 2.5 + 1000 * 10) / 1e6;

/** The user's program, compiled as CommonJS and as ESM. */
const APP_SOURCE = `import { loadPriceCard } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { renderArtifacts } from '@burnrate/rules';
import { PROM } from '@burnrate/semconv';
import OpenAI from 'openai';

async function main(): Promise<void> {
  const sim = await startSimulator();
  const burnrate = await setupBurnrate({
    prometheus: { port: 0 },
    priceCard: { providers: { '127.0.0.1': 'openai' } },
  });
  const client = burnrate.instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test' }));
  await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 1000,
  });
  const exposition = await (await fetch(burnrate.metricsUrl ?? 'http://127.0.0.1:1/none')).text();
  const metricUsd = exposition
    .split('\\n')
    .filter((line) => line.startsWith(PROM.cost + '{') || line.startsWith(PROM.cost + ' '))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  const reportUsd = burnrate.costs.report().totalUsd;
  const files = renderArtifacts(loadPriceCard({ budgets: [{ name: 'monthly', amount: 100, window: '30d' }] }));
  const { preciseUsd } = await import('@burnrate/cli');
  const { input, output } = sim.ledger().served.totals;
  console.log(
    JSON.stringify({ metric: PROM.cost, input, output, metricUsd, reportUsd, priced: preciseUsd(reportUsd), files: files.map((f) => f.path) }),
  );
  await burnrate.shutdown();
  await sim.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** The same call in plain JavaScript, for the esbuild bundle. */
const BUNDLE_SOURCE = `import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import OpenAI from 'openai';

const sim = await startSimulator();
const burnrate = await setupBurnrate({ prometheus: { port: 0 }, priceCard: { providers: { '127.0.0.1': 'openai' } } });
const client = burnrate.instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test' }));
await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 });
console.log(JSON.stringify({ input: sim.ledger().served.totals.input, usd: burnrate.costs.report().totalUsd }));
await burnrate.shutdown();
await sim.close();
`;

interface AppOutput {
  metric: string;
  input: number;
  output: number;
  metricUsd: number;
  reportUsd: number;
  priced: string;
  files: string[];
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

describe.concurrent('the packed packages, installed from their tarballs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-pack-'));
  const packs = join(dir, 'packs');
  const cjs = join(dir, 'cjs-app');
  const esm = join(dir, 'esm-app');

  /** A fresh app of `type` with every tarball, openai and the api, and a tsconfig for `module`. */
  async function createApp(app: string, type: 'commonjs' | 'module', module: string): Promise<void> {
    mkdirSync(app);
    const tarballs = Object.fromEntries(
      readdirSync(packs).map((file) => [
        `@burnrate/${file.replace(/^burnrate-(.*)-\d+\.\d+\.\d+\.tgz$/, '$1')}`,
        `file:${join(packs, file)}`,
      ]),
    );
    const manifest = {
      name: `${type}-app`,
      private: true,
      type,
      dependencies: { ...tarballs, '@opentelemetry/api': '1.9.1', openai: '6.49.0' },
      devDependencies: { '@types/node': '20.19.43', typescript: '5.9.3' },
    };
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    const compilerOptions = {
      module,
      moduleResolution: module,
      target: 'es2022',
      lib: ['es2023'],
      types: ['node'],
      strict: true,
      noEmitOnError: true,
      outDir: 'out',
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }));
    writeFileSync(join(app, 'index.ts'), APP_SOURCE);
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: app,
    });
  }

  /** Type-checks and compiles the app with its own typescript, runs it, and returns what it printed. */
  async function compileAndRun(app: string): Promise<AppOutput> {
    await run(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: app }).catch(
      (error: { stdout?: string }) => {
        throw new Error(`tsc failed in ${app}:\n${error.stdout ?? String(error)}`);
      },
    );
    return JSON.parse((await run('node', ['out/index.js'], { cwd: app })).stdout) as AppOutput;
  }

  beforeAll(async () => {
    mkdirSync(packs);
    await Promise.all(
      PACKAGES.map(async (p) => {
        const cwd = join(root, 'packages', p);
        await run('pnpm', ['run', 'build'], { cwd });
        await run('pnpm', ['pack', '--pack-destination', packs], { cwd });
      }),
    );
    await Promise.all([createApp(cjs, 'commonjs', 'node16'), createApp(esm, 'module', 'nodenext')]);
  }, 240_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const p of PACKAGES) rmSync(join(root, 'packages', p, 'dist'), { recursive: true, force: true });
  });

  it('a strict CommonJS TypeScript app (node16) compiles against the .d.cts types and its dollars on /metrics match the report and the price', async ({
    expect,
  }) => {
    const out = await compileAndRun(cjs);
    expect(readFileSync(join(cjs, 'out/index.js'), 'utf8')).toContain('require("@burnrate/node")');
    expect((await run('node', ['-p', "require.resolve('@burnrate/node')"], { cwd: cjs })).stdout.trim()).toBe(
      join(cjs, 'node_modules/@burnrate/node/dist/index.cjs'),
    );
    expect(out.metric).toBe('burnrate_cost_usd_total');
    expect(out.output).toBe(1000);
    expect(out.reportUsd).toBeCloseTo(gpt4oUsd(out.input), 12);
    expect(out.metricUsd).toBeCloseTo(out.reportUsd, 12);
    expect(out.priced).toBe(preciseUsd(gpt4oUsd(out.input)));
    expect(out.files).toContain('rules/burnrate-budget-monthly.rules.yml');
  }, 120_000);

  it('a strict ESM TypeScript app (nodenext) compiles against the .d.ts types and its dollars on /metrics match the report and the price', async ({
    expect,
  }) => {
    const out = await compileAndRun(esm);
    expect(readFileSync(join(esm, 'out/index.js'), 'utf8')).toContain("from '@burnrate/node'");
    const resolved = await run(
      'node',
      ['--input-type=module', '-e', "console.log(import.meta.resolve('@burnrate/node'))"],
      { cwd: esm },
    );
    expect(resolved.stdout.trim()).toBe(`file://${join(esm, 'node_modules/@burnrate/node/dist/index.js')}`);
    expect(out.metric).toBe('burnrate_cost_usd_total');
    expect(out.output).toBe(1000);
    expect(out.reportUsd).toBeCloseTo(gpt4oUsd(out.input), 12);
    expect(out.metricUsd).toBeCloseTo(out.reportUsd, 12);
    expect(out.priced).toBe(preciseUsd(gpt4oUsd(out.input)));
    expect(out.files).toContain('rules/burnrate-budget-monthly.rules.yml');
  }, 120_000);

  it('an app bundled into one ESM file by esbuild, with the createRequire banner, runs without node_modules and prices the call', async ({
    expect,
  }) => {
    writeFileSync(join(esm, 'app.mjs'), BUNDLE_SOURCE);
    const bundle = join(dir, 'bundle');
    await run(
      join(root, 'node_modules/.bin/esbuild'),
      [
        'app.mjs',
        '--bundle',
        '--platform=node',
        '--format=esm',
        `--outfile=${join(bundle, 'out.mjs')}`,
        '--log-level=warning',
        "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      ],
      { cwd: esm },
    );
    const out = JSON.parse((await run('node', ['out.mjs'], { cwd: bundle })).stdout) as {
      input: number;
      usd: number;
    };
    expect(out.usd).toBeCloseTo(gpt4oUsd(out.input), 12);
  }, 120_000);

  it('the burnrate and burnrate-sim bins run with plain node', async ({ expect }) => {
    const price = await run(
      'npx',
      ['--no', 'burnrate', 'price', 'gpt-4o', '--input', '1000000', '--output', '1000000'],
      { cwd: cjs },
    );
    expect(price.stdout.split('\n')[0]).toBe('gpt-4o: $12.50');
    const sim = await run('npx', ['--no', '--', 'burnrate-sim', '--help'], { cwd: cjs });
    expect(sim.stdout).toMatch(/^Usage: burnrate-sim/);
  }, 60_000);

  it('@burnrate/sdk as installed depends on no OpenTelemetry package but its peer @opentelemetry/api', async ({
    expect,
  }) => {
    const sdk = join(cjs, 'node_modules/@burnrate/sdk');
    const manifest = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8')) as Manifest;
    const otel = (deps: Record<string, string> | undefined): string[] =>
      Object.keys(deps ?? {}).filter((name) => name.startsWith('@opentelemetry/'));
    expect(otel(manifest.dependencies)).toEqual([]);
    expect(otel(manifest.optionalDependencies)).toEqual([]);
    expect(otel(manifest.peerDependencies)).toEqual(['@opentelemetry/api']);
    const imported = readdirSync(join(sdk, 'dist'))
      .filter((file) => /\.c?js$/.test(file))
      .flatMap((file) => [
        ...readFileSync(join(sdk, 'dist', file), 'utf8').matchAll(/["'](@opentelemetry\/[^"'/]+)/g),
      ])
      .map((m) => m[1]);
    expect(new Set(imported)).toEqual(new Set(['@opentelemetry/api']));
  });
});
