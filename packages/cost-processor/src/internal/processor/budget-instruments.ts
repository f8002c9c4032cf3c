import { ATTR, COST_METRIC, specOptions } from '@burnrate/semconv';
import type { Meter } from '@opentelemetry/api';
import { BUDGET_ACTIONS, type BudgetEnforcer } from '../budgets/budget-enforcer.js';

/**
 * The budget gauges and the enforcement counters on `meter`, read from the enforcer at collection:
 * spent, reserved and remaining USD per budget (every budget of the card), decisions by budget and
 * action and the USD they kept from being spent (budgets with `enforce`). Remaining is amount − spent − reserved, never below 0 and
 * never infinite, so a dashboard never shows ±Inf; overspend shows as spent above the limit.
 */
export function createBudgetInstruments(meter: Meter, enforcer: BudgetEnforcer): void {
  const spent = meter.createObservableGauge(COST_METRIC.budgetSpent, specOptions(COST_METRIC.budgetSpent));
  const reserved = meter.createObservableGauge(
    COST_METRIC.budgetReserved,
    specOptions(COST_METRIC.budgetReserved),
  );
  const remaining = meter.createObservableGauge(
    COST_METRIC.budgetRemaining,
    specOptions(COST_METRIC.budgetRemaining),
  );
  meter.addBatchObservableCallback(
    (result) => {
      for (const b of enforcer.now()) {
        const attributes = { [ATTR.budget]: b.budget.name, [ATTR.budgetWindow]: b.budget.window };
        result.observe(spent, b.spentUsd, attributes);
        result.observe(reserved, b.reservedUsd, attributes);
        result.observe(remaining, b.remainingUsd, attributes);
      }
    },
    [spent, reserved, remaining],
  );
  meter
    .createObservableCounter(COST_METRIC.budgetDecisions, specOptions(COST_METRIC.budgetDecisions))
    .addCallback((result) => {
      for (const b of enforcer.now()) {
        const status = enforcer.status(b.budget.name);
        if (!status) continue;
        for (const action of BUDGET_ACTIONS) {
          result.observe(status.decisions[action], {
            [ATTR.budget]: b.budget.name,
            [ATTR.budgetAction]: action,
          });
        }
      }
    });
  meter
    .createObservableCounter(COST_METRIC.budgetUnspent, specOptions(COST_METRIC.budgetUnspent))
    .addCallback((result) => {
      for (const b of enforcer.now()) {
        const status = enforcer.status(b.budget.name);
        if (!status) continue;
        const unspent: [string, number][] = [
          ['block', status.blocked.usd],
          ['downgrade', status.downgraded.usd],
          ['cap_output', status.capped.usd],
        ];
        for (const [action, usd] of unspent)
          result.observe(usd, { [ATTR.budget]: b.budget.name, [ATTR.budgetAction]: action });
      }
    });
}
