import type { BudgetStatus } from '../internal/budgets/budget-status.js';

/**
 * The report's lines on budget enforcement: per budget with `enforce`, its action and the calls it
 * blocked, downgraded, capped or warned about, with the dollars they did not spend (blocked: their
 * estimates; downgraded: their usage at the requested model's price minus what was paid; capped: the
 * cut output tokens at the output price, the most the cap saved). Empty without enforcing budgets.
 *
 * @param usd how dollars are printed (the report's `formatUsd`).
 */
export function formatEnforcement(budgets: readonly BudgetStatus[], usd: (n: number) => string): string[] {
  const enforced = budgets.filter((b) => b.enforcement !== undefined);
  if (enforced.length === 0) return [];
  const out = ['', 'budget enforcement (calls decided before they were sent):'];
  for (const b of enforced) {
    const e = b.enforcement;
    if (!e) continue;
    const parts = [
      `${e.decisions.allow} allowed`,
      `${e.blocked.calls} blocked (${usd(e.blocked.usd)} not spent)`,
      `${e.downgraded.calls} downgraded (${usd(e.downgraded.usd)} saved)`,
      `${e.capped.calls} capped (up to ${usd(e.capped.usd)} saved)`,
      `${e.warned} warned`,
    ];
    out.push(`  ${b.name} [${e.action}]: ${parts.join(', ')}`);
  }
  return out;
}
