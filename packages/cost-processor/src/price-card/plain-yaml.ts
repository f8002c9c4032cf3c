/**
 * A fast parser for the YAML that price cards are written in: block maps and lists, one-line flow
 * maps and lists, plain and quoted one-line scalars, comments. Anything else — anchors, aliases,
 * tags, block or multi-line scalars, escapes, tabs, duplicate keys, keys that are not strings, a
 * second document, anything odd or invalid — is left to the `yaml` package, which parses it with
 * the line of every error. What this parser accepts it reads exactly as the package does (same
 * core-schema resolution of plain scalars); test/price-card-plain-yaml.test.ts compares the two.
 *
 * Why: the `yaml` package takes about 60 µs per model of a card (its lexer, parser and composer
 * build a syntax tree and a document first), 7–19× the time of the same card as JSON at 20,000
 * models; this reads such a card in a few µs per model, within 2× of JSON (bench/card-loading.ts).
 */

/** Thrown inside the parser when the text is outside the subset; never escapes it. */
class OutsideSubset extends Error {}

/**
 * True for a character that makes a card leave the subset: a control character (tabs and a CR
 * inside a line included), a line or paragraph separator, a surrogate, a BOM, U+FFFE or U+FFFF.
 * YAML forbids some and reads others in ways not worth repeating here.
 */
function unusual(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
    if (c >= 0x2028 && (c <= 0x2029 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfeff || c >= 0xfffe))
      return true;
  }
  return false;
}

/** Characters a plain scalar may not start with. */
const PLAIN_START = /^[&*!|>%@`,\]}#[{'"]/;

/** Longest implicit key YAML allows. */
const MAX_KEY = 1024;

/** Deepest nesting read here; deeper cards are not hand-written and go to the package. */
const MAX_DEPTH = 64;

interface Lines {
  indent: number[];
  text: string[];
  /** The next line to read. */
  at: number;
}

/**
 * Parses `text` when it is in the subset.
 *
 * @returns `{ value }` (the plain JS value, as `yaml`'s `parse` returns it), or undefined when the
 *   text is outside the subset and the `yaml` package must parse it.
 */
export function parsePlainYaml(text: string): { value: unknown } | undefined {
  try {
    const lines = splitLines(text);
    if (lines.text.length === 0) return undefined;
    const value = block(lines, lines.indent[0] ?? 0, 0);
    return lines.at === lines.text.length ? { value } : undefined;
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

function outside(): never {
  throw new OutsideSubset();
}

/** The content lines (not blank, not only a comment), their indentation and text. */
function splitLines(text: string): Lines {
  const lines: Lines = { indent: [], text: [], at: 0 };
  let first = true;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (unusual(line)) outside();
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    const content = line.slice(indent);
    if (content === '' || content[0] === '#') continue;
    if (indent === 0 && /^(---|\.\.\.|%)/.test(content)) {
      // One leading `---` starts the document; any other marker or a directive is for the package.
      if (first && /^--- *$/.test(content)) {
        first = false;
        continue;
      }
      outside();
    }
    first = false;
    lines.indent.push(indent);
    lines.text.push(content);
  }
  return lines;
}

const isItem = (text: string): boolean => text === '-' || text.startsWith('- ');

/** The block map or list whose first line is the next line, at `indent`. */
function block(lines: Lines, indent: number, depth: number): unknown {
  if (depth > MAX_DEPTH) outside();
  const text = lines.text[lines.at] ?? '';
  if (isItem(text)) return list(lines, indent, depth);
  const map: Record<string, unknown> = {};
  while (lines.at < lines.text.length && lines.indent[lines.at] === indent) {
    const line = lines.text[lines.at] ?? '';
    if (isItem(line)) break;
    entry(lines, indent, line, map, depth);
  }
  return map;
}

function list(lines: Lines, indent: number, depth: number): unknown[] {
  const items: unknown[] = [];
  while (lines.at < lines.text.length && lines.indent[lines.at] === indent) {
    const line = lines.text[lines.at] ?? '';
    if (!isItem(line)) break;
    const after = line.slice(1);
    let spaces = 0;
    while (after.charCodeAt(spaces) === 32) spaces++;
    const content = after.slice(spaces);
    const column = indent + 1 + spaces;
    if (content === '' || content[0] === '#') {
      lines.at++;
      items.push(nested(lines, indent, false, depth));
    } else if (isItem(content)) {
      outside();
    } else if (startsEntry(content)) {
      // `- name: a` opens a map whose keys line up with `name`.
      const map: Record<string, unknown> = {};
      entry(lines, column, content, map, depth + 1);
      while (lines.at < lines.text.length && lines.indent[lines.at] === column) {
        const next = lines.text[lines.at] ?? '';
        if (isItem(next)) break;
        entry(lines, column, next, map, depth + 1);
      }
      items.push(map);
    } else {
      items.push(inlineValue(content));
      lines.at++;
    }
  }
  return items;
}

/** The value of a `key:` with nothing after it: a block below it, a list at its level, or null. */
function nested(lines: Lines, indent: number, listAtSameIndent: boolean, depth: number): unknown {
  if (lines.at >= lines.text.length) return null;
  const next = lines.indent[lines.at] ?? 0;
  if (next > indent) return block(lines, next, depth + 1);
  if (listAtSameIndent && next === indent && isItem(lines.text[lines.at] ?? '')) {
    return list(lines, indent, depth + 1);
  }
  return null;
}

/** True when `text` reads as `key: …` or `key:` rather than as a scalar. */
function startsEntry(text: string): boolean {
  if (text[0] === '{' || text[0] === '[') return false;
  if (text[0] === '"' || text[0] === "'") {
    const end = quotedEnd(text, 0);
    return end !== undefined && text[end] === ':';
  }
  return /: |:$/.test(text);
}

/** Reads one `key: value` line (or `key:` and the block below it) into `map`. */
function entry(
  lines: Lines,
  indent: number,
  text: string,
  map: Record<string, unknown>,
  depth: number,
): void {
  let key: string;
  let rest: string;
  if (text[0] === '"' || text[0] === "'") {
    const end = quotedEnd(text, 0) ?? outside();
    if (text[end] !== ':' || (end + 1 < text.length && text[end + 1] !== ' ')) outside();
    key = quoted(text, 0, end);
    rest = text.slice(end + 1);
  } else {
    const colon = text.search(/: |:$/);
    if (colon <= 0) outside();
    key = text.slice(0, colon);
    if (key.endsWith(' ') || key.includes(' #') || PLAIN_START.test(key) || /^[-?:]( |$)/.test(key))
      outside();
    if (typeof plainValue(key) !== 'string') outside();
    rest = text.slice(colon + 1);
  }
  if (key.length > MAX_KEY || key === '__proto__' || Object.hasOwn(map, key)) outside();
  rest = rest.replace(/^ +/, '');
  lines.at++;
  map[key] = rest === '' || rest[0] === '#' ? nested(lines, indent, true, depth) : inlineValue(rest);
}

/** A value written on its key's line: a flow map or list, a quoted or a plain scalar. */
function inlineValue(text: string): unknown {
  if (text[0] === '{' || text[0] === '[') {
    const [value, end] = flow(text, 0, 0);
    return afterValue(text, end, value);
  }
  if (text[0] === '"' || text[0] === "'") {
    const end = quotedEnd(text, 0) ?? outside();
    return afterValue(text, end, quoted(text, 0, end));
  }
  const comment = text.indexOf(' #');
  const plain = (comment === -1 ? text : text.slice(0, comment)).replace(/ +$/, '');
  if (PLAIN_START.test(plain) || /^[-?:]( |$)/.test(plain) || /: |:$/.test(plain)) outside();
  return plainValue(plain);
}

/** `value` when only spaces or a comment follow `end` on the line. */
function afterValue(text: string, end: number, value: unknown): unknown {
  const rest = text.slice(end);
  if (rest !== '' && !/^ +(#.*)?$/.test(rest)) outside();
  return value;
}

/** The offset just past the quoted scalar opening at `start`, on this line; undefined if open. */
function quotedEnd(text: string, start: number): number | undefined {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (q === '"' && c === '\\') outside(); // escapes are for the package
    if (c === q) {
      if (q === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return undefined;
}

/** The text of the quoted scalar from `start` to `end` (exclusive, past the closing quote). */
function quoted(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1);
  return text[start] === "'" ? inner.replaceAll("''", "'") : inner;
}

/** A flow map or list starting at `start`: its value and the offset past its closing bracket. */
function flow(text: string, start: number, depth: number): [unknown, number] {
  if (depth > MAX_DEPTH) outside();
  const isMap = text[start] === '{';
  const close = isMap ? '}' : ']';
  const map: Record<string, unknown> = {};
  const items: unknown[] = [];
  let i = skipSpaces(text, start + 1);
  if (text[i] === close) return [isMap ? map : items, i + 1];
  for (;;) {
    if (isMap) {
      let key: string;
      if (text[i] === '"' || text[i] === "'") {
        const end = quotedEnd(text, i) ?? outside();
        key = quoted(text, i, end);
        i = skipSpaces(text, end);
        if (text[i] !== ':') outside();
        i++;
      } else {
        const [plain, end] = flowPlain(text, i);
        if (text.slice(end, end + 2) !== ': ' || typeof plainValue(plain) !== 'string') outside();
        key = plain;
        i = end + 1;
      }
      if (key.length > MAX_KEY || key === '__proto__' || Object.hasOwn(map, key)) outside();
      const [value, end] = flowValue(text, skipSpaces(text, i), depth);
      map[key] = value;
      i = end;
    } else {
      const [value, end] = flowValue(text, i, depth);
      if (text[end] === ':') outside(); // `[a: 1]` is a map inside the list
      items.push(value);
      i = end;
    }
    i = skipSpaces(text, i);
    if (text[i] === close) return [isMap ? map : items, i + 1];
    if (text[i] !== ',') outside();
    i = skipSpaces(text, i + 1);
    if (text[i] === close) outside(); // a trailing comma
  }
}

function flowValue(text: string, start: number, depth: number): [unknown, number] {
  const c = text[start];
  if (c === '{' || c === '[') return flow(text, start, depth + 1);
  if (c === '"' || c === "'") {
    const end = quotedEnd(text, start) ?? outside();
    return [quoted(text, start, end), end];
  }
  const [plain, end] = flowPlain(text, start);
  if (text.slice(end, end + 2) === ': ') outside();
  return [plainValue(plain), end];
}

/** A plain scalar in a flow collection: up to `,`, a bracket, `: ` or a comment; spaces trimmed. */
function flowPlain(text: string, start: number): [string, number] {
  let i = start;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ',' || c === '[' || c === ']' || c === '{' || c === '}') break;
    if (c === ':' && (text[i + 1] === ' ' || text[i + 1] === undefined || /[,[\]{}]/.test(text[i + 1] ?? '')))
      break;
    if (c === '#' && text[i - 1] === ' ') outside();
    i++;
  }
  let end = i;
  while (end > start && text[end - 1] === ' ') end--;
  const plain = text.slice(start, end);
  if (plain === '' || PLAIN_START.test(plain) || /^[-?:]( |$)/.test(plain)) outside();
  return [plain, end];
}

function skipSpaces(text: string, start: number): number {
  let i = start;
  while (text[i] === ' ') i++;
  return i;
}

/** A plain scalar as YAML 1.2's core schema reads it (the `yaml` package's order and rules). */
function plainValue(text: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text)) return text[0] === 't' || text[0] === 'T';
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    if (text.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return Number.parseFloat(text);
  return text;
}
