import { BurnrateError } from '@burnrate/sdk';
/** Inputs of the capacity formula (DESIGN §1). */
export interface CapacityInput {
  /** Requests per second, ≥ 0. */
  qps: number;
  /** Mean request latency in seconds, ≥ 0. */
  latencySeconds: number;
  /** Requests one instance serves concurrently, a whole number ≥ 1. */
  batchSize: number;
  /** Target utilization, in (0, 1]. */
  utilizationTarget: number;
}

/** Thrown by {@link requiredInstances} for invalid input; names the field. */
export class CapacityInputError extends BurnrateError {
  /** The offending field. */
  readonly field: keyof CapacityInput;
  constructor(field: keyof CapacityInput, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/**
 * Instances needed: `ceil(qps × latencySeconds / (batchSize × utilizationTarget))`.
 *
 * @returns a whole number ≥ 0 (0 when there is no traffic).
 * @throws CapacityInputError naming the field when an input is out of range or not a number.
 */
export function requiredInstances(input: CapacityInput): number {
  const { qps, latencySeconds, batchSize, utilizationTarget } = input;
  check('qps', qps, Number.isFinite(qps) && qps >= 0, 'a finite number ≥ 0 (requests per second)');
  check(
    'latencySeconds',
    latencySeconds,
    Number.isFinite(latencySeconds) && latencySeconds >= 0,
    'a finite number ≥ 0 (seconds)',
  );
  check('batchSize', batchSize, Number.isInteger(batchSize) && batchSize >= 1, 'a whole number ≥ 1');
  check(
    'utilizationTarget',
    utilizationTarget,
    Number.isFinite(utilizationTarget) && utilizationTarget > 0 && utilizationTarget <= 1,
    'a fraction in (0, 1], e.g. 0.7',
  );
  const exact = (qps * latencySeconds) / (batchSize * utilizationTarget);
  // Guard against float noise such as 2.0000000000000004 rounding up to 3.
  if (exact <= 0) return 0;
  return Math.ceil(exact - 1e-9 * Math.max(1, exact));
}

function check(field: keyof CapacityInput, value: unknown, ok: boolean, expected: string): void {
  if (!ok)
    throw new CapacityInputError(
      field,
      `expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
    );
}
