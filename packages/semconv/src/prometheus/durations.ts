/** Seconds per Prometheus duration unit. */
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

/** Units {@link formatDuration} writes, largest first (weeks are never written: `14d` reads better). */
const WRITTEN: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/**
 * Seconds in a Prometheus duration (`30d`, `6h`, `1h30m`, `90s`, `500ms`); undefined when the
 * text is not one. Zero (`0s`) is a valid duration; callers that need a positive one check it.
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w|y)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? 0);
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Formats whole seconds as a Prometheus duration, largest unit that divides it: 2592000 → `30d`. */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError(`expected a whole, non-negative number of seconds, got ${seconds}`);
  }
  if (seconds === 0) return '0s';
  for (const [unit, size] of WRITTEN) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
