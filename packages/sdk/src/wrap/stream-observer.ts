import { reportTelemetryError, safely } from '../safe.js';
import type { CallEnd } from './call-observer.js';
import { errorTypeOf } from './error-type.js';

/** `error.type` of a stream the caller aborted: the class both clients throw for an abort. */
export const ABORT_ERROR_TYPE = 'APIUserAbortError';

/** Reads what matters for cost from one stream item; the observer keeps the latest values. */
export type ChunkReader = (item: unknown, end: CallEnd) => void;

interface StreamLike {
  iterator?: unknown;
  controller?: { signal?: AbortSignal };
}

/**
 * Instruments an openai `Stream` in place: its iterator factory is wrapped, so iteration, `tee()`,
 * `toReadableStream()` and `controller.abort()` work as before, and the call is recorded once, when
 * the stream ends, fails or is abandoned. When `hideUsageChunk` is set (burnrate added
 * `include_usage`, the caller did not), the extra usage-only chunk is consumed but not yielded, and
 * the `usage: null` field it adds to other chunks is removed, so the caller sees the stream it asked for.
 * Returns false when `stream` is not a stream this code knows how to wrap.
 */
export function observeStream(
  stream: unknown,
  read: ChunkReader,
  hideUsageChunk: boolean,
  now: () => number,
  finish: (end: CallEnd) => void,
): boolean {
  const s = stream as StreamLike;
  const factory = s?.iterator;
  if (typeof factory !== 'function') return false;
  const end: CallEnd = {};
  let finished = false;
  const done = (errorType?: string): void => {
    if (finished) return;
    finished = true;
    if (errorType !== undefined) end.errorType = errorType;
    else if (s.controller?.signal?.aborted) {
      // The caller aborted (`controller.abort()`, or the request's `signal`): the error type the
      // clients throw for it, and the usage already seen is kept — those tokens were billed. With
      // only a provisional count (Anthropic's `message_start`), that count, as `estimated`.
      end.errorType = ABORT_ERROR_TYPE;
      if (!end.usage && end.partialUsage) {
        end.usage = end.partialUsage;
        end.usageSource = 'estimated';
      }
    }
    safely('recording a stream', () => finish(end));
  };

  s.iterator = function wrappedIterator(this: unknown): AsyncIterator<unknown> {
    const it = (factory as () => AsyncIterator<unknown>).call(this);
    // Promise chaining rather than an async function: one hop per chunk instead of three, which
    // is most of what a wrapper costs on a stream.
    const onError = (err: unknown): never => {
      done(errorTypeOf(err));
      throw err;
    };
    const onResult = (
      result: IteratorResult<unknown>,
    ): IteratorResult<unknown> | Promise<IteratorResult<unknown>> => {
      if (result.done) {
        done();
        return result;
      }
      const item = result.value;
      let hide = false;
      try {
        if (end.firstChunkMs === undefined) end.firstChunkMs = now();
        read(item, end);
        if (hideUsageChunk) hide = stripInjectedUsage(item);
      } catch (err) {
        reportTelemetryError('reading a stream chunk', err);
      }
      return hide ? it.next().then(onResult, onError) : result;
    };
    return {
      next(...args: [] | [unknown]): Promise<IteratorResult<unknown>> {
        return it.next(...args).then(onResult, onError);
      },
      async return(value?: unknown): Promise<IteratorResult<unknown>> {
        // The caller stopped early (break); the provider sent no usage we saw.
        done();
        return it.return ? it.return(value) : { done: true, value };
      },
      async throw(err?: unknown): Promise<IteratorResult<unknown>> {
        done(errorTypeOf(err));
        if (it.throw) return it.throw(err);
        throw err;
      },
    };
  };
  return true;
}

/** Removes what `include_usage` added to a chunk; true when the chunk itself must be hidden. */
function stripInjectedUsage(item: unknown): boolean {
  if (!item || typeof item !== 'object') return false;
  const chunk = item as { usage?: unknown; choices?: unknown };
  if (Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage) return true;
  if (chunk.usage === null) delete chunk.usage;
  return false;
}
