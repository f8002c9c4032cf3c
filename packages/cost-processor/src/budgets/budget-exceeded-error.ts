import { BurnrateError } from '@burnrate/sdk';

/** What a {@link BudgetExceededError} says about the budget that blocked a call. */
export interface BudgetExceededDetails {
  /** The budget's name in the price card. */
  budget: string;
  /** The budget's scope (attribute matchers; empty for all spend). */
  scope: Readonly<Record<string, string>>;
  /** USD spent in the budget's window when the call was refused. */
  spentUsd: number;
  /** USD reserved for calls in flight in the budget's scope when the call was refused. */
  reservedUsd: number;
  /** The budget's amount for one window. */
  limitUsd: number;
  /** The refused call's own estimate, in USD (for `cap_output`: with one output token). */
  estimateUsd: number;
  /**
   * When spend in the window drops: the next calendar boundary, or for a rolling window when the
   * oldest spend in it ages out (one window from now when none is in it yet: the call alone costs
   * more than the budget, or calls in flight hold it).
   */
  resetsAt: Date;
}

/**
 * Rejects a call that does not fit a budget with `enforce: { action: block }` (or `cap_output` when
 * not even one output token fits), before any byte is sent: spent + reserved + the call's estimate
 * would pass the amount. The caller's promise rejects with it (also through `withResponse()` and
 * `asResponse()`, which return the same rejected promise). Catch it to degrade gracefully:
 *
 * ```ts
 * try { await openai.chat.completions.create(body) }
 * catch (e) { if (e instanceof BudgetExceededError) return `budget ${e.budget} resets ${e.resetsAt?.toISOString()}` }
 * ```
 */
export class BudgetExceededError extends BurnrateError implements BudgetExceededDetails {
  readonly budget: string;
  readonly scope: Readonly<Record<string, string>>;
  readonly spentUsd: number;
  readonly reservedUsd: number;
  readonly limitUsd: number;
  readonly estimateUsd: number;
  readonly resetsAt: Date;

  /** @param details the budget and where it stood when the call was refused. */
  constructor(details: BudgetExceededDetails) {
    const scope = Object.entries(details.scope)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    super(
      `budget ${details.budget}${scope ? ` {${scope}}` : ''} exceeded: spent $${usd(details.spentUsd)} + reserved $${usd(details.reservedUsd)} + this call's estimate $${usd(details.estimateUsd)} > limit $${usd(details.limitUsd)}; the call was not sent (spend in the window drops at ${details.resetsAt.toISOString()})`,
    );
    this.budget = details.budget;
    this.scope = { ...details.scope };
    this.spentUsd = details.spentUsd;
    this.reservedUsd = details.reservedUsd;
    this.limitUsd = details.limitUsd;
    this.estimateUsd = details.estimateUsd;
    this.resetsAt = details.resetsAt;
  }
}

/** Dollars with enough digits for cents and fractions of them. */
function usd(n: number): string {
  return Number(n.toPrecision(6)).toString();
}
