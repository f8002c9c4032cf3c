import type { Attributes } from './usage-record.js';

/**
 * A call a wrapper is about to send, as processors see it before any byte goes out
 * ({@link UsageProcessor.beforeCall}). Provider-neutral: the wrapper fills it from the request body.
 * `content` may hold prompt text: a processor may count its tokens, never put it on a metric.
 */
export interface CallRequest {
  /**
   * The id of this decision, carried to the call's {@link LlmUsageRecord.callId}, so what a
   * processor reserved for the call is settled by that record (or released by `releaseCall`).
   */
  readonly callId: string;
  /** `gen_ai.provider.name`, as on the call's record (`openai`, `anthropic`, or the server host). */
  readonly provider: string;
  /** `gen_ai.operation.name`: `chat`, `text_completion`, `embeddings`, ... */
  readonly operation: string;
  /** The model the call asks for (after earlier processors' changes). */
  readonly model: string;
  /** Caller attributes after the recorder's cardinality guard: what the call's record will carry. */
  readonly attributes: Attributes;
  /**
   * The output cap the request carries (`max_tokens`, `max_completion_tokens`,
   * `max_output_tokens`), after earlier processors' changes; undefined when it sets none.
   */
  readonly maxOutputTokens: number | undefined;
  /** Whether the call streams. */
  readonly streaming: boolean;
  /**
   * What the request sends as input, as the provider's client takes it: `{ messages, tools }` for
   * chat, `{ input, instructions }` for Responses, `{ prompt }`, `{ input }` for embeddings,
   * `{ system, messages, tools }` for Anthropic. For token estimates only.
   */
  readonly content: Readonly<Record<string, unknown>>;
}

/**
 * What a processor decides about a call before it is sent (a tagged union):
 * - `allow`: send it as it is;
 * - `modify`: send it with another `model` and/or a lower `maxOutputTokens` (a copy of the
 *   caller's body goes on the wire, never the caller's object), and add `attributes` (burnrate's own
 *   keys, such as `burnrate.budget.action`) to its record and metrics;
 * - `reject`: do not send it; the caller's promise rejects with `error`, before any byte is sent.
 *
 * A processor that throws, or returns anything else, allows the call (and the recorder counts it
 * in `burnrate.telemetry.dropped`): only a deliberate `reject` stops a call.
 */
export type CallDecision =
  | { readonly action: 'allow' }
  | {
      readonly action: 'modify';
      /** The model to send instead. Default: unchanged. */
      readonly model?: string;
      /** The output cap to send instead (a whole number ≥ 1). Default: unchanged. */
      readonly maxOutputTokens?: number;
      /** Attributes added to the call's record and metrics after the guard. Default: none. */
      readonly attributes?: Attributes;
    }
  | { readonly action: 'reject'; readonly error: Error };

/**
 * What the recorder tells a wrapper to do with a call (see `UsageRecorder.decideCall`): send it
 * (with the changes processors asked for) or reject it.
 */
export type CallPlan =
  | {
      readonly kind: 'send';
      /** Set when a processor decided on the call: put it on the call's record (`callId`). */
      readonly callId: string | undefined;
      /** The model to send; differs from the request's when a processor changed it. */
      readonly model: string;
      /** The output cap to send; differs from the request's when a processor lowered it. */
      readonly maxOutputTokens: number | undefined;
      /** Attributes processors added, for the call's record; undefined when none. */
      readonly attributes: Attributes | undefined;
    }
  | { readonly kind: 'reject'; readonly error: Error };

/** What a wrapper knows of a call before it is sent: a {@link CallRequest} without its id. */
export type CallRequestInit = Omit<CallRequest, 'callId' | 'attributes'>;
