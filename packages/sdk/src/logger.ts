import { diag } from '@opentelemetry/api';

/** Where burnrate's warnings go (unpriced usage, lost data, miswiring): one line per warning. */
export interface BurnrateLogger {
  /** Receives one warning. Must not throw (a throw is swallowed). */
  warn(message: string): void;
}

/**
 * The default logger: the OpenTelemetry diag logger (silent unless one is set up) plus a Node
 * process warning (`BurnrateWarning`, printed on stderr), so a warning that means lost or unpriced
 * dollars is never silent by default.
 */
export function createStderrLogger(): BurnrateLogger {
  return {
    warn(message) {
      diag.warn(message);
      process.emitWarning(message, { type: 'BurnrateWarning' });
    },
  };
}
