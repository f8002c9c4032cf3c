import type { BurnrateLogger } from '@burnrate/sdk';

/** Distinct warnings of one kind sent before the rest of that kind are only counted. */
export const WARNINGS_PER_KIND = 20;

/**
 * Warns once per key, and at most {@link WARNINGS_PER_KIND} distinct keys per kind: a flood of
 * 100,000 unknown model names gives 20 lines and a count, not 100,000 lines (nor a set of 100,000
 * keys kept in memory).
 */
export class OnceWarnings {
  private readonly seen = new Set<string>();
  private readonly perKind = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(private readonly logger: () => BurnrateLogger) {}

  /**
   * Sends `message` (prefixed `burnrate: `) the first time `key` is seen, unless `kind` already
   * sent its share; then the warning is counted (see {@link flushSuppressed}).
   */
  warn(key: string, message: string, kind?: string): void {
    if (this.seen.has(key)) return;
    if (kind !== undefined) {
      const sent = this.perKind.get(kind) ?? 0;
      if (sent >= WARNINGS_PER_KIND) {
        const n = (this.suppressed.get(kind) ?? 0) + 1;
        this.suppressed.set(kind, n);
        if (n === 1) {
          this.send(
            `${WARNINGS_PER_KIND} ${kind} warnings sent; further ones are counted, not printed (the count follows at flush and shutdown; report().unpriced lists what is unpriced)`,
          );
        }
        return;
      }
      this.perKind.set(kind, sent + 1);
    }
    this.seen.add(key);
    this.send(message);
  }

  /** Says how many warnings of each kind were suppressed since the last flush. */
  flushSuppressed(): void {
    for (const [kind, n] of this.suppressed) {
      if (n > 0) this.send(`${n} more ${kind} warning${n === 1 ? ' was' : 's were'} suppressed`);
      this.suppressed.set(kind, 0);
    }
  }

  private send(message: string): void {
    try {
      this.logger().warn(`burnrate: ${message}`);
    } catch {
      // a throwing logger must not reach the recording path
    }
  }
}
