import type { Budget } from '@burnrate/cost-processor';
import { PROM } from '@burnrate/semconv';

/**
 * A budget's in-process enforcement in words, for `burnrate check`: what happens to a call that
 * would not fit (spent + reserved + its estimate > amount), and the output tokens assumed for calls
 * that set no cap. Undefined for a budget without `enforce` (it only alerts).
 */
export function describeEnforcement(budget: Budget): string | undefined {
  const e = budget.enforce;
  if (!e) return undefined;
  const assumed = `calls without an output cap estimated at ${e.defaultMaxOutputTokens} output tokens`;
  switch (e.action) {
    case 'block':
      return `enforced: block (a call that does not fit is rejected with BudgetExceededError before it is sent; ${assumed})`;
    case 'downgrade':
      return `enforced: downgrade to ${e.downgradeTo} (every call that does not fit is sent to it; ${assumed})`;
    case 'cap_output':
      return `enforced: cap_output (a call that does not fit gets the output cap that fits${e.maxOutputTokens !== undefined ? `, at most ${e.maxOutputTokens} tokens` : ''}; blocked when not one token fits; ${assumed})`;
    case 'warn':
      return `enforced: warn (calls that do not fit are sent and counted in ${PROM.budgetDecisions}; ${assumed})`;
  }
}
