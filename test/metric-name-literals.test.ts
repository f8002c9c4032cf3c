import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATTR, LABEL, labelName, METRIC_SPECS, PROM, prometheusNameOf } from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';

/**
 * `@burnrate/semconv` is the one place metric names are spelled. This test reads every source file
 * of every other package, strips comments (TSDoc may mention metric names; code may not), and fails
 * on any string or template literal that contains one.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Text that marks a metric, attribute or Prometheus name of the contract, at the start of a name. */
const METRIC_NAME = /(?<![A-Za-z0-9_-])(gen_ai\.client\.|burnrate\.|burnrate_)/;

/**
 * Text in literals that matches {@link METRIC_NAME} but is not a metric name, by file (relative to
 * the repo root). A literal passes when it no longer matches once these exact fragments are cut out,
 * so an allowed fragment never lets a real metric name through beside it. Keep this narrow: a new
 * entry needs a reason.
 */
const ALLOWED: ReadonlyArray<{ file: RegExp; fragment: string; reason: string }> = [
  {
    file: /^packages\/cost-processor\/src\/price-card\/[^/]+\.ts$/,
    fragment: 'burnrate.price-card/v1',
    reason: 'the schema id of a loaded price card (a versioned format id), not a metric',
  },
  {
    file: /^packages\/sdk\/src\/wrap\/instrumented-mark\.ts$/,
    fragment: 'burnrate.instrumented',
    reason:
      'a Symbol.for registry key marking a wrapped client; it must stay the same across burnrate versions so two copies in one process never wrap twice',
  },
  {
    file: /^packages\/rules\/src\/alerting\/prometheus-rules\.ts$/,
    fragment: 'burnrate.rules.yml',
    reason: 'the file name of the generated fleet rules, not a metric',
  },
  {
    file: /^packages\/rules\/src\/alerting\/promtool-tests\.ts$/,
    fragment: 'tests/burnrate.test.yml',
    reason: 'the file name of the generated promtool tests, not a metric',
  },
  {
    file: /^packages\/cost-processor\/src\/processor\/create-cost-processor\.ts$/,
    fragment: 'use burnrate.costs',
    reason: '`burnrate.costs` is the property of the object setupBurnrate() returns, written in a message',
  },
];

/** One string or template literal of a source file: its text (template substitutions removed). */
interface Literal {
  /** 1-based line where the literal (or the template chunk) starts. */
  line: number;
  text: string;
}

/** Words after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/**
 * The string and template literals of TypeScript source, comments skipped. A small state machine:
 * code, `'`/`"` strings, template chunks (with `${…}` substitutions scanned as code, nested to any
 * depth), line and block comments, and regular-expression literals (told from division by what
 * precedes the `/`), which are skipped so a quote inside one does not open a string.
 */
function stringLiterals(source: string): Literal[] {
  const out: Literal[] = [];
  /** For each open `${`, the brace depth of code inside it. */
  const templates: number[] = [];
  let i = 0;
  let line = 1;
  /** The last significant code token: a punctuator character, or `w` for a word/number/literal end. */
  let last = '';
  let lastWord = '';
  const n = source.length;

  const readTemplateChunk = (): void => {
    // At the character after '`' or after the '}' that closes a substitution.
    const start = line;
    let text = '';
    while (i < n) {
      const c = source[i];
      if (c === '\\') {
        text += source.slice(i, i + 2);
        if (source[i + 1] === '\n') line++;
        i += 2;
        continue;
      }
      if (c === '`') {
        i++;
        out.push({ line: start, text });
        last = 'w';
        lastWord = '';
        return;
      }
      if (c === '$' && source[i + 1] === '{') {
        i += 2;
        out.push({ line: start, text });
        templates.push(0);
        last = '{';
        return;
      }
      if (c === '\n') line++;
      text += c;
      i++;
    }
    throw new Error(`unterminated template literal from line ${start}`);
  };

  while (i < n) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && next === '/') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`unterminated block comment from line ${line}`);
      for (let k = i; k < end; k++) if (source[k] === '\n') line++;
      i = end + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      const start = line;
      let text = '';
      i++;
      while (i < n && source[i] !== c) {
        if (source[i] === '\n') throw new Error(`unterminated string literal on line ${start}`);
        if (source[i] === '\\') {
          text += source.slice(i, i + 2);
          i += 2;
          continue;
        }
        text += source[i];
        i++;
      }
      i++;
      out.push({ line: start, text });
      last = 'w';
      lastWord = '';
      continue;
    }
    if (c === '`') {
      i++;
      readTemplateChunk();
      continue;
    }
    if (c === '/') {
      const regex = last === '' || (last === 'w' ? BEFORE_REGEX.has(lastWord) : !')]'.includes(last));
      if (regex) {
        let inClass = false;
        i++;
        while (i < n) {
          const r = source[i];
          if (r === '\n') throw new Error(`unterminated regular expression on line ${line}`);
          if (r === '\\') {
            i += 2;
            continue;
          }
          if (r === '[') inClass = true;
          else if (r === ']') inClass = false;
          else if (r === '/' && !inClass) break;
          i++;
        }
        i++;
        while (i < n && /[a-z]/i.test(source[i] as string)) i++;
        last = 'w';
        lastWord = '';
        continue;
      }
      last = '/';
      i++;
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(c)) {
      let word = '';
      while (i < n && /[A-Za-z0-9_$]/.test(source[i] as string)) word += source[i++];
      last = 'w';
      lastWord = word;
      continue;
    }
    if (templates.length > 0) {
      const depth = templates.length - 1;
      if (c === '{') templates[depth] = (templates[depth] ?? 0) + 1;
      if (c === '}') {
        if (templates[depth] === 0) {
          templates.pop();
          i++;
          readTemplateChunk();
          continue;
        }
        templates[depth] = (templates[depth] ?? 0) - 1;
      }
    }
    // A `}` usually ends an expression-like construct before a division; treat it as `)`.
    last = c === '}' ? ')' : c;
    lastWord = '';
    i++;
  }
  return out;
}

/** Every `.ts` file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The literals of every `packages/<name>/src/**\/*.ts` file outside semconv, with repo-relative paths. */
function sourceLiterals(): Array<Literal & { path: string }> {
  return readdirSync(join(ROOT, 'packages'))
    .filter((pkg) => pkg !== 'semconv' && existsSync(join(ROOT, 'packages', pkg, 'src')))
    .flatMap((pkg) => tsFiles(join(ROOT, 'packages', pkg, 'src')))
    .flatMap((file) =>
      stringLiterals(readFileSync(file, 'utf8')).map((l) => ({ path: relative(ROOT, file), ...l })),
    );
}

describe('the literal scanner', () => {
  it('finds string, double-quoted and template literals, substitutions included, with their lines', () => {
    const source = [
      "const a = 'one';",
      'const b = "two";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text for the scanner, not a template
      'const c = `three ${f(`four ${"five"}`, { x: 1 })} six`;',
      'const d = `multi',
      'line`;',
    ].join('\n');
    expect(stringLiterals(source)).toEqual([
      { line: 1, text: 'one' },
      { line: 2, text: 'two' },
      { line: 3, text: 'three ' },
      { line: 3, text: 'four ' },
      { line: 3, text: 'five' },
      { line: 3, text: '' },
      { line: 3, text: ' six' },
      { line: 4, text: 'multi\nline' },
    ]);
  });

  it('skips line comments, block comments and regular expressions, and tells division from a regex', () => {
    const source = [
      "// 'in a line comment'",
      "/** 'in TSDoc' */",
      `const q = s.replace(/"/g, '\\\\"').replace(/[/']/g, 'x');`,
      "const r = a / b / 'c';",
      "return /'/.test(s) ? 'yes' : (n) / 2;",
    ].join('\n');
    expect(stringLiterals(source)).toEqual([
      { line: 3, text: '\\\\"' },
      { line: 3, text: 'x' },
      { line: 4, text: 'c' },
      { line: 5, text: 'yes' },
    ]);
  });
});

describe('metric names', () => {
  it('are spelled only in @burnrate/semconv: no string or template literal elsewhere in packages/*/src names one', () => {
    const offending = sourceLiterals()
      .filter((l) =>
        METRIC_NAME.test(
          ALLOWED.filter((a) => a.file.test(l.path)).reduce(
            (text, a) => text.split(a.fragment).join(' '),
            l.text,
          ),
        ),
      )
      .map((l) => `${l.path}:${l.line}: ${JSON.stringify(l.text)}`);
    expect(offending).toEqual([]);
  });

  it('has no stale allow-list entry: each fragment still appears in a literal of its file', () => {
    const literals = sourceLiterals();
    const stale = ALLOWED.filter(
      (a) => !literals.some((l) => a.file.test(l.path) && l.text.includes(a.fragment)),
    );
    expect(stale.map((a) => a.fragment)).toEqual([]);
  });
});

describe('the names semconv hands out', () => {
  // The other direction: what packages import instead of literals must itself come from the contract.
  // (That METRIC_SPECS covers exactly METRIC and COST_METRIC is checked in packages/sdk/test/metric-specs.test.ts.)

  it('name only series of METRIC_SPECS: every PROM value is a spec or one of its histogram series', () => {
    const series = new Set(
      METRIC_SPECS.flatMap((s) =>
        s.instrument === 'Histogram'
          ? ['_bucket', '_sum', '_count'].map((suffix) => `${prometheusNameOf(s)}${suffix}`)
          : [prometheusNameOf(s)],
      ),
    );
    expect(Object.entries(PROM).filter(([, name]) => !series.has(name))).toEqual([]);
  });

  it('name only labels of ATTR, besides the caller labels and the alert label', () => {
    const labels = new Set(Object.values(ATTR).map(labelName));
    const notFromAttr = Object.entries(LABEL).filter(([, name]) => !labels.has(name));
    expect(notFromAttr).toEqual([
      ['feature', 'feature'],
      ['tenant', 'tenant'],
      ['threshold', 'burnrate_budget_threshold'],
    ]);
  });

  it('give every spec only attribute keys of ATTR', () => {
    const keys = new Set<string>(Object.values(ATTR));
    const unknown = METRIC_SPECS.flatMap((s) =>
      s.attributes.filter((a) => !keys.has(a)).map((a) => `${s.name}: ${a}`),
    );
    expect(unknown).toEqual([]);
  });
});
