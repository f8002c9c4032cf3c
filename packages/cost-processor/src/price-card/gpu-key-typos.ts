import { closest } from './errors.js';

/**
 * Real GPU models outside the default table that are one or two edits from a key in it (b200 and
 * h200, a10 and a10g, l40 and l40s, p100 and h100, …); a card prices them as GPUs of their own,
 * never as typos. Lower-case, as `normalizeGpuModel` writes them.
 */
const OTHER_GPUS: ReadonlySet<string> = new Set([
  'a2',
  'a10',
  'a16',
  'a30',
  'a40',
  'a800',
  'b100',
  'b200',
  'b300',
  'gb200',
  'gb300',
  'gh200',
  'h20',
  'h800',
  'k80',
  'l20',
  'l40',
  'm60',
  'p4',
  'p40',
  'p100',
  't4g',
  'v100s',
  'mi210',
  'mi250x',
  'mi300x',
  'mi325x',
]);

/**
 * The default-table keys a card's GPU key was probably meant to be, or an empty list. A key of
 * its own prices only GPUs reported under that name, so `h10` would leave every H100 at the
 * default price without a word.
 *
 * Not a typo: a default key; one that extends a default key or that a default key extends at a
 * `-` (`h100-sxm`, `a100`: GPU lookup falls back to such prefixes); a real GPU of
 * {@link OTHER_GPUS} or an extension of one (`a800-80gb`); anything farther than one edit from
 * every default key (two for keys of six characters or more, such as `a100-80g`).
 *
 * @param key the card's key, normalized.
 * @param defaults the default table's keys.
 */
export function gpuKeyTypos(key: string, defaults: readonly string[]): string[] {
  const related = (a: string, b: string): boolean =>
    a === b || a.startsWith(`${b}-`) || b.startsWith(`${a}-`);
  if (defaults.some((d) => related(key, d))) return [];
  if ([...OTHER_GPUS].some((g) => key === g || key.startsWith(`${g}-`))) return [];
  return closest(key, defaults, key.length >= 6 ? 2 : 1);
}
