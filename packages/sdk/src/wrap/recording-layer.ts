import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One burnrate layer observing one model call, e.g. an AI SDK middleware around `doGenerate`.
 * Layers nest when a model is wrapped twice: the outer layer's call runs the inner one.
 */
interface Layer {
  /** The recorder this layer records on; only layers of the same recorder are deduplicated. */
  readonly recorder: object;
  /** Set when an inner layer of the same recorder saw the call: then this layer records nothing. */
  claimed: boolean;
  readonly parent: Layer | undefined;
}

// A constant, not mutable state: each async context carries its own chain of layers.
const storage = new AsyncLocalStorage<Layer>();

/** A layer entered for one call: run the call inside it, then ask whether an inner layer took it. */
export interface RecordingLayer {
  /** True when a layer nested inside this one (same recorder) saw the call and records it. */
  readonly claimed: boolean;
  /** Runs `fn` (the wrapped call) inside this layer, so layers it reaches claim the call. */
  run<T>(fn: () => T): T;
}

/**
 * Enters a layer for one call on `recorder`. Every enclosing layer of the same recorder in the
 * current async context is marked claimed: the innermost layer sees the provider's own usage, so it
 * records the call and the outer ones skip it. Concurrent calls run in their own async contexts and
 * never see each other's layers.
 */
export function enterRecordingLayer(recorder: object): RecordingLayer {
  const parent = storage.getStore();
  claimEnclosingLayers(recorder, parent);
  const layer: Layer = { recorder, claimed: false, parent };
  return {
    get claimed(): boolean {
      return layer.claimed;
    },
    run: <T>(fn: () => T): T => storage.run(layer, fn),
  };
}

/**
 * Marks the enclosing layers of `recorder` claimed without entering one: for a wrapper that records
 * a call it sees whole (the openai wrapper inside a model an AI SDK middleware wraps).
 */
export function claimEnclosingLayers(recorder: object, from: Layer | undefined = storage.getStore()): void {
  for (let l = from; l; l = l.parent) if (l.recorder === recorder) l.claimed = true;
}
