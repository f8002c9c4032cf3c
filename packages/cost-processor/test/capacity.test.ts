import { describe, expect, it } from 'vitest';
import { CapacityInputError, requiredInstances } from '../src/capacity/required-instances.js';

describe('requiredInstances', () => {
  it('applies ceil(qps × latency / (batch × utilization))', () => {
    expect(requiredInstances({ qps: 100, latencySeconds: 0.5, batchSize: 8, utilizationTarget: 0.7 })).toBe(
      9,
    );
    expect(requiredInstances({ qps: 10, latencySeconds: 2, batchSize: 4, utilizationTarget: 0.5 })).toBe(10);
  });

  it('does not round an exact result up because of float noise', () => {
    // 0.7 × 3 / (1 × 0.7) is 3.0000000000000004 in floating point
    expect(requiredInstances({ qps: 0.7, latencySeconds: 3, batchSize: 1, utilizationTarget: 0.7 })).toBe(3);
  });

  it('needs no instances without traffic', () => {
    expect(requiredInstances({ qps: 0, latencySeconds: 1, batchSize: 1, utilizationTarget: 1 })).toBe(0);
  });

  it.each([
    [{ qps: -1, latencySeconds: 1, batchSize: 1, utilizationTarget: 1 }, 'qps'],
    [{ qps: 1, latencySeconds: Number.NaN, batchSize: 1, utilizationTarget: 1 }, 'latencySeconds'],
    [{ qps: 1, latencySeconds: 1, batchSize: 0, utilizationTarget: 1 }, 'batchSize'],
    [{ qps: 1, latencySeconds: 1, batchSize: 2.5, utilizationTarget: 1 }, 'batchSize'],
    [{ qps: 1, latencySeconds: 1, batchSize: 1, utilizationTarget: 0 }, 'utilizationTarget'],
    [{ qps: 1, latencySeconds: 1, batchSize: 1, utilizationTarget: 1.2 }, 'utilizationTarget'],
  ])('rejects %o naming the field %s', (input, field) => {
    let error: unknown;
    try {
      requiredInstances(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CapacityInputError);
    expect((error as CapacityInputError).field).toBe(field);
    expect((error as Error).message.startsWith(`${field}: expected`)).toBe(true);
  });
});
