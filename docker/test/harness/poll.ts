/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this many milliseconds. Default 30000. */
  timeoutMs?: number;
  /** Pause between attempts. Default 250. */
  intervalMs?: number;
  /** Text for the error when the deadline passes. */
  what: string;
  /** Extra context (e.g. process output) added to the timeout error. */
  context?: () => string;
}

/**
 * Polls `check` until it returns a value other than `undefined` (or `false`), and resolves with it.
 * Rejects at the deadline with `what`, the last value or error seen, and `context()`. Polling a
 * condition with a deadline, never a fixed sleep, is how the tests synchronize with real processes.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() >= deadline) {
      const ctx = options.context ? `\n--- context ---\n${options.context()}` : '';
      throw new Error(`timed out waiting for ${options.what}; last: ${JSON.stringify(last)}${ctx}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}
