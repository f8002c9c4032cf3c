import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetExceededError, type CostReport } from '@burnrate/cost-processor';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { type Burnrate, setupBurnrate } from '@burnrate/node';
import { createManualClock, withAttributes } from '@burnrate/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-enforce-'));
const cardPath = join(dir, 'card.yaml');
writeFileSync(
  cardPath,
  [
    'providers:',
    "  '127.0.0.1': openai",
    'models:',
    "  'gpt-4o-mini*': { input: 0.15, output: 0.6 }",
    "  'gpt-4o*': { input: 2.5, output: 10 }",
    'budgets:',
    '  - { name: search, amount: 0.0006, window: 1d, scope: { feature: search }, enforce: { action: block } }',
    '  - { name: chat, amount: 0.0006, window: 1d, scope: { feature: chat }, enforce: { action: downgrade, downgrade_to: gpt-4o-mini } }',
    '',
  ].join('\n'),
);

let sim: Simulator;
let burnrate: Burnrate;
beforeAll(async () => {
  sim = await startSimulator();
  burnrate = await setupBurnrate({
    prometheus: { port: 0 },
    clock: createManualClock(Date.UTC(2026, 11, 1, 10)),
    priceCard: cardPath,
    logger: { warn: () => {} },
  });
  const openai = burnrate.instrumentOpenAI(
    new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }),
  );
  for (const feature of ['search', 'chat']) {
    for (let i = 0; i < 4; i++) {
      await withAttributes({ feature }, () =>
        openai.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: `question ${i} about returns` }],
          max_tokens: 20,
        }),
      ).catch((e: unknown) => {
        if (!(e instanceof BudgetExceededError)) throw e;
      });
    }
  }
});
afterAll(async () => {
  await burnrate.shutdown();
  await sim.close();
});

describe('burnrate report --metrics: budget enforcement', () => {
  it("shows each enforcing budget's blocked and downgraded calls and the dollars they did not spend, as the app counted them", async () => {
    const inProcess = burnrate.costs.report();
    const r = await runCli([
      'report',
      '--metrics',
      burnrate.metricsUrl as string,
      '--card',
      cardPath,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const { report } = JSON.parse(r.stdout) as { report: CostReport };
    const pick = (rep: CostReport) =>
      rep.budgets.map((b) => ({
        name: b.name,
        decisions: b.enforcement?.decisions,
        blocked: [b.enforcement?.blocked.calls, Math.round((b.enforcement?.blocked.usd ?? 0) * 1e9)],
        downgraded: [b.enforcement?.downgraded.calls, Math.round((b.enforcement?.downgraded.usd ?? 0) * 1e9)],
      }));
    expect(pick(report)).toEqual(pick(inProcess));
    expect(pick(report).map((b) => [b.name, b.blocked[0], b.downgraded[0]])).toEqual([
      ['search', 2, 0],
      ['chat', 0, 2],
    ]);
    const text = await runCli(['report', '--metrics', burnrate.metricsUrl as string, '--card', cardPath]);
    expect(text.stdout).toMatch(/^ {2}search \[block\]: 2 allowed, 2 blocked \(\$0\.\d+ not spent\)/m);
    expect(text.stdout).toMatch(
      /^ {2}chat \[downgrade\]: 2 allowed, 0 blocked .*, 2 downgraded \(\$0\.\d+ saved\)/m,
    );
  });
});
