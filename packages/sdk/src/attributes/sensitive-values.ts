/**
 * Values that must not become metric label values by default: email addresses and secrets. Label
 * values are stored by every Prometheus, shown on every dashboard and kept for months.
 */
const PATTERNS: readonly RegExp[] = [
  // An email address anywhere in the value.
  /[^\s@]+@[^\s@]+\.[A-Za-z]{2,}/,
  // API keys with well-known prefixes: OpenAI / Anthropic (sk-, sk-ant-), GitHub, Slack, AWS, Google.
  /\b(?:sk|rk|pk)-[A-Za-z0-9_-]{16,}/,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bAIza[0-9A-Za-z_-]{30,}/,
  // Bearer and basic credentials, JSON Web Tokens.
  /^(?:bearer|basic)\s+\S{8,}/i,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./,
];

/** A long unbroken run of token characters mixing letters and digits (a random secret or hash). */
const LONG_TOKEN = /[A-Za-z0-9+/=_]{40,}/;

/** True when `value` looks like an email address or a secret. */
export function looksSensitive(value: string): boolean {
  for (const p of PATTERNS) if (p.test(value)) return true;
  const run = LONG_TOKEN.exec(value)?.[0];
  return run !== undefined && /[0-9]/.test(run) && /[A-Za-z]/.test(run);
}
