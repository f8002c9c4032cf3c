/** The version of `@burnrate/sdk`, used as the instrumentation scope version. */
export const VERSION = '0.1.0';
