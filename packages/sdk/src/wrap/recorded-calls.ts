/**
 * The calls a client wrapper recorded, for an outer layer that hears of the same calls afterwards
 * and cannot share an async context with the wrapper: LangChain's callbacks run on LangChain's own
 * queue, not inside the model call, so they match calls by the provider's response id (and by the
 * error object a failed call threw). Kept on the recorder under a `Symbol.for` key, so it lives as
 * long as the recorder and two copies of the sdk agree on it; made only when an outer layer asks
 * for it, so wrappers without one pay nothing and keep nothing.
 */
const KEY: unique symbol = Symbol.for('@burnrate/sdk:recorded-calls') as never;

/** How many response ids are kept; older ones go first (an outer layer takes its id within moments). */
const MAX_IDS = 10_000;

/** Response ids and errors of calls already recorded on one recorder. */
export class RecordedCalls {
  private readonly ids = new Map<string, true>();
  private readonly errors = new WeakSet<object>();
  private readonly runOwners = new Map<string, object>();

  /** Notes a recorded call by its response id and/or the error it failed with. */
  note(responseId: string | undefined, error: unknown): void {
    if (responseId !== undefined) {
      this.ids.delete(responseId);
      this.ids.set(responseId, true);
      if (this.ids.size > MAX_IDS) {
        const oldest = this.ids.keys().next().value;
        if (oldest !== undefined) this.ids.delete(oldest);
      }
    }
    if (error !== null && typeof error === 'object') this.errors.add(error);
  }

  /**
   * Claims a run (LangChain's run id) for `owner`: true when no other owner holds it, so two
   * handlers of one recorder attached to the same model (on the model and per call) record it once.
   */
  claimRun(runId: string, owner: object): boolean {
    const held = this.runOwners.get(runId);
    if (held !== undefined) return held === owner;
    this.runOwners.set(runId, owner);
    if (this.runOwners.size > MAX_IDS) {
      const oldest = this.runOwners.keys().next().value;
      if (oldest !== undefined) this.runOwners.delete(oldest);
    }
    return true;
  }

  /** Gives a run back when its owner is done with it. */
  releaseRun(runId: string, owner: object): void {
    if (this.runOwners.get(runId) === owner) this.runOwners.delete(runId);
  }

  /** True (once per id) when one of `responseIds` or `error` belongs to a call recorded already. */
  take(responseIds: readonly (string | undefined)[], error?: unknown): boolean {
    let found = error !== null && typeof error === 'object' && this.errors.has(error);
    for (const id of responseIds) {
      if (id !== undefined && this.ids.delete(id)) found = true;
    }
    return found;
  }
}

type Holder = { [KEY]?: RecordedCalls };

/** The recorded-call log of `recorder`, made on first use; `undefined` when it cannot be attached. */
export function watchRecordedCalls(recorder: object): RecordedCalls | undefined {
  const holder = recorder as Holder;
  const existing = holder[KEY];
  if (existing) return existing;
  const made = new RecordedCalls();
  try {
    Object.defineProperty(recorder, KEY, { value: made, enumerable: false });
  } catch {
    return undefined; // a frozen recorder: no deduplication, and nothing else changes
  }
  return made;
}

/** Notes a call a wrapper recorded on `recorder`, when an outer layer watches it (else nothing). */
export function noteRecordedCall(recorder: object, responseId: string | undefined, error: unknown): void {
  (recorder as Holder)[KEY]?.note(responseId, error);
}
