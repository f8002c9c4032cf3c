import type { BurnrateLogger } from '@burnrate/sdk';

/** Warns once per key: one line per unknown model, GPU, scope or miswiring, not one per record. */
export class OnceWarnings {
  private readonly seen = new Set<string>();

  constructor(private readonly logger: () => BurnrateLogger) {}

  /** Sends `message` (prefixed `burnrate: `) the first time `key` is seen. */
  warn(key: string, message: string): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    try {
      this.logger().warn(`burnrate: ${message}`);
    } catch {
      // a throwing logger must not reach the recording path
    }
  }
}
