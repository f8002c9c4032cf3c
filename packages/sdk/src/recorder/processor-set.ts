import { diag } from '@opentelemetry/api';
import type { UsageProcessor, UsageRecord } from '../record/usage-record.js';
import { safely } from '../safe.js';

/** Fans records out to processors, isolating each from the others and from the caller. */
export class ProcessorSet {
  private readonly processors: UsageProcessor[] = [];
  private closed = false;

  constructor(initial: readonly UsageProcessor[] = []) {
    for (const p of initial) this.add(p);
  }

  add(processor: UsageProcessor): void {
    if (typeof processor?.onUsage !== 'function') {
      throw new TypeError('addProcessor: expected an object with an onUsage(record) method');
    }
    this.processors.push(processor);
  }

  dispatch(record: UsageRecord): void {
    if (this.closed) return;
    for (const p of this.processors) {
      // `onUsage` is typed void, but an async one type-checks too: its rejection must not become an
      // unhandled rejection (which ends a Node process), so it goes to the diag logger like a throw.
      const returned: unknown = safely('a UsageProcessor.onUsage', () => p.onUsage(record));
      if (returned !== undefined && typeof (returned as PromiseLike<unknown>).then === 'function') {
        (returned as PromiseLike<unknown>).then(undefined, (err: unknown) =>
          safely('logging a UsageProcessor.onUsage rejection', () =>
            diag.error('burnrate: a UsageProcessor.onUsage rejected; the call is unaffected', err),
          ),
        );
      }
    }
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => settle('forceFlush', () => p.forceFlush?.())));
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.processors.map((p) => settle('shutdown', () => p.shutdown?.())));
  }
}

async function settle(what: string, fn: () => Promise<void> | undefined): Promise<void> {
  try {
    await fn();
  } catch (err) {
    diag.error(`burnrate: UsageProcessor.${what} failed`, err);
  }
}
