import type { BudgetAction, BudgetEnforcementStatus, CostReport, PriceCard } from '@burnrate/cost-processor';
import { LABEL as L, PROM as S } from '@burnrate/semconv';
import type { CounterSource } from '../prometheus/source.js';

const ACTIONS: readonly BudgetAction[] = ['allow', 'block', 'downgrade', 'cap_output', 'warn'];

/**
 * Fills the report's budgets with what their in-process enforcement did over the source's period,
 * from `burnrate_budget_decisions_total` and `burnrate_budget_unspent_usd_total` (by budget and
 * action, summed over the processes): calls blocked, downgraded, capped and warned, and the dollars
 * they kept from being spent. Only budgets with `enforce` in the card get it.
 */
export async function addEnforcementFromCounters(
  report: CostReport,
  source: CounterSource,
  card: PriceCard,
): Promise<void> {
  const enforced = new Map(card.budgets.filter((b) => b.enforce).map((b) => [b.name, b]));
  if (enforced.size === 0) return;
  const [decisions, unspent] = await Promise.all([
    source.sumBy(S.budgetDecisions, [L.budget, L.budgetAction]),
    source.sumBy(S.budgetUnspent, [L.budget, L.budgetAction]),
  ]);
  const of = (groups: typeof decisions, budget: string, action: string): number =>
    groups
      .filter((g) => g.labels[L.budget] === budget && g.labels[L.budgetAction] === action)
      .reduce((sum, g) => sum + g.value, 0);
  for (const status of report.budgets) {
    const budget = enforced.get(status.name);
    if (!budget?.enforce) continue;
    const e: BudgetEnforcementStatus = {
      action: budget.enforce.action,
      decisions: { allow: 0, block: 0, downgrade: 0, cap_output: 0, warn: 0 },
      blocked: { calls: 0, usd: of(unspent, status.name, 'block') },
      downgraded: { calls: 0, usd: of(unspent, status.name, 'downgrade') },
      capped: { calls: 0, usd: of(unspent, status.name, 'cap_output') },
      warned: 0,
    };
    for (const a of ACTIONS) e.decisions[a] = Math.round(of(decisions, status.name, a));
    e.blocked.calls = e.decisions.block;
    e.downgraded.calls = e.decisions.downgrade;
    e.capped.calls = e.decisions.cap_output;
    e.warned = e.decisions.warn;
    status.enforcement = e;
  }
}
