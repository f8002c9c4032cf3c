import { BurnrateError } from '@burnrate/sdk';

/**
 * Thrown by the generators when budgets cannot become rules (a missing or duplicate name, an amount
 * or threshold that is not positive, a window promtool cannot test); the message names the budget
 * field and the value.
 */
export class RulesError extends BurnrateError {}
