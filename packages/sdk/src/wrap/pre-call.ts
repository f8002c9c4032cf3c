import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { CallPlan, CallRequestInit } from '../record/call-decision.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { reportTelemetryError } from '../safe.js';

/**
 * A promise rejected with a call's rejection, returned instead of the client's `APIPromise` when a
 * processor rejected the call (nothing was sent). It also has the `APIPromise` methods callers chain,
 * `withResponse()` and `asResponse()`, which return the same rejected promise: so
 * `await client.chat.completions.create(body).withResponse()` rejects with the processor's error
 * (a `BudgetExceededError`, say), never with a TypeError; there is no HTTP response to hand back.
 */
export type RejectedCall = Promise<never> & {
  /** The same rejected promise: a rejected call has no response. */
  withResponse(): Promise<never>;
  /** The same rejected promise: a rejected call has no response. */
  asResponse(): Promise<never>;
};

/** Builds the {@link RejectedCall} a wrapper returns for a call a processor rejected. */
export function rejectedCall(error: Error): RejectedCall {
  const p = Promise.reject(error) as RejectedCall;
  p.withResponse = () => p;
  p.asResponse = () => p;
  return p;
}

/**
 * For wrappers of any client: asks the recorder's processors what to do with a call before it is
 * sent (`recorder.decideCall`). The wrapper then sends `plan.model` and `plan.maxOutputTokens` in a
 * copy of the caller's body (`send`), or returns {@link rejectedCall}`(plan.error)` without sending
 * (`reject`); it puts `plan.callId` and `plan.attributes` on the call's `CallStart`, and calls
 * `recorder.releaseCall(plan.callId)` if the call then fails before it could be recorded. Never
 * throws: an older recorder without `decideCall`, or a failure, sends the call as it is.
 *
 * @example
 * const plan = planCall(recorder, { provider, operation: 'chat', model, maxOutputTokens, streaming, content: { messages } }, attributes);
 * if (plan.kind === 'reject') return rejectedCall(plan.error);
 */
export function planCall(
  recorder: UsageRecorder,
  request: CallRequestInit,
  attributes: CallerAttributes,
): CallPlan {
  try {
    if (typeof recorder.decideCall === 'function') return recorder.decideCall(request, attributes);
  } catch (err) {
    reportTelemetryError('deciding on a call', err);
  }
  return {
    kind: 'send',
    callId: undefined,
    model: request.model,
    maxOutputTokens: request.maxOutputTokens,
    attributes: undefined,
  };
}

/** A whole number ≥ 1 from a request field, else undefined (the request's output cap). */
export function outputCap(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}
