/** What the scanner expects next. */
type Expect = 'value' | 'first-value' | 'key' | 'first-key' | 'colon' | 'after';

/** The first syntax error of a JSON text. */
export interface JsonSyntaxError {
  /** Offset of the first character that makes the text invalid; its length when it ends early. */
  offset: number;
  /**
   * What would have been valid there: a `value`, a `key` (a double-quoted string), the `colon`
   * after a key, a `comma` (or the bracket that closes), the `end` of the text, or the rest of
   * the `string` or `number` that the offset is inside.
   */
  expected: 'value' | 'key' | 'colon' | 'comma' | 'end' | 'string' | 'number';
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const LITERALS = ['true', 'false', 'null'];

/**
 * The first syntax error of `text` as JSON (RFC 8259); undefined when it is valid. Node 20's `JSON.parse` names the position for
 * some errors only (`Unexpected token ']', ..."x": [1,] }" is not valid JSON`, `Unexpected end of
 * JSON input` name none), so the loader finds it itself. One pass with an explicit stack: no
 * recursion, whatever the nesting.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const closers: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
    if (i >= text.length) {
      return closers.length === 0 && expect === 'after'
        ? undefined
        : { offset: i, expected: expecting(expect) };
    }
    const c = text[i] as string;
    if (expect === 'after') {
      const closer = closers[closers.length - 1];
      if (closer === undefined) return { offset: i, expected: 'end' };
      if (c === closer) {
        closers.pop();
        i++;
      } else if (c === ',') {
        expect = closer === '}' ? 'key' : 'value';
        i++;
      } else return { offset: i, expected: 'comma' };
    } else if (expect === 'colon') {
      if (c !== ':') return { offset: i, expected: 'colon' };
      expect = 'value';
      i++;
    } else if (expect === 'key' || expect === 'first-key') {
      if (c === '}' && expect === 'first-key') {
        closers.pop();
        expect = 'after';
        i++;
      } else if (c === '"') {
        const end = stringEnd(text, i);
        if (end < 0) return { offset: ~end, expected: 'string' };
        expect = 'colon';
        i = end;
      } else return { offset: i, expected: 'key' };
    } else if (c === ']' && expect === 'first-value') {
      closers.pop();
      expect = 'after';
      i++;
    } else if (c === '{' || c === '[') {
      closers.push(c === '{' ? '}' : ']');
      expect = c === '{' ? 'first-key' : 'first-value';
      i++;
    } else {
      const kind = c === '"' ? 'string' : c === '-' || isDigit(c) ? 'number' : 'value';
      const end =
        kind === 'string' ? stringEnd(text, i) : kind === 'number' ? numberEnd(text, i) : literalEnd(text, i);
      if (end < 0) return { offset: ~end, expected: kind };
      expect = 'after';
      i = end;
    }
  }
}

function expecting(expect: Expect): JsonSyntaxError['expected'] {
  if (expect === 'first-value') return 'value';
  if (expect === 'first-key') return 'key';
  if (expect === 'after') return 'comma';
  return expect;
}

/** The offset after the string starting at `start`, or `~offset` of its first bad character. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') return i + 1;
    if (c < ' ') return ~i;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return ~Math.min(i + 2, text.length);
        i += 5;
      } else if (next !== undefined && ESCAPES.has(next)) i++;
      else return ~Math.min(i + 1, text.length);
    }
  }
  return ~text.length;
}

/** The offset after the number starting at `start`, or `~offset` of its first bad character. */
function numberEnd(text: string, start: number): number {
  let i = start;
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (isDigit(text[i])) while (isDigit(text[i])) i++;
  else return ~i;
  if (text[i] === '.') {
    i++;
    if (!isDigit(text[i])) return ~i;
    while (isDigit(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text[i])) return ~i;
    while (isDigit(text[i])) i++;
  }
  return i;
}

/** The offset after `true`, `false` or `null` at `start`, or `~start`. */
function literalEnd(text: string, start: number): number {
  const literal = LITERALS.find((l) => text.startsWith(l, start));
  return literal === undefined ? ~start : start + literal.length;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
