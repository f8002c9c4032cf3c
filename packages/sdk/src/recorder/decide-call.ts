import type { CallDecision, CallPlan, CallRequest } from '../record/call-decision.js';
import type { UsageProcessor } from '../record/usage-processor.js';
import type { Attributes } from '../record/usage-record.js';
import type { DroppedTelemetry } from './dropped-telemetry.js';

/**
 * Asks each processor with a `beforeCall` for its decision, in order, each seeing the changes of
 * the ones before. The first `reject` wins, and the processors that had allowed or modified the call
 * are told to release it. A processor that throws, returns a promise or a malformed decision allows
 * the call: telemetry never stops a call except by a deliberate, well-formed rejection.
 */
export function decideCall(
  processors: readonly UsageProcessor[],
  first: CallRequest,
  dropped: DroppedTelemetry,
): CallPlan {
  let request = first;
  let attributes: Attributes | undefined;
  const decided: UsageProcessor[] = [];
  for (const p of processors) {
    let decision: CallDecision | undefined;
    try {
      decision = p.beforeCall?.(request);
    } catch (err) {
      dropped.drop('processor', 'a UsageProcessor.beforeCall', err);
      continue;
    }
    decided.push(p);
    const checked = checkDecision(decision);
    if (typeof checked === 'string') {
      dropped.drop('processor', 'a UsageProcessor.beforeCall', new TypeError(checked));
      continue;
    }
    if (checked === undefined || checked.action === 'allow') continue;
    if (checked.action === 'reject') {
      // The rejecting processor took nothing; the others may have reserved for the call.
      for (const other of decided) if (other !== p) release(other, request.callId, dropped);
      return { kind: 'reject', error: checked.error };
    }
    request = {
      ...request,
      model: checked.model ?? request.model,
      maxOutputTokens: checked.maxOutputTokens ?? request.maxOutputTokens,
    };
    if (checked.attributes) attributes = { ...attributes, ...checked.attributes };
  }
  return {
    kind: 'send',
    callId: request.callId,
    model: request.model,
    maxOutputTokens: request.maxOutputTokens,
    attributes,
  };
}

/** Tells a processor that a call it decided on brings no record. */
export function release(p: UsageProcessor, callId: string, dropped: DroppedTelemetry): void {
  try {
    p.releaseCall?.(callId);
  } catch (err) {
    dropped.drop('processor', 'a UsageProcessor.releaseCall', err);
  }
}

/** The decision itself when well formed, undefined for none, or what is wrong with it. */
function checkDecision(decision: unknown): CallDecision | undefined | string {
  if (decision === undefined || decision === null) return undefined;
  if (typeof decision !== 'object') return `beforeCall returned ${typeof decision}, not a CallDecision`;
  if (typeof (decision as PromiseLike<unknown>).then === 'function')
    return 'beforeCall returned a promise; decisions are synchronous (the call was allowed)';
  const d = decision as { action?: unknown; model?: unknown; maxOutputTokens?: unknown; error?: unknown };
  switch (d.action) {
    case 'allow':
      return decision as CallDecision;
    case 'reject':
      return d.error instanceof Error
        ? (decision as CallDecision)
        : 'beforeCall rejected a call without an Error (the call was allowed)';
    case 'modify':
      if (d.model !== undefined && (typeof d.model !== 'string' || d.model === ''))
        return `beforeCall modified the model to ${JSON.stringify(d.model)}, not a model name (the call was allowed)`;
      if (
        d.maxOutputTokens !== undefined &&
        !(Number.isInteger(d.maxOutputTokens) && (d.maxOutputTokens as number) >= 1)
      )
        return `beforeCall modified maxOutputTokens to ${JSON.stringify(d.maxOutputTokens)}, not a whole number ≥ 1 (the call was allowed)`;
      return decision as CallDecision;
    default:
      return `beforeCall returned action ${JSON.stringify(d.action)}, not allow, modify or reject`;
  }
}
