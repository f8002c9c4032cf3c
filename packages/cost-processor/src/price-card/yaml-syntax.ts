import type { YAMLError } from 'yaml';
import type { PriceCardIssue } from './errors.js';
import { inLine, positionAt, type SourcePosition, where } from './source-position.js';

/** YAML error codes (the `yaml` package) → what to do about them. */
const YAML_FIXES: Readonly<Record<string, string>> = {
  BAD_INDENT: 'indent this line exactly like the other keys at its level (YAML nests by indentation)',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MISSING_CHAR: 'close the { or [ opened before this position',
  MULTILINE_IMPLICIT_KEY: 'put the key and its `:` on one line, or close the quote or bracket opened above',
  BLOCK_AS_IMPLICIT_KEY: 'put a space after the `:` of the key above, or indent this line under it',
  UNEXPECTED_TOKEN: 'remove or quote the unexpected character',
  KEY_OVER_1024_CHARS: 'shorten the key: YAML allows at most 1024 characters before its `:`',
  MULTIPLE_DOCS: 'keep one document: remove the `---` line and merge the sections',
  RESOURCE_EXHAUSTION: 'nest maps and lists less deeply (a price card needs four levels or so)',
};

/**
 * Turns the `yaml` package's syntax errors into issues naming the line, the line's text and the
 * fix. Only the first error of each line is kept: one mistake (a missing comma) makes the package
 * report several on the line, and only the first is what to fix.
 */
export function yamlSyntaxIssues(
  text: string,
  lineStarts: readonly number[],
  errors: readonly YAMLError[],
): PriceCardIssue[] {
  const issues: PriceCardIssue[] = [];
  let lastLine = 0;
  for (const e of errors) {
    const at = positionAt(text, lineStarts, e.pos[0]);
    if (at.line === lastLine) continue;
    lastLine = at.line;
    const message = (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '');
    issues.push({
      path: where(at),
      expected: 'expected valid YAML or JSON',
      got: `${message}${inLine(at)}`,
      fix: yamlFix(text, lineStarts, e, at),
    });
  }
  return issues;
}

function yamlFix(text: string, lineStarts: readonly number[], e: YAMLError, at: SourcePosition): string {
  const offset = e.pos[0];
  if (e.code === 'BLOCK_IN_FLOW' || e.code === 'MULTILINE_IMPLICIT_KEY' || e.code === 'UNEXPECTED_TOKEN') {
    const inFlow = e.code === 'BLOCK_IN_FLOW' || flowDepthBefore(text, lineStarts, at) > 0;
    const comma = inFlow ? missingCommaAt(text, offset, e) : undefined;
    if (comma !== undefined) return commaFix(text, lineStarts, comma);
  }
  if (e.code === 'MISSING_CHAR' && e.message.startsWith('Missing ,')) {
    return 'put a comma between the entries of the { } or [ ] (they are separated by commas)';
  }
  if (/must end with a [\]}]/.test(e.message)) {
    return `close the ${e.message.includes('end with a ]') ? '[ with ]' : '{ with }'} opened above, on the line where the list or map ends`;
  }
  return YAML_FIXES[e.code] ?? 'fix the syntax at that position';
}

/**
 * Where a comma is missing between two entries of a flow collection, from the error's offset:
 * `{ input: 2.5 output: 10 }` reads as one key `2.5 output` (a block map inside a flow map, the
 * package says); `{ a: {…} b: {…} }` as a scalar after the end of a node. Undefined when the text
 * there is not that.
 */
function missingCommaAt(text: string, offset: number, e: YAMLError): number | undefined {
  if (e.code === 'UNEXPECTED_TOKEN') {
    if (!e.message.includes('at node end')) return undefined;
    let i = offset;
    while (i > 0 && /\s/.test(text[i - 1] ?? '')) i--;
    return i > 0 ? i : undefined;
  }
  const m = /^([^\s,{}[\]]+)\s+[^\s,:{}[\]]+\s*:(?:\s|$)/.exec(text.slice(offset, offset + 400));
  return m ? offset + (m[1]?.length ?? 0) : undefined;
}

/** The fix for a comma missing at `offset`: the line with the comma in place. */
function commaFix(text: string, lineStarts: readonly number[], offset: number): string {
  const before = positionAt(text, lineStarts, offset - 1);
  const start = offset - before.column;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(start, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
  const col = offset - start;
  const fixed = `${line.slice(0, col)},${line.slice(col)}`;
  const shown = positionAt(fixed, [0], col).excerpt;
  const value =
    line
      .slice(0, col)
      .trimEnd()
      .split(/[\s{[,]/)
      .at(-1) ?? '';
  return `put a comma after ${JSON.stringify(value)} (entries of a { } map or [ ] list are separated by commas): \`${shown}\``;
}

/** Brackets `{`/`[` opened and not closed on the line before the position; quotes are ignored. */
function flowDepthBefore(text: string, lineStarts: readonly number[], at: SourcePosition): number {
  const start = lineStarts[at.line - 1] ?? 0;
  let depth = 0;
  for (const c of text.slice(start, start + at.column - 1)) {
    if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && depth > 0) depth--;
  }
  return depth;
}
