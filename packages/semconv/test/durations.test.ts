import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/index.js';

describe('parseDuration', () => {
  it('reads single and compound Prometheus durations in seconds', () => {
    expect(['30d', '6h', '1h30m', '90s', '500ms', '1w', '1y', '5m30s', '0s'].map(parseDuration)).toEqual([
      2_592_000, 21_600, 5400, 90, 0.5, 604_800, 31_536_000, 330, 0,
    ]);
  });

  it('gives undefined for text that is not a Prometheus duration', () => {
    expect(['', '5', 'd', '1.5h', '5 m', '-1h', '1H', '1month', '30d '].map(parseDuration)).toEqual(
      Array(9).fill(undefined),
    );
  });
});

describe('formatDuration', () => {
  it('formats durations with the largest whole unit', () => {
    expect([2_592_000, 86_400, 5400, 300, 90, 0].map(formatDuration)).toEqual([
      '30d',
      '1d',
      '90m',
      '5m',
      '90s',
      '0s',
    ]);
  });

  it('writes days rather than weeks, and seconds when no larger unit divides', () => {
    expect([604_800, 1_209_600, 90_061].map(formatDuration)).toEqual(['7d', '14d', '90061s']);
  });

  it('refuses fractional and negative seconds', () => {
    expect(() => formatDuration(1.5)).toThrow(
      new RangeError('expected a whole, non-negative number of seconds, got 1.5'),
    );
    expect(() => formatDuration(-1)).toThrow(
      new RangeError('expected a whole, non-negative number of seconds, got -1'),
    );
  });

  it('reads back what it writes: parseDuration(formatDuration(s)) is s', () => {
    const seconds = [0, 1, 59, 60, 90, 3600, 5400, 86_400, 90_061, 604_800, 2_592_000, 31_536_000];
    expect(seconds.map((s) => parseDuration(formatDuration(s)))).toEqual(seconds);
  });

  it('writes a canonical duration back as it was read', () => {
    const texts = ['30d', '12h', '90m', '5m', '90s', '0s'];
    expect(texts.map((t) => formatDuration(parseDuration(t) ?? -1))).toEqual(texts);
  });
});
