import type { GpuMarket } from '@burnrate/sdk';
import { requiredInstances } from '../capacity/required-instances.js';
import { SECONDS_PER_MONTH } from '../internal/pricing/unit-pricers.js';

/** Hours in the 30-day month every burnrate projection uses. */
export const HOURS_PER_MONTH = SECONDS_PER_MONTH / 3600;

/** The traffic both sides of a comparison serve. */
export interface CompareWorkload {
  /** Queries (successful LLM calls) per second, > 0. */
  qps: number;
  /** Input tokens per query, ≥ 0. */
  inputTokensPerQuery: number;
  /** Output tokens per query, ≥ 0. */
  outputTokensPerQuery: number;
}

/** A self-hosted deployment as a comparison side: its GPU set (one instance) and serving numbers. */
export interface DeploymentCandidate {
  kind: 'deployment';
  name: string;
  /** Model it serves, when the card says. */
  model?: string;
  /** One instance: `count` GPUs of `model` on `market` at `usdPerGpuHour`. */
  gpu: { model: string; count: number; market: GpuMarket; usdPerGpuHour: number };
  /** Requests one instance serves at once. */
  batchSize: number;
  /** Target utilization in (0, 1]. */
  utilizationTarget: number;
  /** Mean latency of one query on this deployment, seconds, > 0. */
  latencySeconds: number;
  /**
   * Share of serving time spent on input (prefill), in [0, 1]: the engine's prefill time ÷
   * (prefill + decode). Absent: the cost is split in proportion to tokens.
   */
  prefillShare?: number;
}

/** An API model as a comparison side, priced per query by the cost processor's pricer. */
export interface ApiCandidate {
  kind: 'api';
  /** Display name, e.g. `openai/gpt-4o-mini`. */
  name: string;
  model: string;
  provider: string;
  /** USD per 1M input tokens (uncached, standard tier unless the card's rules say otherwise). */
  usdPer1MInput: number;
  /** USD per 1M output tokens. */
  usdPer1MOutput: number;
  /** USD for one query of the workload (the pricer's exact price for its tokens). */
  usdPerQuery: number;
  /** Where the price came from (explicit, multiplier, catalog) and the catalog model that matched. */
  source: string;
  matchedModel: string;
}

/** One side of a comparison. */
export type CompareCandidate = DeploymentCandidate | ApiCandidate;

/** What one side costs at the workload. */
export interface CandidateCost {
  kind: 'deployment' | 'api';
  name: string;
  /** USD per 1M input tokens; null when the workload has no input tokens. */
  usdPer1MInputTokens: number | null;
  /** USD per 1M output tokens; null when the workload has no output tokens. */
  usdPer1MOutputTokens: number | null;
  usdPerQuery: number;
  usdPerHour: number;
  /** × {@link HOURS_PER_MONTH}. */
  usdPerMonth: number;
  /** Deployments: what the capacity formula needs and what one instance is. */
  deployment?: {
    /** `ceil(qps × latency / (batch × utilization))`, one instance = the deployment's GPU set. */
    instances: number;
    /** GPU count × USD per GPU-hour. */
    instanceUsdPerHour: number;
    gpu: { model: string; count: number; market: GpuMarket; usdPerGpuHour: number };
    latencySeconds: number;
    batchSize: number;
    utilizationTarget: number;
    /** Queries per second one instance serves at its utilization target: batch × utilization ÷ latency. */
    maxQpsPerInstance: number;
    /** Share of the cost charged to input tokens. */
    inputCostShare: number;
    /** How the cost was split between input and output. */
    split: 'prefill_decode_time' | 'tokens';
  };
  /** API models: where the price came from. */
  api?: { model: string; provider: string; source: string; matchedModel: string };
}

/** Break-even request rate between an API model and a deployment. */
export interface BreakEven {
  /** The deployment's name. */
  deployment: string;
  /** The API side's name. */
  api: string;
  /**
   * Queries per second above which the deployment, sized in whole instances by the capacity
   * formula, is cheaper at every rate; below it the API is cheaper at least at some rates (at
   * every rate below {@link firstInstanceQps}). Null when the deployment is never cheaper.
   */
  qps: number | null;
  /** Rate at which one instance's cost equals the API's spend: instance $/h ÷ (3600 × API $/query). */
  firstInstanceQps: number;
  /** Instances the deployment needs at {@link qps}. */
  instancesAtBreakEven: number | null;
}

/** One row of the seed's before/after table, from measured numbers. */
export interface BeforeAfterRow {
  metric:
    | 'cost_usd_per_day'
    | 'cost_usd_per_month'
    | 'latency_s'
    | 'throughput_qps_per_instance'
    | 'cost_usd_per_query';
  before: number;
  after: number;
  /** (after − before) ÷ before: −0.5 is half the cost (or latency); +0.33 a third more throughput. Null when before is 0. */
  change: number | null;
}

/** The result of {@link compare}. */
export interface Comparison {
  workload: CompareWorkload;
  /** The two sides, in the order given (before, after). */
  candidates: [CandidateCost, CandidateCost];
  /** Name of the side that costs less at the workload (the first on a tie). */
  cheaper: string;
  /** First side's monthly cost minus the second's: what switching from the first to the second saves. */
  monthlyDifferenceUsd: number;
  /** API model against a deployment: the break-even request rate. */
  breakEven?: BreakEven;
  /** Two deployments: the seed's before/after table (first = before, second = after). */
  beforeAfter?: BeforeAfterRow[];
}

/**
 * Compares two sides (a deployment and an API model, or two deployments) at one workload:
 * USD per 1M input and output tokens and per query, the instances the capacity formula needs, the
 * monthly difference, the break-even request rate (API against a deployment) and the before/after
 * table (two deployments). Formulas: docs/compare.md.
 *
 * @throws RangeError naming the field when the workload or a side is out of range.
 */
export function compare(
  workload: CompareWorkload,
  first: CompareCandidate,
  second: CompareCandidate,
): Comparison {
  checkWorkload(workload);
  const a = costOf(workload, first);
  const b = costOf(workload, second);
  const out: Comparison = {
    workload,
    candidates: [a, b],
    cheaper: b.usdPerMonth < a.usdPerMonth ? b.name : a.name,
    monthlyDifferenceUsd: a.usdPerMonth - b.usdPerMonth,
  };
  if (first.kind === 'api' && second.kind === 'deployment') out.breakEven = breakEven(first, second);
  if (first.kind === 'deployment' && second.kind === 'api') out.breakEven = breakEven(second, first);
  if (first.kind === 'deployment' && second.kind === 'deployment') out.beforeAfter = beforeAfter(a, b);
  return out;
}

/** What one side costs at the workload. */
export function costOf(workload: CompareWorkload, side: CompareCandidate): CandidateCost {
  const { qps, inputTokensPerQuery: inTok, outputTokensPerQuery: outTok } = workload;
  if (side.kind === 'api') {
    const usdPerHour = side.usdPerQuery * qps * 3600;
    return {
      kind: 'api',
      name: side.name,
      usdPer1MInputTokens: inTok > 0 ? side.usdPer1MInput : null,
      usdPer1MOutputTokens: outTok > 0 ? side.usdPer1MOutput : null,
      usdPerQuery: side.usdPerQuery,
      usdPerHour,
      usdPerMonth: usdPerHour * HOURS_PER_MONTH,
      api: {
        model: side.model,
        provider: side.provider,
        source: side.source,
        matchedModel: side.matchedModel,
      },
    };
  }
  checkDeployment(side);
  const instanceUsdPerHour = side.gpu.count * side.gpu.usdPerGpuHour;
  const instances = requiredInstances({
    qps,
    latencySeconds: side.latencySeconds,
    batchSize: side.batchSize,
    utilizationTarget: side.utilizationTarget,
  });
  const usdPerHour = instances * instanceUsdPerHour;
  const byTime = side.prefillShare !== undefined;
  const inputCostShare = byTime
    ? (side.prefillShare ?? 0)
    : inTok + outTok > 0
      ? inTok / (inTok + outTok)
      : 0;
  const queriesPerHour = qps * 3600;
  return {
    kind: 'deployment',
    name: side.name,
    usdPer1MInputTokens: inTok > 0 ? ((usdPerHour * inputCostShare) / (queriesPerHour * inTok)) * 1e6 : null,
    usdPer1MOutputTokens:
      outTok > 0 ? ((usdPerHour * (1 - inputCostShare)) / (queriesPerHour * outTok)) * 1e6 : null,
    usdPerQuery: usdPerHour / queriesPerHour,
    usdPerHour,
    usdPerMonth: usdPerHour * HOURS_PER_MONTH,
    deployment: {
      instances,
      instanceUsdPerHour,
      gpu: side.gpu,
      latencySeconds: side.latencySeconds,
      batchSize: side.batchSize,
      utilizationTarget: side.utilizationTarget,
      maxQpsPerInstance: maxQps(side),
      inputCostShare,
      split: byTime ? 'prefill_decode_time' : 'tokens',
    },
  };
}

/** Queries per second one instance serves at its utilization target. */
function maxQps(d: DeploymentCandidate): number {
  return (d.batchSize * d.utilizationTarget) / d.latencySeconds;
}

/**
 * The break-even rate with whole instances. With `q1 = H / (3600 c)` (one instance's cost in
 * queries of API spend) and `Q = batch × utilization / latency` (one instance's capacity), n
 * instances serve rates in ((n−1)Q, nQ] and the API is cheaper there below n·q1; that range is
 * empty once n ≥ Q / (Q − q1). So the last n with an API-cheaper range is the largest whole n
 * below Q / (Q − q1), and above n·q1 the deployment is cheaper at every rate.
 */
export function breakEven(api: ApiCandidate, d: DeploymentCandidate): BreakEven {
  checkDeployment(d);
  const instanceUsdPerHour = d.gpu.count * d.gpu.usdPerGpuHour;
  const q1 = api.usdPerQuery > 0 ? instanceUsdPerHour / (3600 * api.usdPerQuery) : Number.POSITIVE_INFINITY;
  const capacity = maxQps(d);
  const base = { deployment: d.name, api: api.name, firstInstanceQps: q1 };
  if (!(q1 < capacity)) return { ...base, qps: null, instancesAtBreakEven: null };
  const ratio = capacity / (capacity - q1);
  const n = Number.isInteger(ratio) ? ratio - 1 : Math.floor(ratio);
  return { ...base, qps: n * q1, instancesAtBreakEven: n };
}

function beforeAfter(a: CandidateCost, b: CandidateCost): BeforeAfterRow[] {
  const row = (metric: BeforeAfterRow['metric'], before: number, after: number): BeforeAfterRow => ({
    metric,
    before,
    after,
    change: before === 0 ? null : (after - before) / before,
  });
  return [
    row('cost_usd_per_day', a.usdPerHour * 24, b.usdPerHour * 24),
    row('cost_usd_per_month', a.usdPerMonth, b.usdPerMonth),
    row('latency_s', a.deployment?.latencySeconds ?? 0, b.deployment?.latencySeconds ?? 0),
    row(
      'throughput_qps_per_instance',
      a.deployment?.maxQpsPerInstance ?? 0,
      b.deployment?.maxQpsPerInstance ?? 0,
    ),
    row('cost_usd_per_query', a.usdPerQuery, b.usdPerQuery),
  ];
}

function checkWorkload(w: CompareWorkload): void {
  if (!(Number.isFinite(w.qps) && w.qps > 0)) {
    throw new RangeError(`qps: expected a number > 0 (queries per second), got ${w.qps}`);
  }
  for (const key of ['inputTokensPerQuery', 'outputTokensPerQuery'] as const) {
    if (!(Number.isFinite(w[key]) && w[key] >= 0)) {
      throw new RangeError(`${key}: expected a number ≥ 0 (tokens per query), got ${w[key]}`);
    }
  }
  if (w.inputTokensPerQuery + w.outputTokensPerQuery <= 0) {
    throw new RangeError('inputTokensPerQuery + outputTokensPerQuery: expected > 0, got 0');
  }
}

function checkDeployment(d: DeploymentCandidate): void {
  if (!(Number.isFinite(d.latencySeconds) && d.latencySeconds > 0)) {
    throw new RangeError(`${d.name}: latencySeconds: expected a number > 0, got ${d.latencySeconds}`);
  }
  if (d.prefillShare !== undefined && !(d.prefillShare >= 0 && d.prefillShare <= 1)) {
    throw new RangeError(`${d.name}: prefillShare: expected a fraction in [0, 1], got ${d.prefillShare}`);
  }
  if (!(Number.isFinite(d.gpu.usdPerGpuHour) && d.gpu.usdPerGpuHour >= 0 && d.gpu.count > 0)) {
    throw new RangeError(
      `${d.name}: gpu: expected a count > 0 and a USD per GPU-hour ≥ 0, got ${d.gpu.count} × ${d.gpu.usdPerGpuHour}`,
    );
  }
}
