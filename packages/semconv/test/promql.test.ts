import { describe, expect, it } from 'vitest';
import {
  formatNumber,
  globPattern,
  matches,
  quoteLabelValue,
  roundSignificant,
  selector,
} from '../src/index.js';

describe('quoteLabelValue', () => {
  it('double-quotes a value and escapes backslashes, double quotes and newlines', () => {
    expect(quoteLabelValue('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('leaves single quotes and non-ASCII text as they are', () => {
    expect([quoteLabelValue("it's"), quoteLabelValue('café'), quoteLabelValue('')]).toEqual([
      `"it's"`,
      '"café"',
      '""',
    ]);
  });
});

describe('selector', () => {
  it('turns scope keys into label names, sorts them and escapes values', () => {
    expect(selector('m', { tenant: 'a"b', 'gen_ai.request.model': 'gpt-4o' })).toBe(
      'm{gen_ai_request_model="gpt-4o",tenant="a\\"b"}',
    );
    expect(selector('m', {})).toBe('m');
  });

  it('gives the same text for the same scope whatever the key order', () => {
    expect(selector('m', { b: '2', a: '1', '1c': '3' })).toBe(selector('m', { '1c': '3', a: '1', b: '2' }));
    expect(selector('m', { b: '2', a: '1', '1c': '3' })).toBe('m{_1c="3",a="1",b="2"}');
  });

  it('writes matchers in the order given, with their operators and label names as given', () => {
    expect(
      selector('m', [
        { label: 'zeta', op: '!=', value: '' },
        { label: 'gen_ai_request_model', op: '=~', value: globPattern('gpt-4.1*') },
        { label: 'alpha', op: '=', value: 'x' },
      ]),
    ).toBe('m{zeta!="",gen_ai_request_model=~"(?i)gpt-4\\\\.1.*",alpha="x"}');
  });

  it('gives the bare metric for no matchers, and the braces alone for no metric', () => {
    expect([selector('m'), selector('m', []), selector('', [{ label: 'a', op: '=', value: 'b' }])]).toEqual([
      'm',
      'm',
      '{a="b"}',
    ]);
  });
});

describe('matches', () => {
  it('reads a missing label as the empty string, as PromQL does', () => {
    expect([
      matches({}, [{ label: 'tier', op: '=', value: '' }]),
      matches({}, [{ label: 'tier', op: '!=', value: '' }]),
      matches({ tier: 'batch' }, [{ label: 'tier', op: '!=', value: '' }]),
    ]).toEqual([true, false, true]);
  });

  it('anchors =~ patterns and honours a leading (?i)', () => {
    expect([
      matches({ m: 'gpt-4o-mini' }, [{ label: 'm', op: '=~', value: 'gpt-4o' }]),
      matches({ m: 'GPT-4o' }, [{ label: 'm', op: '=~', value: 'gpt-4o' }]),
      matches({ m: 'GPT-4o' }, [{ label: 'm', op: '=~', value: '(?i)gpt-4o' }]),
    ]).toEqual([false, false, true]);
  });

  it('needs every matcher to hold', () => {
    const labels = { a: '1', b: '2' };
    expect([
      matches(labels, []),
      matches(labels, [
        { label: 'a', op: '=', value: '1' },
        { label: 'b', op: '=', value: '2' },
      ]),
      matches(labels, [
        { label: 'a', op: '=', value: '1' },
        { label: 'b', op: '=', value: '3' },
      ]),
    ]).toEqual([true, true, false]);
  });
});

describe('formatNumber', () => {
  it('writes the shortest text after rounding away float noise beyond 12 significant digits', () => {
    expect([formatNumber(0.7 * 100), formatNumber(100 / 720), formatNumber(0), formatNumber(-2.5)]).toEqual([
      '70',
      '0.138888888889',
      '0',
      '-2.5',
    ]);
    expect(roundSignificant(70.00000000000001)).toBe(70);
  });

  it('refuses numbers PromQL cannot be given as literals here', () => {
    expect(() => formatNumber(Number.NaN)).toThrow(new RangeError('cannot write NaN in PromQL'));
    expect(() => formatNumber(Number.POSITIVE_INFINITY)).toThrow(
      new RangeError('cannot write Infinity in PromQL'),
    );
  });
});
