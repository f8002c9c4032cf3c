/** A label matcher, as in PromQL: equal, not equal, or (anchored) regular expression. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~';
  /** The value, or for `=~` an RE2 pattern (a leading `(?i)` makes it case-insensitive). */
  value: string;
}

/** Quotes a label value for PromQL (double quotes, backslash escapes). */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A PromQL selector: `metric{a="x",b!=""}`; the bare metric without matchers. */
export function selector(metric: string, matchers: readonly Matcher[] = []): string {
  if (matchers.length === 0) return metric;
  return `${metric}{${matchers.map((m) => `${m.label}${m.op}${quoteLabelValue(m.value)}`).join(',')}}`;
}

/**
 * A case-insensitive, anchored pattern for a price-card glob (`*` matches any run of characters),
 * usable with `=~` in PromQL and by {@link matches}.
 */
export function globPattern(glob: string): string {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return `(?i)${body}`;
}

/** True when `labels` satisfy every matcher (a missing label reads as `""`, as in PromQL). */
export function matches(labels: Readonly<Record<string, string>>, matchers: readonly Matcher[]): boolean {
  for (const m of matchers) {
    const value = labels[m.label] ?? '';
    if (m.op === '=' && value !== m.value) return false;
    if (m.op === '!=' && value === m.value) return false;
    if (m.op === '=~') {
      const insensitive = m.value.startsWith('(?i)');
      const body = insensitive ? m.value.slice(4) : m.value;
      if (!new RegExp(`^(?:${body})$`, insensitive ? 'i' : '').test(value)) return false;
    }
  }
  return true;
}
