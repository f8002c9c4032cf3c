import { QUOTED_CHARS } from './errors.js';

/** Where an offset of card text is, for an error message. */
export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 code units, as editors and JSON.parse count). */
  column: number;
  /** The line's text, trimmed, cut to a window around the column when long. */
  excerpt: string;
  /** Characters of the line, trimmed: more than the excerpt's when it was cut. */
  lineLength: number;
}

/** Offsets at which each line starts; one pass, so many lookups stay linear in the text. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The line, column and line text of `offset` (clamped to the text), by binary search over
 * `lineStarts` (from {@link lineStartsOf} or the `yaml` package's LineCounter).
 */
export function positionAt(text: string, lineStarts: readonly number[], offset: number): SourcePosition {
  const at = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= at) lo = mid;
    else hi = mid - 1;
  }
  const start = lineStarts[lo] ?? 0;
  const next = lineStarts[lo + 1];
  const end = next === undefined ? text.length : next - 1;
  const column = at - start + 1;
  const line = text.slice(start, end).replace(/\r$/, '');
  return { line: lo + 1, column, excerpt: excerpt(line, column), lineLength: line.trim().length };
}

/** `line N, column M`: the path of a syntax issue. */
export function where(position: SourcePosition): string {
  return `line ${position.line}, column ${position.column}`;
}

/**
 * ` in "<the line>"` for a syntax issue's `got`, with the line's length when it was cut
 * (`in "kkkk…" (a line of 5,000,004 characters)`); empty for a blank line.
 */
export function inLine(position: SourcePosition): string {
  if (position.excerpt === '') return '';
  const cut =
    position.lineLength > QUOTED_CHARS
      ? ` (a line of ${position.lineLength.toLocaleString('en-US')} characters)`
      : '';
  return ` in ${JSON.stringify(position.excerpt)}${cut}`;
}

/** A long line cut to {@link QUOTED_CHARS} characters around the column, with ellipses. */
function excerpt(line: string, column: number): string {
  const trimmed = line.trim();
  if (trimmed.length <= QUOTED_CHARS) return trimmed;
  const lead = line.length - line.trimStart().length;
  const from = Math.max(0, Math.min(column - 1 - lead - QUOTED_CHARS / 2, trimmed.length - QUOTED_CHARS));
  const cut = trimmed.slice(from, from + QUOTED_CHARS);
  return `${from > 0 ? '…' : ''}${cut}${from + QUOTED_CHARS < trimmed.length ? '…' : ''}`;
}
