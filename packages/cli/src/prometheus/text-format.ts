/** One sample of the Prometheus text exposition format. */
export interface Sample {
  /** Series name, e.g. `burnrate_cost_usd_total`. */
  name: string;
  /** Label names to values (unescaped). */
  labels: Record<string, string>;
  /** The value; `NaN`, `+Inf` and `-Inf` are allowed. */
  value: number;
}

/** Thrown by {@link parsePrometheusText} for a line that is not in the text format; names the line. */
export class ExpositionParseError extends Error {
  /** 1-based line number. */
  readonly line: number;
  /**
   * @param line 1-based line number.
   * @param message what was wrong on that line.
   */
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionParseError';
    this.line = line;
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Parses the Prometheus text exposition format (version 0.0.4), as served on `/metrics` by the
 * OpenTelemetry Prometheus exporter: comments and `# HELP` / `# TYPE` lines are skipped, label values
 * are unescaped, timestamps are ignored.
 *
 * @throws ExpositionParseError naming the line that is not in the format.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    samples.push(parseSampleLine(line, i + 1));
  }
  return samples;
}

function parseSampleLine(line: string, lineNo: number): Sample {
  const nameMatch = NAME.exec(line);
  if (!nameMatch)
    throw new ExpositionParseError(lineNo, `expected a metric name, got ${JSON.stringify(line)}`);
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      pos = skipSpaces(line, pos);
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const labelMatch = LABEL_NAME.exec(line.slice(pos));
      if (!labelMatch) throw new ExpositionParseError(lineNo, `expected a label name at column ${pos + 1}`);
      const label = labelMatch[0];
      pos = skipSpaces(line, pos + label.length);
      if (line[pos] !== '=') throw new ExpositionParseError(lineNo, `expected = after label ${label}`);
      pos = skipSpaces(line, pos + 1);
      if (line[pos] !== '"')
        throw new ExpositionParseError(lineNo, `expected a quoted value for label ${label}`);
      pos++;
      let value = '';
      for (;;) {
        const ch = line[pos];
        if (ch === undefined) throw new ExpositionParseError(lineNo, `unterminated value of label ${label}`);
        pos++;
        if (ch === '"') break;
        if (ch === '\\') {
          const next = line[pos];
          pos++;
          value += next === 'n' ? '\n' : (next ?? '');
        } else value += ch;
      }
      labels[label] = value;
      pos = skipSpaces(line, pos);
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}')
        throw new ExpositionParseError(lineNo, `expected , or } after label ${label}`);
    }
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  const valueText = rest[0] ?? '';
  const value = parseValue(valueText);
  if (value === undefined) {
    throw new ExpositionParseError(
      lineNo,
      `expected a number after ${name}, got ${JSON.stringify(valueText)}`,
    );
  }
  return { name, labels, value };
}

function skipSpaces(line: string, pos: number): number {
  let p = pos;
  while (line[p] === ' ' || line[p] === '\t') p++;
  return p;
}

function parseValue(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}
