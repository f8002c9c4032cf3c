import { diag } from '@opentelemetry/api';

/**
 * Runs telemetry work so that nothing it throws can reach the user's call: the error goes to the
 * OpenTelemetry diag logger instead. Returns `undefined` when `fn` threw.
 */
export function safely<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    reportTelemetryError(what, err);
    return undefined;
  }
}

/** Sends a telemetry failure to the diag logger; a throwing logger is swallowed too. */
export function reportTelemetryError(what: string, err: unknown): void {
  try {
    diag.error(`burnrate: ${what} failed; the call is unaffected`, err);
  } catch {
    // a throwing logger must not escape either
  }
}
