import { diag } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BurnrateError,
  CardinalityGuard,
  createUsageRecorder,
  instrumentOpenAI,
  REDACTED_VALUE,
} from '../src/index.js';
import { privateMeter } from './helpers/metrics.js';

/** The message `fn` throws. */
function thrownBy(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BurnrateError);
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('attribute keys that would break the whole scrape are refused at setup', () => {
  it('refuses a key with a leading digit, naming it and a fix', () => {
    expect(thrownBy(() => new CardinalityGuard({ allow: ['feature', '0start'] }))).toBe(
      'cardinality.allow: "0start" is not a valid metric attribute key (ASCII letters, digits, _ . -, not starting with a digit); rename it, e.g. "attr_0start"',
    );
  });

  it('refuses le, the histogram bucket label, and the labels burnrate itself writes', () => {
    expect(thrownBy(() => new CardinalityGuard({ allow: ['le'] }))).toBe(
      'cardinality.allow: "le" becomes the label "le", which Prometheus or burnrate already uses; rename it, e.g. "app_le"',
    );
    expect(thrownBy(() => createUsageRecorder({ attributes: { 'gen_ai.request.model': 'x' } }))).toBe(
      'attributes: "gen_ai.request.model" becomes the label "gen_ai_request_model", which Prometheus or burnrate already uses; rename it, e.g. "app_gen_ai_request_model"',
    );
  });

  it('refuses non-ASCII keys, which the exporter would turn into the same "_" label', () => {
    expect(thrownBy(() => new CardinalityGuard({ allow: ['ü', 'ö'] }))).toBe(
      'cardinality.allow: "ü" is not a valid metric attribute key (ASCII letters, digits, _ . -, not starting with a digit); rename it, e.g. "u"',
    );
  });

  it('refuses two keys that become the same label, and keys starting with __', () => {
    expect(thrownBy(() => new CardinalityGuard({ allow: ['team.name', 'team_name'] }))).toBe(
      'cardinality.allow: "team_name" and "team.name" both become the label "team_name"; keep one of them',
    );
    expect(thrownBy(() => new CardinalityGuard({ allow: ['__meta'] }))).toBe(
      'cardinality.allow: "__meta" starts with "__", which Prometheus reserves; drop the leading underscores',
    );
  });

  it("refuses a wrapper's static attribute key the same way, when the client is instrumented", () => {
    const recorder = createUsageRecorder({ meterProvider: privateMeter().meterProvider });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1' });
    expect(thrownBy(() => instrumentOpenAI(client, { recorder, attributes: { '9lives': 'x' } }))).toMatch(
      /^attributes: "9lives" is not a valid metric attribute key/,
    );
  });
});

describe('values that look like an email address or a secret never become label values by default', () => {
  afterEach(() => vi.restoreAllMocks());

  it('redacts emails, API keys, bearer tokens, JWTs and long random tokens, warning once per key', () => {
    const warn = vi.spyOn(diag, 'warn');
    const guard = new CardinalityGuard();
    const values = [
      'ada@example.com',
      'sk-proj-abcdefghijklmnop1234',
      'Bearer abcdefgh12345678',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig',
      'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3',
    ];
    expect(values.map((v) => guard.guard({ user: v })['user'])).toEqual(values.map(() => REDACTED_VALUE));
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      `burnrate: attribute "user" had a value that looks like an email address or a secret; it became "${REDACTED_VALUE}" (cardinality.keepSensitiveValues: true keeps such values)`,
    ]);
  });

  it('keeps ordinary ids, uuids and names, and keeps sensitive-looking values when told to', () => {
    const guard = new CardinalityGuard();
    const ordinary = ['acme', 'user-42', '3f2b8c1e-9a4d-4c55-8f1e-2b7d9c0a6e11', 'search v2'];
    expect(ordinary.map((v) => guard.guard({ user: v })['user'])).toEqual(ordinary);
    const keeping = new CardinalityGuard({ keepSensitiveValues: true });
    expect(keeping.guard({ user: 'ada@example.com' })).toEqual({ user: 'ada@example.com' });
  });
});
