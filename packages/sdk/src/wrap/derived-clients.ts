import { reportTelemetryError } from '../safe.js';
import { WRAPPED } from './instrumented-mark.js';

type WithOptions = ((this: unknown, ...args: unknown[]) => unknown) & { [WRAPPED]?: true };

/**
 * Makes the clients an instrumented client derives with `withOptions()` (openai v5–v7,
 * `@anthropic-ai/sdk`: a new client built from this one's options) instrumented too, by `instrument`
 * with the same burnrate options — and so theirs, at any depth. `withOptions` is wrapped on this
 * client instance (not the prototype) and returns what it returned; a telemetry failure leaves the
 * derived client uninstrumented and reaches the diag logger, never the caller.
 */
export function instrumentDerivedClients(client: object, instrument: (derived: object) => void): void {
  const target = client as { withOptions?: WithOptions };
  const original = target.withOptions;
  if (typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped: WithOptions = function (this: unknown, ...args: unknown[]): unknown {
    const derived = original.apply(this, args);
    if (derived && typeof derived === 'object' && derived !== client) {
      try {
        instrument(derived);
      } catch (err) {
        reportTelemetryError('instrumenting a client derived with withOptions()', err);
      }
    }
    return derived;
  };
  wrapped[WRAPPED] = true;
  target.withOptions = wrapped;
}
