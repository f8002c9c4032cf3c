import { parseDuration } from '@burnrate/semconv';
import { UsageError } from './errors.js';

/** Renders a value found on the command line for an error message: `"abc"`. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** Parses a finite number, or undefined when the text is not one (`''`, `'1e'`, `'0x10'` are not). */
function toNumber(value: string): number | undefined {
  const text = value.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** A commander argument parser for a number greater than 0; throws {@link UsageError} naming `flag`. */
export function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = toNumber(value);
    if (n === undefined || n <= 0)
      throw new UsageError(`${flag}: expected a number > 0, got ${quoted(value)}`);
    return n;
  };
}

/** A commander argument parser for a number ≥ 0; throws {@link UsageError} naming `flag`. */
export function nonNegativeNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = toNumber(value);
    if (n === undefined || n < 0)
      throw new UsageError(`${flag}: expected a number ≥ 0, got ${quoted(value)}`);
    return n;
  };
}

/** A commander argument parser for a whole number ≥ `min`; throws {@link UsageError} naming `flag`. */
export function wholeNumber(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = toNumber(value);
    if (n === undefined || !Number.isInteger(n) || n < min) {
      throw new UsageError(`${flag}: expected a whole number ≥ ${min}, got ${quoted(value)}`);
    }
    return n;
  };
}

/** A commander argument parser for a fraction in (0, 1]; throws {@link UsageError} naming `flag`. */
export function fraction(flag: string): (value: string) => number {
  return (value) => {
    const n = toNumber(value);
    if (n === undefined || n <= 0 || n > 1) {
      throw new UsageError(`${flag}: expected a fraction in (0, 1], e.g. 0.7, got ${quoted(value)}`);
    }
    return n;
  };
}

/** A commander argument parser for an http(s) URL; throws {@link UsageError} naming `flag`. */
export function httpUrl(flag: string, example: string): (value: string) => string {
  return (value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`${flag}: expected an http(s) URL such as ${example}, got ${quoted(value)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`${flag}: expected an http(s) URL such as ${example}, got ${quoted(value)}`);
    }
    return value;
  };
}

/** Like {@link httpUrl}, collecting repeated options into a list. */
export function httpUrlList(
  flag: string,
  example: string,
): (value: string, previous: string[] | undefined) => string[] {
  const one = httpUrl(flag, example);
  return (value, previous) => [...(previous ?? []), one(value)];
}

/**
 * Seconds in a single-unit Prometheus duration such as `30d`, `6h`, `5m`, `90s`, `1w`; undefined
 * if invalid. Stricter than Prometheus (one positive whole number and one of s, m, h, d, w); the
 * arithmetic is `@burnrate/semconv`'s {@link parseDuration}.
 */
export function durationSeconds(text: string): number | undefined {
  return /^[1-9][0-9]*[smhdw]$/.test(text) ? parseDuration(text) : undefined;
}

/** A commander argument parser for a Prometheus duration (`30d`, `5m`); throws {@link UsageError}. */
export function duration(flag: string): (value: string) => string {
  return (value) => {
    if (durationSeconds(value) === undefined) {
      throw new UsageError(
        `${flag}: expected a duration such as 30d, 12h, 5m or 90s (a whole number and one of s, m, h, d, w), got ${quoted(value)}`,
      );
    }
    return value;
  };
}

/** A commander argument parser for one of `choices`; throws {@link UsageError} naming `flag`. */
export function oneOf<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    const found = choices.find((c) => c === value.trim().toLowerCase());
    if (found === undefined) {
      throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got ${quoted(value)}`);
    }
    return found;
  };
}
