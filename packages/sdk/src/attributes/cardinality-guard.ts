import { diag } from '@opentelemetry/api';
import { BurnrateError } from '../errors.js';
import type { Attributes } from '../record/usage-record.js';
import type { DropCause } from '../recorder/dropped-telemetry.js';
import { assertLabelKeys } from './label-keys.js';
import { looksSensitive } from './sensitive-values.js';

/** Options of the {@link CardinalityGuard}. */
export interface CardinalityOptions {
  /**
   * Caller attribute keys that may become metric attributes; others are dropped (with one warning
   * per key). Default: {@link DEFAULT_ALLOWED_ATTRIBUTES}. Keys of the recorder's and wrapper's
   * static `attributes` are always allowed.
   */
  allow?: readonly string[];
  /**
   * Distinct values kept per attribute; once reached, new values become {@link OVERFLOW_VALUE}.
   * Values seen first are kept. Default 100.
   */
  maxValuesPerAttribute?: number;
  /** Longest string value kept; longer values are cut. Default 128 characters. */
  maxValueLength?: number;
  /**
   * Keep values that look like an email address or a secret (API keys, bearer tokens, JWTs, long
   * random tokens). By default they become {@link REDACTED_VALUE}, with one warning per key, since a
   * label value is stored and shown everywhere. Default false.
   */
  keepSensitiveValues?: boolean;
  /**
   * Distinct model names kept per model attribute (`gen_ai.request.model`, `gen_ai.response.model`)
   * on the usage metrics; later ones become {@link OVERFLOW_VALUE} there (records and prices keep the
   * real name). A flood of fine-tune or deployment ids must not grow series without bound. Default 500.
   */
  maxModelNames?: number;
}

/** Caller attribute keys allowed by default. */
export const DEFAULT_ALLOWED_ATTRIBUTES: readonly string[] = [
  'feature',
  'tenant',
  'user',
  'team',
  'environment',
  'service',
  'route',
  'workflow',
  'experiment',
  'variant',
];

/** The value that replaces attribute values past the per-attribute cap. */
export const OVERFLOW_VALUE = 'other';

/** The value that replaces attribute values that look like an email address or a secret. */
export const REDACTED_VALUE = 'redacted';

/**
 * Keys that never become attributes, whatever the allow-list says: prompt and completion text,
 * credentials and request ids are unbounded or secret.
 */
const FORBIDDEN_KEY =
  /prompt|completion|content|message|api[_.-]?key|secret|token$|password|authorization|request[_.-]?id/i;

/**
 * Keeps caller attributes safe for Prometheus: an allow-list of keys, a cap on distinct values per
 * key (the rest become `other`), forbidden keys for secrets and text. Never throws.
 */
export class CardinalityGuard {
  private readonly allowed: Set<string>;
  private readonly maxValues: number;
  private readonly maxLength: number;
  private readonly keepSensitive: boolean;
  private readonly maxModels: number;
  private readonly seen = new Map<string, Set<string | number | boolean>>();
  private readonly warned = new Set<string>();
  private sink: ((cause: DropCause, id: string, message: string) => void) | undefined;
  /** Label name → attribute key of every allowed key, so two keys never share a label. */
  private readonly labels = new Map<string, string>();

  constructor(options: CardinalityOptions = {}, alwaysAllowed: Iterable<string> = []) {
    const max = options.maxValuesPerAttribute ?? 100;
    if (!Number.isInteger(max) || max < 1) {
      throw new TypeError(
        `cardinality.maxValuesPerAttribute: expected a positive integer, got ${JSON.stringify(max)}; use e.g. 100`,
      );
    }
    const len = options.maxValueLength ?? 128;
    if (!Number.isInteger(len) || len < 1) {
      throw new TypeError(
        `cardinality.maxValueLength: expected a positive integer, got ${JSON.stringify(len)}; use e.g. 128`,
      );
    }
    this.maxValues = max;
    this.maxLength = len;
    this.keepSensitive = options.keepSensitiveValues ?? false;
    const models = options.maxModelNames ?? 500;
    if (!Number.isInteger(models) || models < 1) {
      throw new TypeError(
        `cardinality.maxModelNames: expected a positive integer, got ${JSON.stringify(models)}; use e.g. 500`,
      );
    }
    this.maxModels = models;
    const always = [...alwaysAllowed];
    assertLabelKeys('cardinality.allow', options.allow ?? DEFAULT_ALLOWED_ATTRIBUTES, this.labels);
    assertLabelKeys('attributes', always, this.labels);
    this.allowed = new Set([...(options.allow ?? DEFAULT_ALLOWED_ATTRIBUTES), ...always]);
    for (const key of this.allowed) {
      if (FORBIDDEN_KEY.test(key)) {
        throw new TypeError(
          `cardinality.allow: "${key}" may carry prompt text, secrets or request ids and can never be a metric attribute; remove it`,
        );
      }
    }
  }

  /**
   * Sends every drop (a key dropped, a value folded or redacted) to `sink` as well, so the recorder
   * can count it on `/metrics` and warn on its logger (stderr by default), not only to diag.
   */
  reportTo(sink: (cause: DropCause, id: string, message: string) => void): void {
    this.sink = sink;
  }

  /**
   * Allows more keys (static attributes given by configuration, such as a wrapper's).
   *
   * @throws BurnrateError for a key that cannot be a Prometheus label (see `assertLabelKeys`).
   */
  allow(keys: Iterable<string>): void {
    const list = [...keys].filter((key) => !FORBIDDEN_KEY.test(key));
    assertLabelKeys('attributes', list, this.labels);
    for (const key of keys) {
      if (!FORBIDDEN_KEY.test(key)) this.allowed.add(key);
      else
        this.warnOnce(
          key,
          `attribute "${key}" may carry prompt text, secrets or request ids and is never allowed`,
          'attribute_dropped',
        );
    }
  }

  /**
   * Always keeps `values` of `key` (a budget's scope, for one): the key joins the allow-list and the
   * values are kept whatever the cap, since a budget on a dropped or folded value could never fire.
   *
   * @throws BurnrateError for a key that cannot be a Prometheus label, or one that may carry secrets.
   */
  keep(key: string, values: readonly string[]): void {
    if (FORBIDDEN_KEY.test(key)) {
      throw new BurnrateError(
        `"${key}" may carry prompt text, secrets or request ids and can never be a metric attribute; scope on another attribute`,
      );
    }
    assertLabelKeys('attributes', [key], this.labels);
    this.allowed.add(key);
    let seen = this.seen.get(key);
    if (!seen) {
      seen = new Set();
      this.seen.set(key, seen);
    }
    for (const v of values) seen.add(v);
  }

  /** Returns the guarded copy of `attrs`; unknown keys dropped, overflowing values replaced. */
  guard(attrs: Readonly<Record<string, unknown>>): Attributes {
    const out: Attributes = {};
    for (const key in attrs) {
      const raw = attrs[key];
      if (raw === undefined || raw === null) continue;
      if (!this.allowed.has(key)) {
        this.warnOnce(
          key,
          `attribute "${key}" is not in cardinality.allow and was dropped`,
          'attribute_dropped',
        );
        continue;
      }
      let value: string | number | boolean;
      if (typeof raw === 'string') value = raw.length > this.maxLength ? raw.slice(0, this.maxLength) : raw;
      else if (typeof raw === 'number' || typeof raw === 'boolean') value = raw;
      else {
        this.warnOnce(
          `${key}:type`,
          `attribute "${key}" is not a string, number or boolean and was dropped`,
          'attribute_dropped',
        );
        continue;
      }
      out[key] = this.cap(key, value);
    }
    return out;
  }

  /**
   * Guards one free-text value of a named burnrate attribute (e.g. `burnrate.workload`): cut to the
   * maximum length, and past the per-attribute cap it becomes {@link OVERFLOW_VALUE}. Never throws.
   */
  guardValue(key: string, value: string): string {
    const cut = value.length > this.maxLength ? value.slice(0, this.maxLength) : value;
    return this.cap(key, cut) as string;
  }

  /** Guards a model name on the usage metrics: cut to the maximum length, capped at `maxModelNames`. */
  guardModel(key: string, value: string): string {
    const cut = value.length > this.maxLength ? value.slice(0, this.maxLength) : value;
    return this.cap(key, cut, this.maxModels) as string;
  }

  private cap(
    key: string,
    value: string | number | boolean,
    max: number = this.maxValues,
  ): string | number | boolean {
    let values = this.seen.get(key);
    if (!values) {
      values = new Set();
      this.seen.set(key, values);
    }
    if (values.has(value)) return value;
    // Only values not seen before are checked, so the hot path stays a Set lookup.
    if (!this.keepSensitive && typeof value === 'string' && looksSensitive(value)) {
      this.warnOnce(
        `${key}:sensitive`,
        `attribute "${key}" had a value that looks like an email address or a secret; it became "${REDACTED_VALUE}" (cardinality.keepSensitiveValues: true keeps such values)`,
        'value_redacted',
      );
      return REDACTED_VALUE;
    }
    if (values.size >= max) {
      this.warnOnce(
        `${key}:cap`,
        `attribute "${key}" passed ${max} values; new values become "${OVERFLOW_VALUE}"`,
        'value_folded',
      );
      return OVERFLOW_VALUE;
    }
    values.add(value);
    return value;
  }

  /**
   * Reports every drop to the sink (it counts them and warns once per `id` on the recorder's
   * logger); a guard with no sink tells diag the first of each `id`.
   */
  private warnOnce(id: string, message: string, cause: DropCause): void {
    if (this.sink) {
      this.sink(cause, id, message);
      return;
    }
    if (this.warned.has(id)) return;
    this.warned.add(id);
    diag.warn(`burnrate: ${message}`);
  }
}
