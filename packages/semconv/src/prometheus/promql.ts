import { labelName } from './names.js';

/** A label matcher, as in PromQL: equal, not equal, or (anchored) regular expression. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~';
  /** The value, or for `=~` an RE2 pattern (a leading `(?i)` makes it case-insensitive). */
  value: string;
}

/** Quotes a label value for PromQL and the exposition format (double quotes, backslash escapes). */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * A PromQL series selector. From a scope (`{ feature: 'search' }`, attribute keys turned into
 * label names and sorted, so the same scope always gives the same text) or from matchers (kept in
 * order, label names as given). No matchers give the bare metric.
 */
export function selector(
  metric: string,
  matchers: Readonly<Record<string, string>> | readonly Matcher[] = [],
): string {
  const list: readonly Matcher[] = Array.isArray(matchers)
    ? matchers
    : Object.entries(matchers)
        .map(([k, v]) => ({ label: labelName(k), op: '=' as const, value: v }))
        .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  if (list.length === 0) return metric;
  return `${metric}{${list.map((m) => `${m.label}${m.op}${quoteLabelValue(m.value)}`).join(',')}}`;
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

/**
 * Formats a number for PromQL: the shortest text that reads back as the same float (`String(n)`),
 * after rounding away binary noise beyond 12 significant digits (so `0.7 * 100` gives `70`).
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`cannot write ${n} in PromQL`);
  return String(roundSignificant(n));
}

/** Rounds to 12 significant digits, removing float noise such as `70.00000000000001`. */
export function roundSignificant(n: number, digits = 12): number {
  return n === 0 ? 0 : Number(n.toPrecision(digits));
}
