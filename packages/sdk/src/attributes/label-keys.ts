import { ATTR, labelName } from '@burnrate/semconv';
import { BurnrateError } from '../errors.js';

/**
 * Label names a caller attribute may not take: Prometheus' own (`le` of histogram buckets,
 * `quantile`, the `job` and `instance` target labels it would rename), the labels the JS exporter
 * adds (`otel_scope_*`), and burnrate's own attribute labels, which a caller key would overwrite.
 */
const RESERVED: ReadonlySet<string> = new Set([
  'le',
  'quantile',
  'job',
  'instance',
  'otel_scope_name',
  'otel_scope_version',
  ...Object.values(ATTR).map(labelName),
]);

/** A caller attribute key: ASCII letters, digits, `_`, `.` and `-`, not starting with a digit. */
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Throws a {@link BurnrateError} naming the key and the fix when `keys` contain one that cannot be a
 * Prometheus label of its own: invalid characters or a leading digit, a reserved name, `__`, or two
 * keys that become the same label (`a.b` and `a_b`). One bad key would make Prometheus reject the
 * whole scrape, every series of the process, so it is refused at setup, never at record time.
 *
 * @param where the option the keys came from, e.g. `cardinality.allow`.
 */
export function assertLabelKeys(
  where: string,
  keys: Iterable<string>,
  taken = new Map<string, string>(),
): void {
  for (const key of keys) {
    const label = labelName(key);
    let problem: string | undefined;
    if (!KEY.test(key)) {
      problem = `is not a valid metric attribute key (ASCII letters, digits, _ . -, not starting with a digit); rename it, e.g. "${suggest(key)}"`;
    } else if (label.startsWith('__')) {
      problem = 'starts with "__", which Prometheus reserves; drop the leading underscores';
    } else if (RESERVED.has(label)) {
      problem = `becomes the label "${label}", which Prometheus or burnrate already uses; rename it, e.g. "app_${label}"`;
    } else {
      const other = taken.get(label);
      if (other !== undefined && other !== key) {
        problem = `and "${other}" both become the label "${label}"; keep one of them`;
      }
    }
    if (problem !== undefined) throw new BurnrateError(`${where}: "${key}" ${problem}`);
    taken.set(label, key);
  }
}

/** A valid key close to `key`, for the fix. */
function suggest(key: string): string {
  const ascii = key
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '_');
  const cleaned = /^[A-Za-z_]/.test(ascii) ? ascii : `attr_${ascii}`;
  return cleaned.replace(/^_+$/, 'attr') || 'attr';
}
