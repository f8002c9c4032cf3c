/** One matcher of a PromQL label selector as written in a card: `job="vllm-llama"`. */
export interface SelectorMatcher {
  /** Label name (`[a-zA-Z_][a-zA-Z0-9_]*`). */
  label: string;
  /** PromQL matcher operator. */
  op: '=' | '!=' | '=~' | '!~';
  /** The value, unescaped; for `=~` and `!~` an RE2 pattern. */
  value: string;
}

/** The matchers of a selector, or why the text is not one. */
export type ParsedSelector = { matchers: SelectorMatcher[] } | { error: string };

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const OP = /^(=~|!~|!=|=)/;

/**
 * Parses a label selector such as `{job="vllm-llama", instance=~"gpu-.*"}`: braces around one or
 * more comma-separated `label op "value"` matchers (double or single quotes, backslash escapes).
 * A metric name in front is refused: the rules put the engine's metric names in front of it.
 */
export function parseLabelSelector(text: string): ParsedSelector {
  let rest = text.trim();
  if (!rest.startsWith('{') || !rest.endsWith('}')) {
    return { error: 'expected a label selector in braces such as {job="vllm-llama"}' };
  }
  rest = rest.slice(1, -1).trim();
  const matchers: SelectorMatcher[] = [];
  while (rest.length > 0) {
    const label = LABEL.exec(rest)?.[0];
    if (label === undefined) return { error: `expected a label name at "${rest}"` };
    rest = rest.slice(label.length).trimStart();
    const op = OP.exec(rest)?.[0] as SelectorMatcher['op'] | undefined;
    if (op === undefined) return { error: `expected =, !=, =~ or !~ after ${label}` };
    rest = rest.slice(op.length).trimStart();
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") return { error: `expected a quoted value after ${label}${op}` };
    let value = '';
    let i = 1;
    for (; i < rest.length && rest[i] !== quote; i++) {
      const c = rest[i] ?? '';
      if (c === '\\') {
        const next = rest[++i] ?? '';
        value += next === 'n' ? '\n' : next;
      } else value += c;
    }
    if (i >= rest.length) return { error: `the value of ${label} has no closing quote` };
    if (op === '=~' || op === '!~') {
      try {
        new RegExp(value);
      } catch {
        return { error: `the value of ${label}${op} is not a regular expression` };
      }
    }
    matchers.push({ label, op, value });
    rest = rest.slice(i + 1).trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (rest.length > 0) return { error: `expected a comma before "${rest}"` };
  }
  if (matchers.length === 0) {
    return { error: 'expected at least one matcher, such as {job="vllm-llama"}' };
  }
  if (matchers.every((m) => (m.op === '=' && m.value === '') || (m.op === '=~' && /^\.\*$/.test(m.value)))) {
    // Prometheus refuses selectors that match every series ("vector selector must contain at least one
    // non-empty matcher"): the rules would fail to load.
    return { error: 'expected a matcher that picks the server, such as {job="vllm-llama"}' };
  }
  return { matchers };
}

/** Writes matchers back as selector text, `{job="vllm-llama"}` (double quotes, PromQL escapes). */
export function formatLabelSelector(matchers: readonly SelectorMatcher[]): string {
  const quoted = (v: string): string =>
    `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  return `{${matchers.map((m) => `${m.label}${m.op}${quoted(m.value)}`).join(',')}}`;
}
