/** True when `pattern` contains a `*` wildcard. */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

/** The regular-expression body of a glob: `*` matches any run of characters, the rest is literal. */
function globBody(pattern: string): string {
  return pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
}

/** Compiles a glob (`*` = any run of characters) to an anchored, case-insensitive RegExp. */
export function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${globBody(pattern)}$`, 'i');
}

/**
 * The same glob as a case-insensitive RE2 pattern for PromQL's `=~` (which anchors it itself), so a
 * price-card glob selects the same series in Prometheus as in the process.
 */
export function globPattern(pattern: string): string {
  return `(?i)${globBody(pattern)}`;
}

/** Matches `name` against an exact name or glob, case-insensitively. */
export function matchesPattern(pattern: string, name: string): boolean {
  return isGlob(pattern) ? globToRegExp(pattern).test(name) : pattern.toLowerCase() === name.toLowerCase();
}
