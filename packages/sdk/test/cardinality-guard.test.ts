import { METRIC } from '@burnrate/semconv';
import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CardinalityGuard, createUsageRecorder, OVERFLOW_VALUE, withAttributes } from '../src/index.js';
import { points, privateMeter } from './helpers/metrics.js';

describe('CardinalityGuard', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps allowed keys and drops the others with one warning per key', () => {
    const warn = vi.spyOn(diag, 'warn');
    const guard = new CardinalityGuard({ allow: ['feature'] });
    expect(guard.guard({ feature: 'search', user_email: 'a@b.c' })).toEqual({ feature: 'search' });
    expect(guard.guard({ feature: 'chat', user_email: 'd@e.f' })).toEqual({ feature: 'chat' });
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'burnrate: attribute "user_email" is not in cardinality.allow and was dropped',
    ]);
  });

  it('keeps the first values of an attribute up to the cap and turns later ones into other', () => {
    const guard = new CardinalityGuard({ maxValuesPerAttribute: 3 });
    const tenants = ['a', 'b', 'c', 'd', 'e', 'a'].map((t) => guard.guard({ tenant: t })['tenant']);
    expect(tenants).toEqual(['a', 'b', 'c', OVERFLOW_VALUE, OVERFLOW_VALUE, 'a']);
  });

  it('cuts long values and drops values that are not primitives', () => {
    const guard = new CardinalityGuard({ maxValueLength: 5 });
    expect(guard.guard({ feature: 'abcdefgh', tenant: { id: 1 } })).toEqual({ feature: 'abcde' });
  });

  it('refuses to allow keys that would carry prompts, secrets or request ids', () => {
    expect(() => new CardinalityGuard({ allow: ['feature', 'prompt'] })).toThrow(
      'cardinality.allow: "prompt" may carry prompt text, secrets or request ids and can never be a metric attribute; remove it',
    );
    expect(() => new CardinalityGuard({ allow: ['api_key'] })).toThrow(/api_key/);
    expect(() => new CardinalityGuard({ allow: ['request_id'] })).toThrow(/request_id/);
  });

  it('rejects a cap that is not a positive integer at construction', () => {
    expect(() => new CardinalityGuard({ maxValuesPerAttribute: 0 })).toThrow(
      'cardinality.maxValuesPerAttribute: expected a positive integer, got 0; use e.g. 100',
    );
  });

  it('caps a high-cardinality user attribute in the metrics the recorder emits', async () => {
    const { meterProvider, reader } = privateMeter();
    const recorder = createUsageRecorder({ meterProvider, cardinality: { maxValuesPerAttribute: 10 } });
    for (let i = 0; i < 50; i++) withAttributes({ user: `u${i}` }, () => recorder.revenue.add(1));
    const pts = await points(reader, METRIC.revenue);
    expect(pts).toHaveLength(11);
    expect(pts.find((p) => p.attributes['user'] === OVERFLOW_VALUE)?.value).toBe(40);
  });
});

describe('withAttributes', () => {
  it('carries attributes across awaits and merges nested scopes, inner winning', async () => {
    const { meterProvider } = privateMeter();
    const recorder = createUsageRecorder({ meterProvider, attributes: { service: 'api' } });
    const seen = await withAttributes({ feature: 'search', tenant: 'acme' }, async () => {
      await new Promise((r) => setImmediate(r));
      return withAttributes({ tenant: 'globex' }, async () => {
        await Promise.resolve();
        return recorder.captureAttributes();
      });
    });
    expect(seen).toEqual({ service: 'api', feature: 'search', tenant: 'globex' });
    expect(recorder.captureAttributes()).toEqual({ service: 'api' });
  });
});
