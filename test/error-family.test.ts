import { CliError, UsageError } from '@burnrate/cli';
import {
  CapacityInputError,
  loadPriceCard,
  PriceCardError,
  requiredInstances,
} from '@burnrate/cost-processor';
import { type BudgetRuleInput, generatePrometheusRules, RulesError } from '@burnrate/rules';
import { BurnrateError } from '@burnrate/sdk';
import { describe, expect, it } from 'vitest';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const budget = (name: string): BudgetRuleInput => ({
  name,
  amountUsd: 10,
  window: '1d',
  windowSeconds: 86_400,
  scope: {},
  thresholds: [1],
});

describe('one error family', () => {
  it('an invalid price card throws a PriceCardError that is a BurnrateError and names the field', () => {
    const error = thrown(() =>
      loadPriceCard({ budgets: [{ name: 'x', amount: '10k', window: '30d' }] } as never),
    );
    expect(error).toBeInstanceOf(PriceCardError);
    expect(error).toBeInstanceOf(BurnrateError);
    expect((error as PriceCardError).name).toBe('PriceCardError');
    expect((error as PriceCardError).issues.map((i) => i.path)).toEqual(['budgets[0].amount']);
  });

  it('budgets the rule generators cannot use throw a RulesError that is a BurnrateError', () => {
    const error = thrown(() => generatePrometheusRules([budget('same'), budget('same')]));
    expect(error).toBeInstanceOf(RulesError);
    expect(error).toBeInstanceOf(BurnrateError);
    expect((error as Error).message).toBe('budgets[1].name: "same" is used by another budget');
  });

  it('a bad capacity input throws a CapacityInputError that is a BurnrateError naming the field', () => {
    const error = thrown(() =>
      requiredInstances({ qps: -1, latencySeconds: 1, batchSize: 1, utilizationTarget: 0.7 }),
    );
    expect(error).toBeInstanceOf(CapacityInputError);
    expect(error).toBeInstanceOf(BurnrateError);
    expect((error as CapacityInputError).field).toBe('qps');
  });

  it("the CLI's usage and failure errors are BurnrateErrors with their own names", () => {
    expect(new UsageError('--qps: expected a number')).toBeInstanceOf(BurnrateError);
    expect(new CliError('Prometheus unreachable')).toBeInstanceOf(BurnrateError);
    expect([new UsageError('x').name, new CliError('y').name]).toEqual(['UsageError', 'CliError']);
  });
});
