import { BurnrateError } from '@burnrate/sdk';

/** Exit codes of the `burnrate` command. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** The command failed: invalid input (a bad price card, an unpriced model), or a failed query. */
  failure: 1,
  /** Usage error: unknown option, missing or malformed argument. */
  usage: 2,
} as const;

/**
 * A usage error (exit code 2): an argument is missing or malformed. The message names the argument,
 * the value and the fix, e.g. `--qps: expected a number > 0, got "abc"`.
 */
export class UsageError extends BurnrateError {
  /** @param message what is wrong and how to fix it. */
  constructor(message: string) {
    super(message);
  }
}

/** A failure (exit code 1): the input was well formed but could not be used, or a query failed. */
export class CliError extends BurnrateError {
  /** @param message what went wrong and what to do about it. */
  constructor(message: string) {
    super(message);
  }
}
