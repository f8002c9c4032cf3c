import { reportTelemetryError } from '../safe.js';

/** How an observed stream ended: normally, with an error, or because its consumer stopped early. */
export interface StreamOutcome {
  /** What the stream threw (network failure, abort, parse error); absent when it ended or was stopped. */
  error?: unknown;
  /** The consumer stopped before the end (`break`, `return()`, `reader.cancel()`). */
  stopped?: boolean;
}

/** What a wrapper learns from a stream it observes. */
export interface StreamHooks {
  /** Called with each item the consumer receives, in order. */
  item(value: unknown): void;
  /** Called once, when the stream ends, fails or is stopped. */
  end(outcome: StreamOutcome): void;
}

type Method = (this: unknown, ...args: unknown[]) => Promise<IteratorResult<unknown>>;

/** Hooks that run at most one `end`, and never let a hook's failure reach the consumer. */
function guarded(hooks: StreamHooks): StreamHooks {
  let ended = false;
  return {
    item(value) {
      if (ended) return;
      try {
        hooks.item(value);
      } catch (err) {
        reportTelemetryError('reading a stream item', err);
      }
    },
    end(outcome) {
      if (ended) return;
      ended = true;
      try {
        hooks.end(outcome);
      } catch (err) {
        reportTelemetryError('recording a stream', err);
      }
    },
  };
}

/**
 * Observes an async iterator (an async generator, or a `ReadableStream`'s iterator) in place: its
 * own `next`, `return` and `throw` are replaced by functions that call the originals and report each
 * item and the end to `hooks`, so the consumer keeps the very object it was given, with the same
 * items, errors and completion. Returns false (and changes nothing) when `it` has no `next`.
 */
export function observeIteratorInPlace(it: unknown, hooks: StreamHooks): boolean {
  const target = it as { next?: Method; return?: Method; throw?: Method } | null;
  const next = target?.next;
  if (!target || typeof next !== 'function') return false;
  const h = guarded(hooks);
  const ret = target.return;
  const thr = target.throw;
  const onResult = (result: IteratorResult<unknown>): IteratorResult<unknown> => {
    if (result.done) h.end({});
    else h.item(result.value);
    return result;
  };
  const onError = (error: unknown): never => {
    h.end({ error });
    throw error;
  };
  target.next = function (this: unknown, ...args: unknown[]): Promise<IteratorResult<unknown>> {
    return next.apply(this, args).then(onResult, onError);
  };
  if (typeof ret === 'function') {
    target.return = function (this: unknown, ...args: unknown[]): Promise<IteratorResult<unknown>> {
      h.end({ stopped: true });
      return ret.apply(this, args);
    };
  }
  if (typeof thr === 'function') {
    target.throw = function (this: unknown, ...args: unknown[]): Promise<IteratorResult<unknown>> {
      h.end({ error: args[0] });
      return thr.apply(this, args);
    };
  }
  return true;
}

/** A stream reader's `read()` result (the DOM lib's type, which the sdk does not load). */
type ReadResult = { done: true; value?: undefined } | { done: false; value: unknown };
type ReadFn = (this: unknown) => Promise<ReadResult>;
type CancelFn = (this: unknown, reason?: unknown) => Promise<void>;

/**
 * Observes a `ReadableStream` (such as a client's event stream) in place, for the two ways a consumer
 * reads it: `for await` (its `[Symbol.asyncIterator]`) and `getReader()`. Both are replaced on this
 * instance only by functions that return the originals' iterator or reader, observed with
 * {@link observeIteratorInPlace} or by wrapping the reader's `read` and `cancel`. The stream stays
 * the same object; `tee()` and `pipeTo()` read it without being seen. Returns false when `stream`
 * is not a stream.
 */
export function observeReadableInPlace(stream: unknown, hooks: StreamHooks): boolean {
  const s = stream as {
    [Symbol.asyncIterator]?: (this: unknown, ...args: unknown[]) => unknown;
    getReader?: (this: unknown, ...args: unknown[]) => unknown;
  } | null;
  const iterate = s?.[Symbol.asyncIterator];
  const getReader = s?.getReader;
  if (!s || typeof iterate !== 'function') return false;
  const h = guarded(hooks);
  s[Symbol.asyncIterator] = function (this: unknown, ...args: unknown[]): unknown {
    const it = iterate.apply(this, args);
    observeIteratorInPlace(it, h);
    return it;
  };
  if (typeof getReader === 'function') {
    s.getReader = function (this: unknown, ...args: unknown[]): unknown {
      const reader = getReader.apply(this, args) as { read?: ReadFn; cancel?: CancelFn } | null;
      const read = reader?.read;
      const cancel = reader?.cancel;
      if (!reader || typeof read !== 'function') return reader;
      reader.read = function (this: unknown): Promise<ReadResult> {
        return read.call(this).then(
          (result) => {
            if (result.done) h.end({});
            else h.item(result.value);
            return result;
          },
          (error: unknown) => {
            h.end({ error });
            throw error;
          },
        );
      };
      if (typeof cancel === 'function') {
        reader.cancel = function (this: unknown, reason?: unknown): Promise<void> {
          h.end({ stopped: true });
          return cancel.call(this, reason);
        };
      }
      return reader;
    };
  }
  return true;
}
