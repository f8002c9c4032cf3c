import Anthropic from '@anthropic-ai/sdk';
import { BudgetExceededError, type PriceCardInput } from '@burnrate/cost-processor';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { createManualClock, withAttributes } from '@burnrate/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Burnrate, setupBurnrate } from '../src/index.js';

/** Claude's explicit price in the card, USD per 1M tokens: every dollar below comes from it. */
const PRICE = { input: 3, output: 15 };
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const DAY_MS = 86_400_000;
const QUESTION = 'Summarize our refund policy in one sentence.';

const usd = (input: number, output: number): number => (input * PRICE.input + output * PRICE.output) / 1e6;
const nano = (n: number): number => Math.round(n * 1e9);

let sim: Simulator;
let burnrate: Burnrate | undefined;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(async () => {
  await burnrate?.shutdown();
  burnrate = undefined;
  await sim.close();
});

async function setup(budgets: PriceCardInput['budgets']): Promise<Anthropic> {
  burnrate = await setupBurnrate({
    prometheus: { port: 0 },
    clock: createManualClock(T0),
    logger: { warn: () => {} },
    priceCard: {
      providers: { '127.0.0.1': 'anthropic' },
      models: { 'claude-sonnet-4*': PRICE },
      budgets,
    },
  });
  return burnrate.instrumentAnthropic(
    new Anthropic({ baseURL: sim.anthropicUrl, apiKey: 'sk-ant-test', maxRetries: 0 }),
  );
}

const ask = (claude: Anthropic, maxTokens: number) =>
  withAttributes({ feature: 'support' }, () =>
    claude.messages.create({
      model: 'claude-sonnet-4-0',
      max_tokens: maxTokens,
      messages: [{ role: 'user', content: QUESTION }],
    }),
  );

describe('budgets with enforce on Anthropic messages.create', () => {
  it('blocks a call that does not fit before the simulator sees it, estimated from max_tokens', async () => {
    // The simulator counts 3 + content + 3 for one message; the estimate also counts the role
    // (`user`: 1 token), so it is one token above the first call's real input.
    const probe = await new Anthropic({
      baseURL: sim.anthropicUrl,
      apiKey: 'k',
      maxRetries: 0,
    }).messages.create({
      model: 'claude-sonnet-4-0',
      max_tokens: 1,
      messages: [{ role: 'user', content: QUESTION }],
    });
    const estimateUsd = usd(probe.usage.input_tokens + 1, 30);
    const claude = await setup([
      {
        name: 'support',
        amount: 1.2 * estimateUsd,
        window: '1d',
        scope: { feature: 'support' },
        enforce: { action: 'block' },
      },
    ]);
    const first = await ask(claude, 30);
    const firstUsd = usd(first.usage.input_tokens, first.usage.output_tokens);
    const e = (await ask(claude, 30).catch((x: unknown) => x)) as BudgetExceededError;
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect({
      budget: e.budget,
      spentUsd: nano(e.spentUsd),
      reservedUsd: e.reservedUsd,
      estimateUsd: nano(e.estimateUsd),
      resetsAt: e.resetsAt.toISOString(),
    }).toEqual({
      budget: 'support',
      spentUsd: nano(firstUsd),
      reservedUsd: 0,
      estimateUsd: nano(estimateUsd),
      resetsAt: new Date(T0 + DAY_MS).toISOString(),
    });
    // The probe and the first call: the blocked one never reached the simulator.
    expect(sim.ledger().requests).toHaveLength(2);
  });

  it('lowers max_tokens on the wire with cap_output (the simulator stops at exactly that many tokens)', async () => {
    const claude = await setup([
      {
        name: 'support',
        amount: usd(20, 10),
        window: '1d',
        scope: { feature: 'support' },
        enforce: { action: 'cap_output' },
      },
    ]);
    const body = {
      model: 'claude-sonnet-4-0',
      max_tokens: 500,
      messages: [{ role: 'user' as const, content: QUESTION }],
    };
    const reply = await withAttributes({ feature: 'support' }, () => claude.messages.create(body));
    expect(body.max_tokens).toBe(500);
    const input = reply.usage.input_tokens + 1;
    const expectedCap = Math.floor((usd(20, 10) - usd(input, 0)) / (PRICE.output / 1e6));
    expect(expectedCap).toBeGreaterThan(0);
    expect(expectedCap).toBeLessThan(16);
    expect(reply.usage.output_tokens).toBe(expectedCap);
    expect(reply.stop_reason).toBe('max_tokens');
    expect(sim.ledger().requests[0]?.usage?.output).toBe(expectedCap);
  });
});
