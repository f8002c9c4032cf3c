import type { ParsedText } from './card-text.js';
import { type JsonSyntaxError, jsonSyntaxError } from './json-syntax-error.js';
import { inLine, lineStartsOf, positionAt, where } from './source-position.js';

const OR_YAML = 'or write the card in YAML';
const NUMBER_FIX =
  'write the number plainly: no leading zeros, a digit before the decimal point (0.5, not .5 or 05)';

/**
 * Parses a `.json` card. A syntax error becomes one issue with the line and column, the line's
 * text and a fix for what is there. The position comes from {@link jsonSyntaxError}, not from
 * the message: Node 20's `JSON.parse` names it for some errors only (`Unexpected token ']',
 * ..."x": [1,] }" is not valid JSON` and `Unexpected end of JSON input` name none).
 */
export function parseJsonCard(text: string): ParsedText {
  try {
    return { value: JSON.parse(text) as unknown, issues: [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const stated = /at position (\d+)/.exec(message)?.[1];
    // The scanner and JSON.parse agree on valid JSON; the fallbacks are for an engine that does not.
    const found = jsonSyntaxError(text) ?? {
      offset: stated === undefined ? text.length : Number(stated),
      expected: 'value',
    };
    const lineStarts = lineStartsOf(text);
    const at = positionAt(text, lineStarts, found.offset);
    return {
      value: undefined,
      issues: [
        {
          path: where(at),
          expected: 'expected valid JSON',
          got: `${shortMessage(message)}${inLine(at)}`,
          fix: jsonFix(text, lineStarts, found),
        },
      ],
    };
  }
}

/** The message without the position or the copy of the text that V8 appends. */
function shortMessage(message: string): string {
  return message
    .replace(/ (in|after) JSON at position \d+.*$/s, (_, word: string) =>
      word === 'after' ? ' after JSON' : '',
    )
    .replace(/^(Unexpected token '.*?'),\s.*is not valid JSON$/s, '$1');
}

/** What to do about the first syntax error, from what is there and what was expected. */
function jsonFix(text: string, lineStarts: readonly number[], { offset, expected }: JsonSyntaxError): string {
  if (offset >= text.length)
    return 'the card ends inside an open {, [ or string: close it (was the file cut off?)';
  const c = text[offset] as string;
  let before = offset - 1;
  while (before >= 0 && /\s/.test(text[before] ?? '')) before--;
  const previous = text[before] ?? '';
  if ((c === '}' || c === ']') && previous === ',') {
    const line = positionAt(text, lineStarts, before).line;
    return `remove the comma before the closing ${c} on line ${line} (JSON allows no trailing commas), ${OR_YAML}`;
  }
  if (c === "'") return `write keys and strings in double quotes (JSON has no single quotes), ${OR_YAML}`;
  if (c === '/' || c === '#') return `remove the comment (JSON has none), ${OR_YAML}, which has # comments`;
  const word = /^[A-Za-z0-9_$.-]+/.exec(text.slice(offset, offset + 80))?.[0] ?? c;
  switch (expected) {
    case 'key':
      return /[A-Za-z_$]/.test(c)
        ? `put the key in double quotes: "${word}"`
        : 'write the key in double quotes';
    case 'colon':
      return 'put a : between the key and its value';
    case 'comma':
      if (/[0-9]/.test(c) && /[0-9]/.test(previous)) return NUMBER_FIX;
      if (/["{[]/.test(c))
        return 'put a comma before this entry (entries of { } and [ ] are separated by commas)';
      if (/[0-9.]/.test(previous)) {
        const value = /[-0-9.eE+]*$/.exec(text.slice(Math.max(0, before - 40), before + 1))?.[0] ?? '';
        return `quote text values: "${value}${word}"`;
      }
      return 'put a comma between entries, or the closing } or ] here';
    case 'end':
      return 'remove what follows the last } (a card is one JSON object)';
    case 'string':
      return c < ' '
        ? 'write a tab or line break inside a string as \\t or \\n'
        : 'write a backslash in a string as \\\\';
    case 'number':
      return NUMBER_FIX;
    default:
      if (/[A-Za-z]/.test(c)) {
        return `write a number, "text", true, false or null (JSON words are lowercase; there is no NaN, Infinity or undefined): "${word}" if it is text`;
      }
      if (c === '.') return NUMBER_FIX;
      if ((c === '}' || c === ']') && previous === ':')
        return 'write the value after the `:` (a number, "text", true, false or null)';
      return `fix the JSON at that position (keys and strings in double quotes, no trailing commas or comments), ${OR_YAML}`;
  }
}
