import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { TokenUsage, UsageSource } from '../record/usage-record.js';
import type { LlmCall, UsageRecorder } from '../recorder/usage-recorder.js';
import { safely } from '../safe.js';
import { errorTypeOf } from './error-type.js';
import type { ServerIdentity } from './provider-name.js';
import { type ChunkReader, observeStream } from './stream-observer.js';

/** What the wrapper knows when a call starts. */
export interface CallStart {
  operation: string;
  requestModel: string;
  streaming: boolean;
  startMs: number;
  attributes: CallerAttributes;
  server: ServerIdentity;
}

/** What the wrapper learned by the end of a call. */
export interface CallEnd {
  usage?: TokenUsage | undefined;
  responseModel?: string | undefined;
  serviceTier?: string | undefined;
  firstChunkMs?: number | undefined;
  errorType?: string | undefined;
}

const ZERO: TokenUsage = Object.freeze({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });

/** Turns a call's start and end into one LLM usage record on the recorder. */
export function finishCall(recorder: UsageRecorder, start: CallStart, end: CallEnd): void {
  const now = recorder.clock.now();
  const usageSource: UsageSource = end.usage ? 'provider' : 'missing';
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
  if (end.errorType !== undefined) call.errorType = end.errorType;
  call.attributes = start.attributes;
  recorder.recordLlm(call);
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
  if (!p || typeof p._thenUnwrap !== 'function') return result;
  let recorded = false;
  const finish = (end: CallEnd): void => {
    if (recorded) return;
    recorded = true;
    finishCall(recorder, start, end);
  };
  // Failures (HTTP errors after the client's own retries, connection errors) reject the response
  // promise. Observing it does not read the body, so `asResponse()` still gets it untouched.
  p.responsePromise?.then(undefined, (err: unknown) =>
    safely('recording a failed call', () => finish({ errorType: errorTypeOf(err) })),
  );
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
