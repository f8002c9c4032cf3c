import { diag } from '@opentelemetry/api';
import type { ProcessorContext, UsageProcessor } from '../record/usage-processor.js';
import type { UsageRecord } from '../record/usage-record.js';
import { safely } from '../safe.js';

/** What the set hands each processor at start, less the peers it fills in itself. */
export type RecorderContext = Omit<ProcessorContext, 'peers'>;

/** Fans records out to processors, isolating each from the others and from the caller. */
export class ProcessorSet {
  private readonly processors: UsageProcessor[] = [];
  private closed = false;

  constructor(
    private readonly context: RecorderContext,
    initial: readonly UsageProcessor[] = [],
  ) {
    for (const p of initial) this.add(p);
  }

  /** Adds a processor and starts it with the recorder's context (its provider, clock and logger). */
  add(processor: UsageProcessor): void {
    if (typeof processor?.onUsage !== 'function') {
      throw new TypeError('addProcessor: expected an object with an onUsage(record) method');
    }
    const peers = [...this.processors];
    this.processors.push(processor);
    if (typeof processor.start === 'function') {
      safely('a UsageProcessor.start', () => processor.start?.({ ...this.context, peers: () => peers }));
    }
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
