import { BurnrateError } from '@burnrate/sdk';

/** One problem found in a price card: where, what was there, and how to fix it. */
export interface PriceCardIssue {
  /** Path in the card, e.g. `budgets[2].amount`; empty for the card itself. */
  path: string;
  /** What was expected there, e.g. `expected a positive number (USD)`. */
  expected: string;
  /** The value found, rendered for humans (`"10k"`, `undefined`, `{...}`). */
  got: string;
  /** How to fix it. */
  fix: string;
}

/**
 * Thrown by {@link loadPriceCard} when a price card is invalid. Lists every issue at once;
 * nothing is half-loaded.
 */
export class PriceCardError extends BurnrateError {
  /** Every issue found, in document order. */
  readonly issues: readonly PriceCardIssue[];
  /** Where the card came from (a file path or `object`). */
  readonly source: string;

  constructor(source: string, issues: readonly PriceCardIssue[]) {
    super(
      `Invalid price card (${source}): ${issues.length} issue${issues.length === 1 ? '' : 's'}\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join('\n'),
    );
    this.issues = issues;
    this.source = source;
  }
}

/** Renders an issue as one line: `path: expected …, got … — fix: …`. */
export function formatIssue(issue: PriceCardIssue): string {
  const where = issue.path === '' ? '(card)' : issue.path;
  return `${where}: ${issue.expected}, got ${issue.got} — fix: ${issue.fix}`;
}

/** Renders a value found in a card for an error message. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Formats a path of keys/indices as `budgets[2].amount`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const s = String(key);
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? (out === '' ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** The closest candidate to `word` by edit distance, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row: number[] = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const temp = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + cost);
      previous = temp;
    }
  }
  return row[b.length] ?? 0;
}
