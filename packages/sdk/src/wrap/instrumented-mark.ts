/**
 * Marks a function burnrate already wrapped, so instrumenting a client twice (or a client derived
 * with `withOptions()`) never wraps a method twice. `Symbol.for`, not a module symbol: two copies of
 * the sdk in one process must see each other's mark, so the key never changes between versions.
 */
export const WRAPPED: unique symbol = Symbol.for('burnrate.instrumented') as never;
