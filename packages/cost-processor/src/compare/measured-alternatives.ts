import { matchesPattern } from '@burnrate/semconv';
import type { DeploymentCapacity } from '../capacity/capacity-tracker.js';
import type { ModelSpend } from '../internal/ledger/ledger.js';
import { gpuHourPrice } from '../internal/pricing/unit-pricers.js';
import type { Deployment, PriceCard } from '../price-card/types.js';
import { type Comparison, compare, type DeploymentCandidate } from './compare.js';

/**
 * Comparisons of each serving deployment with its measured alternatives, for the report's GPU
 * recommendations. Deployments with GPUs are grouped by the model they serve; the one serving the
 * most queries is the current one, and it is compared, at its observed QPS, with every other
 * deployment of the group whose latency was observed (a canary on other GPUs, an INT8 build) and
 * with its own GPUs on spot when the card has a spot price for them. Tokens per query come from the
 * ledger's calls of that model (they set the per-token numbers, not the monthly difference).
 * Empty when nothing was measured.
 */
export function measuredAlternatives(
  card: PriceCard,
  capacities: readonly DeploymentCapacity[],
  models: readonly ModelSpend[],
): Comparison[] {
  const measured = new Map(capacities.map((c) => [c.deployment, c]));
  const groups = new Map<string, Deployment[]>();
  for (const d of card.deployments) {
    if (!d.gpu) continue;
    const key = d.model ?? '*';
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const out: Comparison[] = [];
  for (const [model, group] of groups) {
    const served = group
      .map((d) => ({ d, c: measured.get(d.name) }))
      .filter((x) => x.c !== undefined && x.c.qps > 0 && x.c.latencySeconds > 0)
      .sort((x, y) => (y.c?.qps ?? 0) - (x.c?.qps ?? 0));
    const current = served[0];
    if (!current?.c) continue;
    const workload = { qps: current.c.qps, ...tokensPerQuery(model, models) };
    const side = (d: Deployment, latencySeconds: number, spot = false): DeploymentCandidate | undefined => {
      if (!d.gpu) return undefined;
      const price = spot ? gpuHourPrice(card, d.gpu.model, 'spot') : undefined;
      if (spot && !price) return undefined;
      return {
        kind: 'deployment',
        name: spot ? `${d.name}@spot` : d.name,
        ...(d.model !== undefined ? { model: d.model } : {}),
        gpu: {
          model: d.gpu.model,
          count: d.gpu.count,
          market: spot ? 'spot' : d.gpu.market,
          usdPerGpuHour: price?.usdPerHour ?? d.gpu.usdPerGpuHour,
        },
        batchSize: d.batchSize,
        utilizationTarget: d.utilizationTarget,
        latencySeconds,
      };
    };
    const base = side(current.d, current.c.latencySeconds);
    if (!base) continue;
    for (const alt of served.slice(1)) {
      const other = side(alt.d, alt.c?.latencySeconds ?? 0);
      if (other) out.push(compare(workload, base, other));
    }
    if (current.d.gpu?.market !== 'spot') {
      const spot = side(current.d, current.c.latencySeconds, true);
      if (spot) out.push(compare(workload, base, spot));
    }
  }
  return out;
}

/** Mean input and output tokens per call of the models a deployment serves (1 input token when none). */
function tokensPerQuery(
  model: string,
  models: readonly ModelSpend[],
): { inputTokensPerQuery: number; outputTokensPerQuery: number } {
  let calls = 0;
  let input = 0;
  let output = 0;
  for (const m of models) {
    if (model !== '*' && !matchesPattern(model, m.model)) continue;
    calls += m.calls;
    input += m.inputTokens;
    output += m.outputTokens;
  }
  if (calls === 0 || input + output === 0) return { inputTokensPerQuery: 1, outputTokensPerQuery: 0 };
  return { inputTokensPerQuery: input / calls, outputTokensPerQuery: output / calls };
}
