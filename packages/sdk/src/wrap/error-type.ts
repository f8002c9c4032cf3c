/** The `error.type` of a thrown value: its class name, e.g. `RateLimitError`. */
export function errorTypeOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const name = (err as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '' && name !== 'Object') return name;
  }
  return '_OTHER';
}

/**
 * `errorTypeOf` for fetch-based clients (@google/genai, Mistral): a call or stream aborted through
 * an `AbortSignal` throws a `DOMException` named `AbortError`, recorded as `AbortError` rather than
 * as `DOMException`; anything else is its class name.
 */
export function fetchErrorTypeOf(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return 'AbortError';
  return errorTypeOf(err);
}
