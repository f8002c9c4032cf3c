import { diag } from '@opentelemetry/api';
import type { CallerAttributes } from '../attributes/attribute-context.js';

/**
 * Checks the options object of a recorder method (`recorder.storage.set`, `recorder.gpu.track`, ...)
 * and returns its caller attributes (the `attributes` field). TypeScript rejects unknown keys; for a
 * JavaScript caller an unknown key is ignored with one diag warning per method and key that names it
 * and the fix, so a caller attribute passed beside the options never silently becomes an option (or
 * vanishes). Never throws.
 */
export type CheckOptions = (
  method: string,
  options: unknown,
  known: readonly string[],
) => CallerAttributes | undefined;

/** A {@link CheckOptions} that remembers what it warned about (one recorder's). */
export function createOptionChecker(): CheckOptions {
  const warned = new Set<string>();
  const warnOnce = (id: string, message: string) => {
    if (warned.has(id)) return;
    warned.add(id);
    diag.warn(message);
  };
  return (method, options, known) => {
    if (options === undefined || options === null) return undefined;
    if (typeof options !== 'object' || Array.isArray(options)) {
      warnOnce(
        `${method}\0`,
        `burnrate: ${method}: expected an options object such as { ${known[0]}: ..., attributes: { ... } }, got ${show(options)}; it is ignored`,
      );
      return undefined;
    }
    for (const key of Object.keys(options)) {
      if (key === 'attributes' || known.includes(key)) continue;
      warnOnce(
        `${method}\0${key}`,
        `burnrate: ${method}: unknown option "${key}" is ignored (options: ${[...known, 'attributes'].join(', ')}); put caller attributes under attributes: { ${propertyName(key)}: ... }`,
      );
    }
    const attributes = (options as { attributes?: unknown }).attributes;
    if (attributes === undefined) return undefined;
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
      warnOnce(
        `${method}\0attributes`,
        `burnrate: ${method}: attributes: expected an object such as { feature: 'search' }, got ${show(attributes)}; it is ignored`,
      );
      return undefined;
    }
    return attributes as CallerAttributes;
  };
}

/** `key` as written in an object literal: bare when it is an identifier, quoted otherwise. */
function propertyName(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

/** A value for a warning; never throws (a BigInt or a cycle is named by its type). */
function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `a ${typeof value}`;
  }
}
