import { BurnrateError } from '@burnrate/sdk';

/** One problem found in a price card: where, what was there, and how to fix it. */
export interface PriceCardIssue {
  /** Path in the card, e.g. `budgets[2].amount`, or `line 3, column 5` for syntax; empty for the card itself. */
  path: string;
  /** What was expected there, e.g. `expected a positive number (USD)`. */
  expected: string;
  /** The value found, rendered for humans (`"10k"`, `undefined`, `{...}`). */
  got: string;
  /** How to fix it. */
  fix: string;
}

/** Characters of a value from the card that an error message quotes before cutting it. */
export const QUOTED_CHARS = 80;

/**
 * Characters one field of an issue may take. Fields are built from the card's text (keys, lines,
 * suggested rewrites); a 50 MB key once made a 52-million-character message.
 */
const FIELD_CHARS = 400;

/** Issues the message lists; `issues` keeps them all. A generated card can have thousands. */
export const SHOWN_ISSUES = 50;

/**
 * Thrown by {@link loadPriceCard} when a price card is invalid. Lists every issue at once;
 * nothing is half-loaded.
 */
export class PriceCardError extends BurnrateError {
  /** Every issue found, in document order, each field cut to a readable length. */
  readonly issues: readonly PriceCardIssue[];
  /** Where the card came from (a file path or `object`). */
  readonly source: string;

  constructor(source: string, issues: readonly PriceCardIssue[]) {
    const cut = issues.map(cutIssue);
    const shown = cut.slice(0, SHOWN_ISSUES).map((i) => `  - ${formatIssue(i)}`);
    if (cut.length > SHOWN_ISSUES) {
      shown.push(
        `  … and ${(cut.length - SHOWN_ISSUES).toLocaleString('en-US')} more (error.issues lists them all)`,
      );
    }
    const name = cutText(source);
    super(
      `Invalid price card (${name}): ${cut.length} issue${cut.length === 1 ? '' : 's'}\n${shown.join('\n')}`,
    );
    this.issues = cut;
    this.source = source;
  }
}

function cutIssue(issue: PriceCardIssue): PriceCardIssue {
  return {
    path: cutText(issue.path, FIELD_CHARS),
    expected: cutText(issue.expected, FIELD_CHARS),
    got: cutText(issue.got, FIELD_CHARS),
    fix: cutText(issue.fix, FIELD_CHARS),
  };
}

/** Renders an issue as one line: `path: expected …, got … — fix: …`. */
export function formatIssue(issue: PriceCardIssue): string {
  const where = issue.path === '' ? '(card)' : issue.path;
  return `${where}: ${issue.expected}, got ${issue.got} — fix: ${issue.fix}`;
}

/**
 * Cuts text longer than `max` characters to its first `max`, an ellipsis and its length:
 * `kkkk… (5,000,000 characters)`.
 */
export function cutText(text: string, max = QUOTED_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length.toLocaleString('en-US')} characters)`;
}

/**
 * Renders a string from the card in double quotes, cut after {@link QUOTED_CHARS} characters:
 * `"kkkk…" (5,000,000 characters)`.
 */
export function quote(text: string): string {
  if (text.length <= QUOTED_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(`${text.slice(0, QUOTED_CHARS)}…`)} (${text.length.toLocaleString('en-US')} characters)`;
}

/** Renders a value found in a card for an error message; long strings are cut. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Formats a path of keys/indices as `budgets[2].amount`; long keys are cut like values. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const s = String(key);
      out +=
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && s.length <= QUOTED_CHARS
          ? out === ''
            ? s
            : `.${s}`
          : `[${quote(s)}]`;
    }
  }
  return out;
}

/** Longest word a suggestion is looked for: nobody mistypes a name of more characters. */
const SUGGEST_MAX_CHARS = 200;

/** The closest candidate to `word` by edit distance, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  return closest(word, candidates, Math.max(2, Math.floor(word.length / 3)))[0];
}

/**
 * Every candidate at the smallest edit distance from `word`, when that distance is at most
 * `maxDistance`; in the candidates' order. Candidates whose length alone puts them farther are
 * skipped, so a long word costs no more than its length.
 */
export function closest(word: string, candidates: Iterable<string>, maxDistance: number): string[] {
  if (word.length > SUGGEST_MAX_CHARS) return [];
  const w = word.toLowerCase();
  let best: string[] = [];
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - w.length) > Math.min(maxDistance, bestDistance)) continue;
    const d = editDistance(w, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = [candidate];
    } else if (d === bestDistance) best.push(candidate);
  }
  return best;
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
