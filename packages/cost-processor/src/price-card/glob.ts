/** True when `pattern` contains a `*` wildcard. */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

/** Compiles a glob (`*` = any run of characters) to an anchored, case-insensitive RegExp. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i');
}

/** Matches `name` against an exact name or glob, case-insensitively. */
export function matchesPattern(pattern: string, name: string): boolean {
  return isGlob(pattern) ? globToRegExp(pattern).test(name) : pattern.toLowerCase() === name.toLowerCase();
}
