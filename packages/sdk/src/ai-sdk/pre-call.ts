import { AsyncLocalStorage } from 'node:async_hooks';
import { ATTR } from '@burnrate/semconv';
import { createStderrLogger } from '../logger.js';
import type { Attributes } from '../record/usage-record.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { reportTelemetryError } from '../safe.js';
import { outputCap, planCall } from '../wrap/pre-call.js';
import type { ModelCall } from './model-call.js';

/** The parts of the call options the pre-call hook reads (AI SDK `LanguageModelV3CallOptions`). */
export interface AiSdkPromptParamsLike {
  prompt?: unknown;
  tools?: unknown;
  maxOutputTokens?: unknown;
}

/** What an outer middleware of the same recorder decided, so an inner one does not decide again. */
interface Decided {
  readonly callId: string | undefined;
  readonly attributes: Attributes | undefined;
}

// A constant, not mutable state: each async context carries its own decisions.
const decisions = new AsyncLocalStorage<ReadonlyMap<object, Decided>>();

/** What the pre-call hook made of one model call. */
export type AiSdkPlan =
  | { readonly kind: 'reject'; readonly error: Error }
  | {
      readonly kind: 'send';
      /** The params to send instead of the caller's (a copy with a lower `maxOutputTokens`); undefined: unchanged. */
      readonly params: Record<string, unknown> | undefined;
      /** Runs the call with this decision visible to inner middlewares of the same recorder. */
      run<T>(fn: () => T): T;
    };

const warned = new Set<string>();
const logger = createStderrLogger();

function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  try {
    logger.warn(message);
  } catch {
    // a throwing logger must not reach the call
  }
}

/**
 * Asks the recorder's processors about one AI SDK model call before `doGenerate` / `doStream` runs
 * (the pre-call hook) and puts the decision's id and attributes on the call's start. A rejection is
 * returned for the middleware to throw; a lower output cap goes into a copy of the params
 * (`maxOutputTokens`). A middleware cannot send the call to another model (the wrapped model is
 * fixed), so a `downgrade` decision is not applied: the call goes to the wrapped model as asked,
 * is not marked `burnrate.budget.action="downgrade"`, and that is warned about once per model pair.
 * Never throws: a failure sends the call unchanged.
 */
export function planModelCall(
  recorder: UsageRecorder,
  call: ModelCall,
  params: AiSdkPromptParamsLike | undefined,
  streaming: boolean,
): AiSdkPlan {
  const unchanged: AiSdkPlan = { kind: 'send', params: undefined, run: (fn) => fn() };
  try {
    const outer = decisions.getStore()?.get(recorder);
    if (outer) {
      // An outer burnrate middleware decided already; this inner one records the call under its id.
      if (outer.callId !== undefined) call.start.callId = outer.callId;
      if (outer.attributes !== undefined) call.start.decisionAttributes = outer.attributes;
      return unchanged;
    }
    const p = (params ?? {}) as AiSdkPromptParamsLike;
    const cap = outputCap(p.maxOutputTokens);
    const model = call.start.requestModel;
    const plan = planCall(
      recorder,
      {
        provider: call.start.server.provider,
        operation: call.start.operation,
        model,
        maxOutputTokens: cap,
        streaming,
        content: { messages: p.prompt, tools: p.tools },
      },
      call.start.attributes,
    );
    if (plan.kind === 'reject') return { kind: 'reject', error: plan.error };
    let attributes = plan.attributes;
    if (plan.model !== model) {
      warnOnce(
        `${model}|${plan.model}`,
        `burnrate: a budget asked to send a call of ${model} to ${plan.model} instead; an AI SDK middleware cannot change the wrapped model, so it was sent to ${model} (use a block or cap_output budget for AI SDK calls)`,
      );
      attributes = withoutDowngrade(attributes, plan.maxOutputTokens !== cap);
    }
    if (plan.callId !== undefined) call.start.callId = plan.callId;
    if (attributes !== undefined) call.start.decisionAttributes = attributes;
    const decided: Decided = { callId: plan.callId, attributes };
    const store = new Map(decisions.getStore() ?? []);
    store.set(recorder, decided);
    const sent =
      plan.maxOutputTokens !== undefined && plan.maxOutputTokens !== cap
        ? { ...(params as Record<string, unknown>), maxOutputTokens: plan.maxOutputTokens }
        : undefined;
    return { kind: 'send', params: sent, run: (fn) => decisions.run(store, fn) };
  } catch (err) {
    reportTelemetryError('deciding on an AI SDK call', err);
    return unchanged;
  }
}

/** The decision's attributes without a `downgrade` that was not applied (`cap_output` when the cap was lowered). */
function withoutDowngrade(attributes: Attributes | undefined, capped: boolean): Attributes | undefined {
  if (attributes?.[ATTR.budgetAction] !== 'downgrade') return attributes;
  const { [ATTR.budgetAction]: _dropped, ...rest } = attributes;
  if (capped) return { ...rest, [ATTR.budgetAction]: 'cap_output' };
  return Object.keys(rest).length > 0 ? rest : undefined;
}
