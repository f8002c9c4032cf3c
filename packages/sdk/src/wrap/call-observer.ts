import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { UnitUsage } from '../record/unit-usage.js';
import type { Attributes, LlmUsageRecord, TokenUsage, UsageSource } from '../record/usage-record.js';
import type { LlmCall, UsageRecorder } from '../recorder/usage-recorder.js';
import { safely } from '../safe.js';
import { errorTypeOf } from './error-type.js';
import type { ServerIdentity } from './provider-name.js';
import { noteRecordedCall } from './recorded-calls.js';
import { type ChunkReader, observeStream } from './stream-observer.js';

/** What the wrapper knows when a call starts. */
export interface CallStart {
  operation: string;
  requestModel: string;
  streaming: boolean;
  startMs: number;
  attributes: CallerAttributes;
  server: ServerIdentity;
  /** The pre-call decision's id (`CallPlan.callId`), when processors decided on the call. */
  callId?: string | undefined;
  /** Attributes the pre-call decision added (`CallPlan.attributes`). */
  decisionAttributes?: Attributes | undefined;
}

/** What the wrapper learned by the end of a call. */
export interface CallEnd {
  usage?: TokenUsage | undefined;
  /** Where `usage` came from; default `provider`. */
  usageSource?: UsageSource | undefined;
  /**
   * Usage the provider reported before its final count (Anthropic's `message_start`: exact input, a
   * provisional output). Used only when the caller aborts a stream before the final count, as
   * `estimated` usage; a stream that ends or fails without the final count stays `missing`.
   */
  partialUsage?: TokenUsage | undefined;
  responseModel?: string | undefined;
  serviceTier?: string | undefined;
  firstChunkMs?: number | undefined;
  errorType?: string | undefined;
  /** See {@link LlmUsageRecord.served}; default true. */
  served?: boolean | undefined;
  /** Usage in units other than tokens (images, audio seconds, characters, tool calls). */
  units?: UnitUsage | undefined;
  /**
   * The call's usage comes later, on another call (a background response, queued: it is recorded
   * when `responses.retrieve` returns it finished). Nothing is recorded for this one unless usage arrived.
   */
  deferred?: boolean | undefined;
  /** The provider's response id (`chatcmpl-…`, `resp_…`): an outer layer that hears of the call later skips it. */
  responseId?: string | undefined;
  /** The error the call failed with, for the same purpose. */
  error?: unknown;
}

const ZERO: TokenUsage = Object.freeze({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });

/** Turns a call's start and end into one LLM usage record on the recorder. */
export function finishCall(recorder: UsageRecorder, start: CallStart, end: CallEnd): void {
  if (end.deferred === true && end.usage === undefined) {
    // Its usage will arrive with the retrieved response; what a processor reserved goes back now.
    if (start.callId !== undefined) recorder.releaseCall(start.callId);
    return;
  }
  const now = recorder.clock.now();
  const usageSource: UsageSource = end.usage ? (end.usageSource ?? 'provider') : 'missing';
  // Optional fields assigned in place rather than spread in (`...(x && { x })` builds and copies a
  // throwaway object per field, on every call); the keys keep their order.
  const call: LlmCall = {
    provider: start.server.provider,
    operation: start.operation,
    requestModel: start.requestModel,
  } as LlmCall;
  if (end.responseModel !== undefined) call.responseModel = end.responseModel;
  if (end.serviceTier !== undefined) call.serviceTier = end.serviceTier;
  if (start.server.serverAddress !== undefined) call.serverAddress = start.server.serverAddress;
  if (start.server.serverPort !== undefined) call.serverPort = start.server.serverPort;
  call.usage = end.usage ?? ZERO;
  call.usageSource = usageSource;
  call.durationS = Math.max(0, (now - start.startMs) / 1000);
  if (end.firstChunkMs !== undefined)
    call.timeToFirstChunkS = Math.max(0, (end.firstChunkMs - start.startMs) / 1000);
  call.streaming = start.streaming;
  call.served = end.served ?? true;
  if (end.errorType !== undefined) call.errorType = end.errorType;
  if (end.units !== undefined) call.units = end.units;
  call.attributes = start.attributes;
  if (start.callId !== undefined) call.callId = start.callId;
  if (start.decisionAttributes !== undefined) call.decisionAttributes = start.decisionAttributes;
  recorder.recordLlm(call);
  if (end.responseId !== undefined || end.error !== undefined) {
    noteRecordedCall(recorder, end.responseId, end.error);
  }
}

/** How to read one call's result: a whole response, or the items of a stream. */
export interface CallReaders {
  /** Reads a non-streaming response. */
  response: ChunkReader;
  /** Makes the reader of one stream's items (it may keep state across items). */
  stream: () => ChunkReader;
  /** Hide the usage-only chunk burnrate asked for (see {@link observeStream}). */
  hideUsageChunk: boolean;
}

interface APIPromiseLike {
  _thenUnwrap(transform: (data: unknown, props: unknown) => unknown): unknown;
  responsePromise?: Promise<unknown>;
  parseResponse?: (...args: unknown[]) => unknown;
}

/**
 * Observes a Stainless-generated client's `APIPromise` (openai, @anthropic-ai/sdk) and records the
 * call once: on failure, when the caller parses a response, or when its stream ends. Returns the
 * promise the caller gets — an `APIPromise` still, so `withResponse()`/`asResponse()` work — or the
 * result unchanged when it is not one.
 */
export function observeApiCall(
  result: unknown,
  start: CallStart,
  recorder: UsageRecorder,
  readers: CallReaders,
): unknown {
  const p = result as APIPromiseLike;
  if (!p || typeof p._thenUnwrap !== 'function') {
    // Not a call this observer can see to its end: what a processor reserved for it goes back now.
    if (start.callId !== undefined) recorder.releaseCall(start.callId);
    return result;
  }
  let recorded = false;
  const finish = (end: CallEnd): void => {
    if (recorded) return;
    recorded = true;
    finishCall(recorder, start, end);
  };
  // Failures (HTTP errors after the client's own retries, connection errors) reject the response
  // promise: no success response, so the call was not served. Observing it does not read the body,
  // so `asResponse()` still gets it untouched.
  p.responsePromise?.then(undefined, (err: unknown) =>
    safely('recording a failed call', () =>
      finish({ errorType: errorTypeOf(err), served: false, error: err }),
    ),
  );
  // A 200 whose body does not parse (truncated or invalid JSON) rejects in the client's parser,
  // before any transform runs: observed here, on this promise only (the caller gets the derived one),
  // it is recorded as a served call with the parser's error type and the same error goes on.
  const parse = p.parseResponse;
  if (typeof parse === 'function') {
    const failed = (err: unknown): void =>
      safely('recording an unparsable response', () => finish({ errorType: errorTypeOf(err) }));
    p.parseResponse = function (this: unknown, ...args: unknown[]): unknown {
      let parsed: unknown;
      try {
        parsed = parse.apply(this, args);
      } catch (err) {
        failed(err);
        throw err;
      }
      const thenable = parsed as PromiseLike<unknown> | undefined;
      if (!thenable || typeof thenable.then !== 'function') return parsed;
      return thenable.then(undefined, (err: unknown) => {
        failed(err);
        throw err;
      });
    };
  }
  // `_thenUnwrap` keeps the APIPromise (withResponse/asResponse) and runs only when the caller parses.
  return p._thenUnwrap((data: unknown) => {
    safely('reading a response', () => {
      if (start.streaming) {
        if (!observeStream(data, readers.stream(), readers.hideUsageChunk, recorder.clock.now, finish))
          finish({});
      } else {
        const end: CallEnd = {};
        readers.response(data, end);
        finish(end);
      }
    });
    return data;
  });
}
