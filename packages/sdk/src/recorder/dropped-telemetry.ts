import { ATTR, METRIC, specOptions } from '@burnrate/semconv';
import { diag, type MeterProvider } from '@opentelemetry/api';
import type { BurnrateLogger } from '../logger.js';
import { VERSION } from '../version.js';

/**
 * Why telemetry was dropped: a processor or the meter threw, a caller attribute key was dropped by
 * the guard, a value was folded into `other` past the cap, or redacted as an email or secret.
 */
export type DropCause = 'processor' | 'meter' | 'attribute_dropped' | 'value_folded' | 'value_redacted';

const CAUSES: readonly DropCause[] = [
  'processor',
  'meter',
  'attribute_dropped',
  'value_folded',
  'value_redacted',
];

/**
 * Counts telemetry burnrate dropped and says so once per cause on the recorder's logger (stderr by
 * default), not only to the silent-by-default diag logger; the counts are on `/metrics` as
 * `burnrate.telemetry.dropped`, so a scrape shows what it is missing.
 */
export class DroppedTelemetry {
  private readonly counts = new Map<DropCause, number>(CAUSES.map((c) => [c, 0]));
  private readonly warned = new Set<string>();

  constructor(
    meterProvider: MeterProvider,
    private readonly logger: BurnrateLogger,
  ) {
    try {
      meterProvider
        .getMeter('@burnrate/sdk', VERSION)
        .createObservableCounter(METRIC.telemetryDropped, specOptions(METRIC.telemetryDropped))
        .addCallback((result) => {
          for (const [cause, n] of this.counts) result.observe(n, { [ATTR.dropCause]: cause });
        });
    } catch (err) {
      // A throwing MeterProvider: the counts still drive the warnings.
      diag.error('burnrate: could not create the dropped-telemetry counter', err);
    }
  }

  /**
   * Counts one dropped or changed attribute (the guard's doing); the first of each `id` is warned
   * about on the logger. Never throws.
   */
  note(cause: DropCause, id: string, message: string): void {
    this.counts.set(cause, (this.counts.get(cause) ?? 0) + 1);
    if (this.warned.has(id)) return;
    this.warned.add(id);
    try {
      this.logger.warn(`burnrate: ${message}`);
    } catch {
      // a throwing logger must not escape
    }
  }

  /** Counts one drop; the first of each `what` is warned about with the error. Never throws. */
  drop(cause: DropCause, what: string, err: unknown): void {
    this.counts.set(cause, (this.counts.get(cause) ?? 0) + 1);
    try {
      diag.error(`burnrate: ${what} failed; the call is unaffected`, err);
      if (this.warned.has(what)) return;
      this.warned.add(what);
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.logger.warn(
        `burnrate: ${what} failed (${reason}); the call is unaffected, but what it would have recorded is lost. Further failures are counted in ${METRIC.telemetryDropped}{${ATTR.dropCause}="${cause}"}, not printed`,
      );
    } catch {
      // a throwing logger must not escape either
    }
  }
}
