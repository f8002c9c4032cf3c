import { describe, expect, it } from 'vitest';
import {
  COST_BUCKETS_USD,
  COST_METRIC,
  DURATION_BUCKETS_S,
  METRIC,
  METRIC_SPECS,
  specOf,
  specOptions,
} from '../src/index.js';

describe('specOptions', () => {
  it('gives a histogram its unit, description and bucket advice in the unit of the instrument', () => {
    expect(specOptions(METRIC.inferenceDuration)).toEqual({
      unit: 's',
      description: 'Duration of a GenAI inference call, to its last chunk; error.type on failure',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
    });
    expect(specOptions(COST_METRIC.requestCost).advice).toEqual({
      explicitBucketBoundaries: [...COST_BUCKETS_USD],
    });
  });

  it('gives bucket advice to every histogram of the contract and to nothing else', () => {
    const withAdvice = METRIC_SPECS.filter((s) => specOptions(s.name).advice !== undefined).map(
      (s) => s.name,
    );
    const histograms = METRIC_SPECS.filter((s) => s.instrument === 'Histogram').map((s) => s.name);
    expect(withAdvice).toEqual(histograms);
    expect(histograms.length).toBe(5);
  });

  it('gives a counter its unit and description only', () => {
    expect(specOptions(METRIC.inputTokens)).toEqual({
      unit: '{token}',
      description: 'Input tokens, cached input included',
    });
  });

  it('hands out a copy of the buckets, so an SDK that keeps the array cannot change the contract', () => {
    const advice = specOptions(METRIC.inferenceDuration).advice;
    expect(advice?.explicitBucketBoundaries).not.toBe(DURATION_BUCKETS_S);
  });

  it('throws for a name that is not in the contract', () => {
    expect(() => specOptions('not.a.metric')).toThrow(
      new Error('burnrate: not.a.metric is not in METRIC_SPECS'),
    );
    expect(() => specOf('not.a.metric')).toThrow(new Error('burnrate: not.a.metric is not in METRIC_SPECS'));
  });
});
