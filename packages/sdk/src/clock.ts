/** A source of wall-clock time; injected so tests can drive time by hand. */
export interface Clock {
  /** Milliseconds since the Unix epoch, with sub-millisecond precision where available. */
  now(): number;
}

/** Fixed for the life of a process; its getter costs about as much as `performance.now()` itself. */
const TIME_ORIGIN = performance.timeOrigin;

/** The real clock: `performance.timeOrigin + performance.now()` (monotonic within a process). */
export const realClock: Clock = {
  now: () => TIME_ORIGIN + performance.now(),
};

/** A clock that moves only when told to; for tests and simulations. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the time to `ms` since the epoch. */
  set(ms: number): void;
}

/** Creates a {@link ManualClock} starting at `startMs` (default 1_700_000_000_000). */
export function createManualClock(startMs = 1_700_000_000_000): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
