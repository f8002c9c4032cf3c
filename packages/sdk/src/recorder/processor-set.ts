import type { CallPlan, CallRequest } from '../record/call-decision.js';
import type { ProcessorContext, UsageProcessor } from '../record/usage-processor.js';
import type { UsageRecord } from '../record/usage-record.js';
import { decideCall, release } from './decide-call.js';
import { DroppedTelemetry } from './dropped-telemetry.js';

/** What the set hands each processor at start, less the peers it fills in itself. */
export type RecorderContext = Omit<ProcessorContext, 'peers'>;

/** Fans records out to processors, isolating each from the others and from the caller. */
export class ProcessorSet {
  private readonly processors: UsageProcessor[] = [];
  /** The processors with a `beforeCall`: wrappers ask for decisions only when there are any. */
  private readonly deciders: UsageProcessor[] = [];
  /** What this recorder dropped, counted on `/metrics` and warned about once per cause. */
  readonly dropped: DroppedTelemetry;
  private closed = false;

  constructor(
    private readonly context: RecorderContext,
    initial: readonly UsageProcessor[] = [],
  ) {
    this.dropped = new DroppedTelemetry(context.meterProvider, context.logger);
    for (const p of initial) this.add(p);
  }

  /** Adds a processor and starts it with the recorder's context (its provider, clock and logger). */
  add(processor: UsageProcessor): void {
    if (typeof processor?.onUsage !== 'function') {
      throw new TypeError('addProcessor: expected an object with an onUsage(record) method');
    }
    const peers = [...this.processors];
    this.processors.push(processor);
    if (typeof processor.beforeCall === 'function') this.deciders.push(processor);
    if (typeof processor.start === 'function') {
      try {
        processor.start({ ...this.context, peers: () => peers });
      } catch (err) {
        this.dropped.drop('processor', 'a UsageProcessor.start', err);
      }
    }
  }

  /** Whether any processor decides on calls before they are sent. */
  get decides(): boolean {
    return this.deciders.length > 0 && !this.closed;
  }

  /** The processors' decision on a call about to be sent (see {@link decideCall}). Never throws. */
  decide(request: CallRequest): CallPlan {
    return decideCall(this.deciders, request, this.dropped);
  }

  /** Tells every deciding processor that the call decided under `callId` brings no record. */
  release(callId: string): void {
    for (const p of this.deciders) release(p, callId, this.dropped);
  }

  dispatch(record: UsageRecord): void {
    if (this.closed) return;
    for (const p of this.processors) {
      let returned: unknown;
      try {
        returned = p.onUsage(record);
      } catch (err) {
        this.dropped.drop('processor', 'a UsageProcessor.onUsage', err);
        continue;
      }
      // `onUsage` is typed void, but an async one type-checks too: its rejection must not become an
      // unhandled rejection (which ends a Node process), so it is counted and warned about like a throw.
      if (returned !== undefined && typeof (returned as PromiseLike<unknown>).then === 'function') {
        (returned as PromiseLike<unknown>).then(undefined, (err: unknown) =>
          this.dropped.drop('processor', 'a UsageProcessor.onUsage (rejected)', err),
        );
      }
    }
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => this.settle('forceFlush', () => p.forceFlush?.())));
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.processors.map((p) => this.settle('shutdown', () => p.shutdown?.())));
  }

  private async settle(what: string, fn: () => Promise<void> | undefined): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.dropped.drop('processor', `a UsageProcessor.${what}`, err);
    }
  }
}
