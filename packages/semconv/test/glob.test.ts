import { describe, expect, it } from 'vitest';
import { globPattern, globToRegExp, isGlob, matches, matchesPattern } from '../src/index.js';

const NAMES = [
  'gpt-4o',
  'gpt-4o-mini',
  'GPT-4O-2024-08-06',
  'gpt-4.1',
  'gpt-4x1',
  'claude-sonnet-4-5',
  'claude-opus-4-5',
  'llama-3.1-8b',
  'a+b(c)',
  'aab(c)',
  '',
];
const GLOBS = ['gpt-4o*', '*-mini', 'claude-*-4-5', 'gpt-4.1', 'llama-3.1-*', 'a+b(c)', '*', 'none*'];

describe('globs', () => {
  it('select the same names in the process (globToRegExp) as in PromQL (globPattern with =~)', () => {
    for (const glob of GLOBS) {
      const inProcess = NAMES.filter((n) => globToRegExp(glob).test(n));
      const viaPromql = NAMES.filter((n) =>
        matches({ m: n }, [{ label: 'm', op: '=~', value: globPattern(glob) }]),
      );
      expect([glob, viaPromql]).toEqual([glob, inProcess]);
    }
  });

  it('match any run of characters at a star, case-insensitively, and everything else literally', () => {
    expect(NAMES.filter((n) => globToRegExp('gpt-4o*').test(n))).toEqual([
      'gpt-4o',
      'gpt-4o-mini',
      'GPT-4O-2024-08-06',
    ]);
    expect(NAMES.filter((n) => globToRegExp('gpt-4.1').test(n))).toEqual(['gpt-4.1']);
    expect(NAMES.filter((n) => globToRegExp('a+b(c)').test(n))).toEqual(['a+b(c)']);
  });

  it('write a case-insensitive RE2 pattern with regex metacharacters escaped', () => {
    expect([globPattern('gpt-4o*'), globPattern('llama-3.1-*'), globPattern('a+b(c)')]).toEqual([
      '(?i)gpt-4o.*',
      '(?i)llama-3\\.1-.*',
      '(?i)a\\+b\\(c\\)',
    ]);
  });

  it('are told from exact names by a star, and exact names match whole and case-insensitively', () => {
    expect([isGlob('gpt-*'), isGlob('gpt-4o')]).toEqual([true, false]);
    expect([
      matchesPattern('gpt-4o', 'GPT-4o'),
      matchesPattern('gpt-4o', 'gpt-4o-mini'),
      matchesPattern('gpt-4o*', 'gpt-4o-mini'),
    ]).toEqual([true, false, true]);
  });
});
