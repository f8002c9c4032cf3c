import { AsyncLocalStorage } from 'node:async_hooks';

/** Caller attributes as given to {@link withAttributes}, before the cardinality guard. */
export type CallerAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

// A constant, not mutable state: each async context carries its own store.
const storage = new AsyncLocalStorage<CallerAttributes>();

/**
 * Runs `fn` with `attrs` attached to every usage record made inside it (across awaits), merged over
 * any attributes of an enclosing `withAttributes`. Returns what `fn` returns.
 *
 * @example withAttributes({ feature: 'search', tenant: 'acme' }, () => client.chat.completions.create(...))
 */
export function withAttributes<T>(attrs: CallerAttributes, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer ? { ...outer, ...attrs } : attrs, fn);
}

/** The caller attributes of the current async context (empty outside {@link withAttributes}). */
export function currentAttributes(): CallerAttributes {
  return storage.getStore() ?? EMPTY;
}

const EMPTY: CallerAttributes = Object.freeze({});
