import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CostProcessor, type CostReport, formatUsd, loadPriceCard } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { createManualClock } from '@burnrate/sdk';
import { LABEL as L, PROM as S } from '@burnrate/semconv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const LONG_PREFIX = Array.from(
  { length: 400 },
  (_, i) => `Rule ${i}: answer briefly and cite the section.`,
).join(' ');

const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-report-'));
const cardPath = join(dir, 'card.yaml');
// The simulator is reached on 127.0.0.1, which the SDK reports as the provider: map it to OpenAI.
writeFileSync(
  cardPath,
  [
    'providers:',
    "  '127.0.0.1': openai",
    'budgets:',
    '  - { name: all, amount: 10, window: 30d }',
    '  - { name: batch-gpu, amount: 2, window: 1d, scope: { burnrate.workload: batch } }',
    '',
  ].join('\n'),
);

interface Fixture {
  metricsUrl: string;
  processor: CostProcessor;
  close: () => Promise<void>;
}
let fx: Fixture;

beforeAll(async () => {
  const sim = await startSimulator();
  const clock = createManualClock(Date.now());
  const burnrate = await setupBurnrate({
    prometheus: { port: 0 },
    clock,
    priceCard: cardPath,
    logger: { warn: () => {} },
  });
  const processor = burnrate.costs;
  if (!processor || !burnrate.metricsUrl)
    throw new Error('setupBurnrate did not build the cost processor and endpoint');
  const client = burnrate.instrumentOpenAI(
    new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }),
  );
  for (const q of ['refunds?', 'shipping?', 'returns?']) {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: LONG_PREFIX },
        { role: 'user', content: q },
      ],
      max_tokens: 20,
    });
  }
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'stream a short answer' }],
    max_tokens: 30,
    stream: true,
  });
  for await (const _chunk of stream) {
    // drain
  }
  await client.chat.completions.create({
    model: 'o3',
    messages: [{ role: 'user', content: 'think about it' }],
    max_completion_tokens: 200,
  });
  await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha beta gamma', 'delta'] });
  // A call the provider refuses (HTTP 500): a failed call, not a query.
  await client.chat.completions
    .create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'fail' }], max_tokens: 5 },
      { headers: { 'x-burnrate-fault': '500' } },
    )
    .catch(() => undefined);
  await client.chat.completions.create({
    model: 'ft:gpt-4o-mini:acme::x1',
    messages: [{ role: 'user', content: 'an unknown fine-tune' }],
    max_tokens: 10,
  });
  // Two spot GPU-hours of a batch job and one on-demand GPU-hour, measured on the manual clock.
  const spot = burnrate.recorder.gpu.start({ gpu: 'a100-80gb', market: 'spot', workload: 'batch' });
  const onDemand = burnrate.recorder.gpu.start({ gpu: 'a100-80gb', workload: 'inference' });
  clock.advance(3_600_000);
  onDemand();
  clock.advance(3_600_000);
  spot();
  burnrate.recorder.cache.hit({ model: 'gpt-4o-mini' });
  burnrate.recorder.cache.miss({ model: 'gpt-4o-mini' });
  burnrate.recorder.cache.miss({ model: 'gpt-4o-mini' });
  burnrate.recorder.revenue.add(25);
  fx = {
    metricsUrl: burnrate.metricsUrl,
    processor,
    close: async () => {
      await burnrate.shutdown();
      await sim.close();
    },
  };
});

afterAll(async () => {
  await fx?.close();
});

describe('burnrate report --metrics (a real instrumented process)', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await runCli(['report', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: burnrate report [options]');
    for (const flag of [
      '--prometheus <url>',
      '--metrics <url>',
      '--window <duration>',
      '--card <file>',
      '--json',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it("reports the same total, components, calls, tokens, savings, unpriced usage and recommendations as the processor's own report", async () => {
    const r = await runCli(['report', '--metrics', fx.metricsUrl, '--card', cardPath, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { source, report } = JSON.parse(r.stdout) as {
      source: { kind: string; urls: string[] };
      report: CostReport;
    };
    const own = fx.processor.report();
    expect(source).toMatchObject({ kind: 'metrics', urls: [fx.metricsUrl] });

    expect(own.totalUsd).toBeGreaterThan(3.9); // 2 spot hours at $1.30 + 1 on-demand hour at $3.43 + API calls
    expect(Math.round(report.totalUsd * 100)).toBe(Math.round(own.totalUsd * 100));
    expect(report.totalUsd).toBeCloseTo(own.totalUsd, 9);
    for (const c of ['api', 'gpu', 'storage', 'network', 'fixed'] as const) {
      expect(report.components[c].usd).toBeCloseTo(own.components[c].usd, 9);
      expect(report.components[c].share).toBeCloseTo(own.components[c].share, 9);
    }
    expect(report.queries).toBe(own.queries);
    expect(report.queries).toBe(7);
    expect(report.failedCalls).toBe(own.failedCalls);
    expect(report.failedCalls).toBe(1);
    expect(report.costPerQueryUsd).toBeCloseTo(own.costPerQueryUsd ?? Number.NaN, 9);
    expect(report.tokens).toEqual(own.tokens);
    expect(report.tokens.cacheRead).toBeGreaterThan(0);
    expect(report.tokens.reasoning).toBeGreaterThan(0);
    expect(Object.keys(report.savings.byStrategy).sort()).toEqual(Object.keys(own.savings.byStrategy).sort());
    expect(report.savings.totalUsd).toBeCloseTo(own.savings.totalUsd, 9);
    expect(report.savings.byStrategy['prompt_cache']).toBeGreaterThan(0);
    expect(report.savings.byStrategy['spot']).toBeCloseTo(2 * (3.43 - 1.3), 9);
    expect(report.unpriced.map((u) => [u.subject, u.reason, u.unit, u.amount])).toEqual(
      own.unpriced.map((u) => [u.subject, u.reason, u.unit, u.amount]),
    );
    expect(report.unpriced[0]?.subject).toBe('127.0.0.1/ft:gpt-4o-mini:acme::x1');
    expect(report.responseCache).toEqual({ hits: 1, misses: 2 });
    expect(report.revenueUsd).toBe(25);
    expect(report.roiPercent).toBeCloseTo(own.roiPercent ?? Number.NaN, 9);
    expect(report.gpus.map((g) => [g.gpu, g.market, g.gpuSeconds])).toEqual(
      own.gpus.map((g) => [g.gpu, g.market, g.gpuSeconds]),
    );
    expect(report.recommendations.map((x) => x.id)).toEqual(own.recommendations.map((x) => x.id));
    report.recommendations.forEach((rec, i) => {
      const mine = own.recommendations[i];
      if (rec.estimatedSavingsUsd === undefined) expect(mine?.estimatedSavingsUsd).toBeUndefined();
      else expect(rec.estimatedSavingsUsd).toBeCloseTo(mine?.estimatedSavingsUsd ?? Number.NaN, 9);
    });
    expect(report.budgets.map((b) => [b.name, b.crossed])).toEqual([
      ['all', [0.5]],
      ['batch-gpu', [0.5, 0.8, 1]],
    ]);
    // Two spot A100-80GB hours at $1.30.
    expect(report.budgets[1]?.spentUsd).toBeCloseTo(2.6, 9);
    report.budgets.forEach((b, i) => {
      expect(b.spentUsd).toBeCloseTo(own.budgets[i]?.spentUsd ?? Number.NaN, 9);
    });
    expect(report.models.reduce((s, m) => s + m.calls, 0)).toBe(8);
    expect(report.models.reduce((s, m) => s + m.queries, 0)).toBe(7);
    expect(report.models.find((m) => m.failedCalls > 0)).toMatchObject({
      model: 'gpt-4o-mini',
      failedCalls: 1,
    });
    // /metrics totals have no known start: no projection.
    expect(report.projectedMonthlyUsd).toBeUndefined();
    expect(report.models.reduce((s, m) => s + m.usd, 0)).toBeCloseTo(own.components.api.usd, 9);
  });

  it('prints the report as a table with the same total and the period it covers', async () => {
    const r = await runCli(['report', '--metrics', fx.metricsUrl, '--card', cardPath]);
    expect(r.code).toBe(0);
    const own = fx.processor.report();
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('burnrate cost report (USD)');
    expect(lines[1]).toMatch(
      new RegExp(
        `^period: totals since each process started, scraped \\S+Z from ${fx.metricsUrl.replace(/[.]/g, '\\.')}$`,
      ),
    );
    expect(lines[2]).toBe(`total: ${formatUsd(own.totalUsd)}`);
    expect(r.stdout).toContain('UNPRICED usage (not included in the total):');
    expect(r.stdout).toContain('recommendations:');
  });

  it("names the app's own price card without --card: its checksum from burnrate_pricecard_info, as served by the app", async () => {
    const own = fx.processor.report().priceCard;
    const defaults = loadPriceCard();
    expect(own.checksum).not.toBe(defaults.checksum);
    const json = await runCli(['report', '--metrics', fx.metricsUrl, '--json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { report: CostReport; servedPriceCards: unknown[] };
    expect(out.report.priceCard).toEqual({ ...own, origin: 'as served by the app' });
    expect(out.servedPriceCards).toEqual([
      { checksum: own.checksum, catalogVersion: own.catalogVersion, defaultsAsOf: own.defaultsAsOf },
    ]);
    const text = await runCli(['report', '--metrics', fx.metricsUrl]);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      `price card: as served by the app (checksum ${own.checksum}, catalog @pydantic/genai-prices ${own.catalogVersion}, defaults as of ${own.defaultsAsOf})`,
    );
    expect(text.stdout).not.toContain(defaults.checksum);
  });

  it('says so when --card is not the card the app priced with, and names both', async () => {
    const own = fx.processor.report().priceCard;
    const other = join(dir, 'other-card.yaml');
    writeFileSync(other, "providers:\n  '127.0.0.1': openai\n");
    const otherChecksum = loadPriceCard(other).checksum;
    const r = await runCli(['report', '--metrics', fx.metricsUrl, '--card', other]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      `price card: read from ${other} (checksum ${otherChecksum}, catalog @pydantic/genai-prices ${own.catalogVersion}, defaults as of ${own.defaultsAsOf})`,
      `note: the app served price card ${own.checksum} (catalog @pydantic/genai-prices ${own.catalogVersion}, defaults as of ${own.defaultsAsOf}), not only the one read from ${other}: the dollars were priced with what the app served; ${other} is used here for provider mapping, budgets and recommendations`,
    ]);
    // The app's own card: no note.
    const same = await runCli(['report', '--metrics', fx.metricsUrl, '--card', cardPath]);
    expect(same.stdout.trimEnd().split('\n').at(-1)).toBe(
      `price card: read from ${cardPath} (checksum ${own.checksum}, catalog @pydantic/genai-prices ${own.catalogVersion}, defaults as of ${own.defaultsAsOf})`,
    );
  });

  it('claims no card when the app serves no burnrate_pricecard_info and --card is not given', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`# TYPE ${S.cost} counter\n${S.cost}{${L.component}="fixed"} 2.5\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const r = await runCli(['report', '--metrics', url]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('total: $2.50\n');
      expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
        `price card: not known: the app served no ${S.priceCardInfo} series; give --card FILE to name the card`,
      );
      expect(r.stdout).not.toContain(loadPriceCard().checksum);
      const json = JSON.parse((await runCli(['report', '--metrics', url, '--json'])).stdout);
      expect(json.report.priceCard).toEqual({
        checksum: '',
        catalogVersion: '',
        defaultsAsOf: '',
        origin: `not known: the app served no ${S.priceCardInfo} series; give --card FILE to name the card`,
      });
      expect(json.servedPriceCards).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('fails with exit 1 naming the URL when nothing listens there', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/metrics`;
    const r = await runCli(['report', '--metrics', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: --metrics: could not fetch ${url} (fetch failed: ECONNREFUSED); check the URL and that the process is running\n`,
    );
  });

  it('fails with exit 1 when the URL is not a metrics endpoint', async () => {
    const url = fx.metricsUrl.replace(/\/metrics$/, '/nope');
    const r = await runCli(['report', '--metrics', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: --metrics: ${url} answered HTTP 404; give the process's metrics endpoint, e.g. http://127.0.0.1:9464/metrics\n`,
    );
  });

  it('rejects a report without a source, a malformed URL and --window with --metrics (exit 2)', async () => {
    const none = await runCli(['report']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      "error: report: give --prometheus URL (a Prometheus server, for the fleet) or --metrics URL (one process's /metrics)",
    );
    const bad = await runCli(['report', '--metrics', 'localhost:9464']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'error: --metrics: expected an http(s) URL such as http://127.0.0.1:9464/metrics, got "localhost:9464"',
    );
    const window = await runCli(['report', '--metrics', fx.metricsUrl, '--window', '7d']);
    expect(window.code).toBe(2);
    expect(window.stderr).toContain('error: --window: only applies with --prometheus');
    const both = await runCli([
      'report',
      '--metrics',
      fx.metricsUrl,
      '--prometheus',
      'http://127.0.0.1:9090',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      "error: option '--metrics <url>' cannot be used with option '--prometheus <url>'",
    );
  });
});
