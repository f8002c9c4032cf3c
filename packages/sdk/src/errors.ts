/**
 * The base of every error burnrate throws on purpose: invalid price cards, budgets, options and CLI
 * arguments. Catch it to tell burnrate's configuration errors from everything else. Recording never
 * throws; these come only from construction and loading.
 */
export class BurnrateError extends Error {
  /** @param message what is wrong, naming the field, the value and the fix. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
