import type { LlmUsageRecord } from '@burnrate/sdk';
import { matchesPattern } from '@burnrate/semconv';
import type { Deployment } from '../price-card/types.js';
import { requiredInstances } from './required-instances.js';

/** Observed traffic and the instances it needs, for one deployment. */
export interface DeploymentCapacity {
  deployment: string;
  /** Calls per second over the deployment's window. */
  qps: number;
  /** Mean call duration over the window, seconds. */
  latencySeconds: number;
  requiredInstances: number;
}

/**
 * Observes LLM calls per deployment over a sliding window and applies the capacity formula.
 * Instance state only.
 */
export class CapacityTracker {
  readonly #deployments: readonly Deployment[];
  readonly #samples: { timeMs: number; durationS: number }[][];

  /** @param deployments deployments declared in the price card. */
  constructor(deployments: readonly Deployment[]) {
    this.#deployments = deployments;
    this.#samples = deployments.map(() => []);
  }

  /** Records one finished call at `nowMs` for every deployment it belongs to. */
  observe(record: LlmUsageRecord, nowMs: number): void {
    if (this.#deployments.length === 0) return;
    this.#deployments.forEach((d, i) => {
      if (d.model !== undefined && !matchesPattern(d.model, record.requestModel)) return;
      for (const [k, v] of Object.entries(d.scope)) if (String(record.attributes[k]) !== v) return;
      const samples = this.#samples[i];
      if (!samples) return;
      samples.push({ timeMs: nowMs, durationS: Math.max(0, record.durationS) });
      prune(samples, nowMs - d.windowSeconds * 1000);
    });
  }

  /** Current QPS, latency and required instances per deployment at `nowMs`. */
  current(nowMs: number): DeploymentCapacity[] {
    return this.#deployments.map((d, i) => {
      const samples = this.#samples[i] ?? [];
      prune(samples, nowMs - d.windowSeconds * 1000);
      const qps = samples.length / d.windowSeconds;
      const latencySeconds =
        samples.length === 0 ? 0 : samples.reduce((sum, s) => sum + s.durationS, 0) / samples.length;
      return {
        deployment: d.name,
        qps,
        latencySeconds,
        requiredInstances: requiredInstances({
          qps,
          latencySeconds,
          batchSize: d.batchSize,
          utilizationTarget: d.utilizationTarget,
        }),
      };
    });
  }
}

function prune(samples: { timeMs: number }[], cutoffMs: number): void {
  let drop = 0;
  while (drop < samples.length && (samples[drop]?.timeMs ?? 0) <= cutoffMs) drop++;
  if (drop > 0) samples.splice(0, drop);
}
