import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompareOutput } from '../src/index.js';
import { runCli } from './helpers.js';

// Known inputs: L4 at the shipped $0.80/h on demand and $0.38/h spot; an API model at $0.15 / $0.60
// per 1M input / output tokens (explicit card price); batch 8 at 70 % utilization.
const L4 = 0.8;
const L4_SPOT = 0.38;
const IN_PRICE = 0.15;
const OUT_PRICE = 0.6;

const dir = mkdtempSync(join(tmpdir(), 'burnrate-compare-'));
const CARD = join(dir, 'card.yaml');
writeFileSync(
  CARD,
  `models:
  house-model: { provider: openai, input: ${IN_PRICE}, output: ${OUT_PRICE} }
deployments:
  - name: fp16-2xl4
    model: llama-3.1-8b
    batch_size: 8
    utilization_target: 0.7
    gpu: { model: L4, count: 2, market: on_demand }
  - name: int8-1xl4
    model: llama-3.1-8b
    batch_size: 8
    utilization_target: 0.7
    gpu: { model: L4, count: 1 }
  - name: planning
    batch_size: 4
    utilization_target: 0.5
`,
);

const WORKLOAD = ['--qps', '4', '--input-tokens', '800', '--output-tokens', '200'];
const TWO = [
  'compare',
  '--card',
  CARD,
  '--deployment',
  'fp16-2xl4',
  '--deployment',
  'int8-1xl4',
  ...WORKLOAD,
];

async function json(args: string[]): Promise<CompareOutput> {
  const r = await runCli([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as CompareOutput;
}

describe('burnrate compare (workload on the command line)', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await runCli(['compare', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--card',
      '--deployment',
      '--api',
      '--qps',
      '--input-tokens',
      '--output-tokens',
      '--latency',
      '--prefill-share',
      '--prometheus',
      '--window',
      '--json',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('prints FP16 on 2×L4 against INT8 on 1×L4 with the seed’s before/after table from the given latencies', async () => {
    const r = await runCli([...TWO, '--latency', 'fp16-2xl4=1.2', '--latency', 'int8-1xl4=0.9']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // One instance each (ceil(4 × 1.2 / 5.6) = ceil(4 × 0.9 / 5.6) = 1): $1.60/h and $0.80/h, × 720 h.
    expect(r.stdout).toContain(
      'compare at 4 queries/s, 800 input + 200 output tokens per query (given on the command line)',
    );
    expect(r.stdout).toMatch(/\$ per 1M input tokens\s+\$0\.1111\s+\$0\.05556/);
    expect(r.stdout).toMatch(
      /instances \(capacity formula\)\s+1 × 2 L4 on_demand \(\$1\.60\/h each\)\s+1 × 1 L4 on_demand \(\$0\.80\/h each\)/,
    );
    expect(r.stdout).toMatch(/\$ per month \(30 days\)\s+\$1,152\.00\s+\$576\.00/);
    expect(r.stdout).toContain('int8-1xl4 is cheaper: $576.00/month less than fp16-2xl4 at 4 queries/s');
    expect(r.stdout).toContain('before/after (fp16-2xl4 → int8-1xl4):');
    expect(r.stdout).toMatch(/cost per day\s+\$38\.40 → \$19\.20\s+-50\.0 %/);
    expect(r.stdout).toMatch(/latency\s+1\.2 s → 0\.9 s\s+-25\.0 %/);
    expect(r.stdout).toMatch(
      /throughput per instance\s+4\.66667 queries\/s → 6\.22222 queries\/s\s+\+33\.3 %/,
    );
  });

  it('prints the same numbers as JSON, computed from the GPU price, the token counts and the capacity formula', async () => {
    const out = await json([...TWO, '--latency', 'fp16-2xl4=1.2', '--latency', 'int8-1xl4=0.9']);
    expect(out.source).toEqual({ kind: 'flags' });
    expect(out.workload).toEqual({ qps: 4, inputTokensPerQuery: 800, outputTokensPerQuery: 200 });
    const [a, b] = out.candidates;
    const perHourQueries = 4 * 3600;
    expect(a.name).toBe('fp16-2xl4');
    expect(a.usdPerHour).toBeCloseTo(2 * L4, 12);
    expect(a.usdPerQuery).toBeCloseTo((2 * L4) / perHourQueries, 15);
    expect(a.usdPer1MInputTokens).toBeCloseTo(((2 * L4 * 0.8) / (perHourQueries * 800)) * 1e6, 12);
    expect(a.usdPer1MOutputTokens).toBeCloseTo(((2 * L4 * 0.2) / (perHourQueries * 200)) * 1e6, 12);
    expect(a.deployment).toMatchObject({
      instances: 1,
      instanceUsdPerHour: 2 * L4,
      split: 'tokens',
      inputCostShare: 0.8,
    });
    expect(b.usdPerMonth).toBeCloseTo(L4 * 720, 9);
    expect(out.monthlyDifferenceUsd).toBeCloseTo(L4 * 720, 9);
    expect(out.cheaper).toBe('int8-1xl4');
    expect(out.beforeAfter?.map((row) => row.metric)).toEqual([
      'cost_usd_per_day',
      'cost_usd_per_month',
      'latency_s',
      'throughput_qps_per_instance',
      'cost_usd_per_query',
    ]);
    expect(out.breakEven).toBeUndefined();
  });

  it('compares on-demand against spot for the same GPUs with NAME@spot and one latency for both', async () => {
    const out = await json([
      'compare',
      '--card',
      CARD,
      '--deployment',
      'int8-1xl4',
      '--deployment',
      'int8-1xl4@spot',
      ...WORKLOAD,
      '--latency',
      '0.9',
    ]);
    expect(out.candidates.map((c) => [c.name, c.deployment?.gpu.usdPerGpuHour])).toEqual([
      ['int8-1xl4', L4],
      ['int8-1xl4@spot', L4_SPOT],
    ]);
    expect(out.monthlyDifferenceUsd).toBeCloseTo((L4 - L4_SPOT) * 720, 9);
  });

  it('puts the API model first and gives the break-even request rate against the deployment', async () => {
    const out = await json([
      'compare',
      '--card',
      CARD,
      '--deployment',
      'int8-1xl4',
      '--api',
      'openai/house-model',
      ...WORKLOAD,
      '--latency',
      '0.9',
      '--prefill-share',
      '0.25',
    ]);
    const perQuery = (800 * IN_PRICE + 200 * OUT_PRICE) / 1e6;
    const [api, self] = out.candidates;
    expect(api).toMatchObject({ kind: 'api', name: 'openai/house-model', usdPer1MInputTokens: IN_PRICE });
    expect(api.usdPer1MOutputTokens).toBeCloseTo(OUT_PRICE, 12);
    expect(api.usdPerQuery).toBeCloseTo(perQuery, 15);
    expect(api.usdPerMonth).toBeCloseTo(perQuery * 4 * 3600 * 720, 9);
    expect(self.deployment?.split).toBe('prefill_decode_time');
    expect(self.usdPer1MInputTokens).toBeCloseTo(((L4 * 0.25) / (4 * 3600 * 800)) * 1e6, 12);
    // One L4 ($0.80/h) matches the API's spend at 0.8 / (3600 × perQuery) queries/s.
    expect(out.breakEven?.qps).toBeCloseTo(L4 / (3600 * perQuery), 12);
    expect(out.breakEven?.instancesAtBreakEven).toBe(1);
    expect(out.monthlyDifferenceUsd).toBeCloseTo(perQuery * 4 * 3600 * 720 - L4 * 720, 9);
  });
});

describe('burnrate compare: bad flags and card input', () => {
  const cases: [string, string[], number, string][] = [
    [
      'one side only',
      ['compare', '--card', CARD, '--deployment', 'int8-1xl4', ...WORKLOAD, '--latency', '1'],
      2,
      'compare: expected two sides — --deployment NAME and --api MODEL, or --deployment twice — got 1 --deployment',
    ],
    [
      'no workload',
      ['compare', '--card', CARD, '--deployment', 'int8-1xl4', '--api', 'openai/house-model'],
      2,
      'compare: missing --qps <n>, --input-tokens <n>, --output-tokens <n>, --latency int8-1xl4=<seconds> (the workload), or give --prometheus URL to measure it',
    ],
    ['a bad --qps', [...TWO, '--qps', 'fast'], 2, 'error: --qps: expected a number > 0, got "fast"'],
    [
      'a bad per-deployment latency',
      [...TWO, '--latency', 'int8-1xl4=soon'],
      2,
      'error: --latency: expected a number > 0, got "soon"',
    ],
    [
      'a latency for a deployment not compared',
      [...TWO, '--latency', '1', '--latency', 'fp8=1'],
      2,
      '--latency: "fp8=1" names no deployment compared here (fp16-2xl4, int8-1xl4)',
    ],
    [
      'a prefill share above 1',
      [...TWO, '--latency', '1', '--prefill-share', '1.5'],
      2,
      '--prefill-share: expected a fraction in [0, 1], e.g. 0.2, got "1.5"',
    ],
    [
      'an unknown market',
      [
        'compare',
        '--card',
        CARD,
        '--deployment',
        'int8-1xl4@cheap',
        '--deployment',
        'int8-1xl4',
        ...WORKLOAD,
        '--latency',
        '1',
      ],
      2,
      '--deployment: expected NAME or NAME@MARKET with a market of on_demand, spot, reserved, got "int8-1xl4@cheap"',
    ],
    [
      '--provider without --api',
      [...TWO, '--latency', '1', '--provider', 'openai'],
      2,
      '--provider: only applies with --api MODEL, got --provider "openai" without it',
    ],
    [
      '--window without --prometheus',
      [...TWO, '--latency', '1', '--window', '7d'],
      2,
      '--window: only applies with --prometheus URL',
    ],
    [
      'no tokens per query',
      [
        'compare',
        '--card',
        CARD,
        '--deployment',
        'fp16-2xl4',
        '--deployment',
        'int8-1xl4',
        '--qps',
        '1',
        '--input-tokens',
        '0',
        '--output-tokens',
        '0',
        '--latency',
        '1',
      ],
      2,
      '--input-tokens + --output-tokens: expected more than 0 tokens per query, got 0 and 0',
    ],
    [
      'a deployment not in the card',
      [
        'compare',
        '--card',
        CARD,
        '--deployment',
        'fp8',
        '--deployment',
        'int8-1xl4',
        ...WORKLOAD,
        '--latency',
        '1',
      ],
      1,
      'error: --deployment: no deployment "fp8" in the price card; it declares fp16-2xl4, int8-1xl4, planning',
    ],
    [
      'a deployment without GPUs',
      [
        'compare',
        '--card',
        CARD,
        '--deployment',
        'planning',
        '--deployment',
        'int8-1xl4',
        ...WORKLOAD,
        '--latency',
        '1',
      ],
      1,
      'error: deployments[2].gpu: deployment "planning" declares no GPUs; add gpu: { model: L4, count: 2, market: on_demand } to it in the card',
    ],
    [
      'an unpriced API model',
      [
        'compare',
        '--card',
        CARD,
        '--deployment',
        'int8-1xl4',
        '--api',
        'openai/no-such-model-xyz',
        ...WORKLOAD,
        '--latency',
        '1',
      ],
      1,
      'error: --api: openai/no-such-model-xyz (provider openai) is unpriced',
    ],
  ];
  for (const [what, args, code, message] of cases) {
    it(`fails with exit ${code} and names the flag, the value and the fix for ${what}`, async () => {
      const r = await runCli(args);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.code).toBe(code);
    });
  }

  it('fails with exit 1 naming the field for an invalid card', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'deployments:\n  - name: x\n    batch_size: 0\n    utilization_target: 0.7\n');
    const r = await runCli([
      'compare',
      '--card',
      bad,
      '--deployment',
      'x',
      '--deployment',
      'x@spot',
      ...WORKLOAD,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('deployments[0].batch_size');
  });
});
