import type { Comparison } from '../compare/compare.js';
import type { LedgerSnapshot } from '../internal/ledger/ledger.js';
import type { PriceCard } from '../price-card/types.js';
import { formatUsd } from './format-report.js';
import type { ComponentCost, Recommendation } from './types.js';

/** GPU share above which GPU recommendations fire. */
export const GPU_SHARE_THRESHOLD = 0.5;
/** API share above which API recommendations fire. */
export const API_SHARE_THRESHOLD = 0.3;
/** GPU cost saved by INT8 quantization (half the GPU memory and GPUs; seed document figure). */
export const INT8_GPU_SAVINGS = 0.5;

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/**
 * The report rules: GPU share > 50 %: INT8 quantization, a cheaper GPU, dynamic batching, spot;
 * API share > 30 %: caching, an open model, batching. Dollars where the data allows: a measured
 * comparison of deployments (`comparisons`) where there is one, else the seed's percentages.
 */
export function recommend(
  card: PriceCard,
  snap: LedgerSnapshot,
  components: Record<'api' | 'gpu', ComponentCost>,
  comparisons: readonly Comparison[] = [],
): Recommendation[] {
  const out: Recommendation[] = [];
  const gpu = components.gpu;
  if (gpu.share > GPU_SHARE_THRESHOLD) {
    const gpuStart = out.length;
    const rule = `gpu share ${pct(gpu.share)} > ${pct(GPU_SHARE_THRESHOLD)}`;
    out.push({
      id: 'gpu.int8_quantization',
      rule,
      action: 'Quantize self-hosted models to INT8: about half the GPU memory, so about half the GPUs.',
      estimatedSavingsUsd: gpu.usd * INT8_GPU_SAVINGS,
      basis: `${pct(INT8_GPU_SAVINGS)} of GPU spend (typical INT8 saving; verify quality on your eval set)`,
    });
    out.push(cheaperGpu(card, snap, rule));
    out.push({
      id: 'gpu.dynamic_batching',
      rule,
      action:
        'Enable dynamic (continuous) batching in the model server to raise GPU utilization; size it with requiredInstances().',
    });
    out.push(spot(card, snap, rule));
    for (const rec of out.slice(gpuStart)) applyMeasured(rec, comparisons);
  }
  const api = components.api;
  if (api.share > API_SHARE_THRESHOLD) {
    const rule = `api share ${pct(api.share)} > ${pct(API_SHARE_THRESHOLD)}`;
    const caching: Recommendation = {
      id: 'api.caching',
      rule,
      action:
        'Cache frequent queries (application response cache) and keep long shared prompt prefixes first for prompt caching.',
    };
    const lookups = snap.cacheHits + snap.cacheMisses;
    if (lookups > 0) caching.basis = `response-cache hit rate so far ${pct(snap.cacheHits / lookups)}`;
    out.push(caching);
    out.push({
      id: 'api.open_model',
      rule,
      action:
        'Evaluate an open model on your own GPUs for high-volume calls; compare cost per query in this report.',
    });
    out.push(batching(snap, rule));
  }
  return out;
}

/** Which GPU recommendation a cheaper alternative deployment is an instance of. */
function strategyOf(c: Comparison): 'gpu.spot' | 'gpu.cheaper_gpu' | 'gpu.int8_quantization' | undefined {
  const a = c.candidates[0].deployment?.gpu;
  const b = c.candidates[1].deployment?.gpu;
  if (!a || !b) return undefined;
  if (a.model === b.model && a.count === b.count && a.market !== b.market) return 'gpu.spot';
  if (a.model !== b.model) return 'gpu.cheaper_gpu';
  // The same GPU model with a different GPU set or serving numbers: a smaller (quantized) build.
  return 'gpu.int8_quantization';
}

/** `2 × L4 on_demand` for a deployment side. */
function gpuSet(c: Comparison['candidates'][number]): string {
  const d = c.deployment;
  return d ? `${d.instances} × ${d.gpu.count} ${d.gpu.model.toUpperCase()} ${d.gpu.market}` : c.name;
}

/**
 * Replaces a GPU recommendation's percentage estimate with the best measured comparison of its
 * kind, when one saves money: "int8-1xl4 (1 × 1 L4 on_demand) instead of fp16-2xl4 … saves $X/month".
 */
function applyMeasured(rec: Recommendation, comparisons: readonly Comparison[]): void {
  let best: Comparison | undefined;
  for (const c of comparisons) {
    if (!c.beforeAfter || !(c.monthlyDifferenceUsd > 0) || strategyOf(c) !== rec.id) continue;
    if (!best || c.monthlyDifferenceUsd > best.monthlyDifferenceUsd) best = c;
  }
  if (!best) return;
  const [a, b] = best.candidates;
  const latency = best.beforeAfter?.find((r) => r.metric === 'latency_s');
  rec.action = `Serve ${b.name} (${gpuSet(b)}) instead of ${a.name} (${gpuSet(a)}): ${formatUsd(best.monthlyDifferenceUsd)}/month less at the observed ${Number(best.workload.qps.toPrecision(4))} queries/s.`;
  rec.estimatedMonthlySavingsUsd = best.monthlyDifferenceUsd;
  delete rec.estimatedSavingsUsd;
  rec.basis = `measured: compare of ${a.name} and ${b.name} at the observed QPS${latency ? ` and latencies ${Number(latency.before.toPrecision(4))} s → ${Number(latency.after.toPrecision(4))} s` : ''}, instances from the capacity formula (one instance = the deployment's GPU set), 30-day month`;
}

function cheaperGpu(card: PriceCard, snap: LedgerSnapshot, rule: string): Recommendation {
  const rec: Recommendation = {
    id: 'gpu.cheaper_gpu',
    rule,
    action: 'Evaluate a cheaper GPU (for example T4 or L4 instead of A100) for models that fit its memory.',
  };
  let savings = 0;
  const parts: string[] = [];
  for (const g of snap.gpus) {
    let best: { key: string; usdPerHour: number } | undefined;
    for (const [key, prices] of Object.entries(card.gpu)) {
      const p = prices[g.market];
      if (p && p.usdPerHour < g.usdPerHour && (!best || p.usdPerHour < best.usdPerHour)) {
        best = { key, usdPerHour: p.usdPerHour };
      }
    }
    if (best) {
      savings += (g.gpuSeconds * (g.usdPerHour - best.usdPerHour)) / 3600;
      parts.push(`${g.gpu} ${g.market} → ${best.key} at $${best.usdPerHour}/h`);
    }
  }
  if (parts.length > 0) {
    rec.estimatedSavingsUsd = savings;
    rec.basis = `same GPU-hours on the cheapest GPU in the price card (${parts.join('; ')}); an upper bound if the model fits`;
  }
  return rec;
}

function spot(card: PriceCard, snap: LedgerSnapshot, rule: string): Recommendation {
  const rec: Recommendation = {
    id: 'gpu.spot',
    rule,
    action:
      'Run interruptible work (batch jobs, fine-tuning with checkpoints, replicas behind a queue) on spot GPUs.',
  };
  let savings = 0;
  let priced = false;
  for (const g of snap.gpus) {
    if (g.market !== 'on_demand') continue;
    const spotPrice = card.gpu[g.gpu]?.spot;
    if (!spotPrice) continue;
    priced = true;
    savings += (g.gpuSeconds * (g.usdPerHour - spotPrice.usdPerHour)) / 3600;
  }
  if (priced) {
    rec.estimatedSavingsUsd = savings;
    rec.basis = 'on-demand GPU-hours at the price card’s spot prices';
  }
  return rec;
}

function batching(snap: LedgerSnapshot, rule: string): Recommendation {
  const rec: Recommendation = {
    id: 'api.batching',
    rule,
    action:
      'Send latency-tolerant calls through the Batch API or the flex tier (half price at OpenAI and Anthropic).',
  };
  let savings = 0;
  let any = false;
  for (const m of snap.models) {
    if (m.batchFactor === undefined || m.standardTierUsd <= 0) continue;
    any = true;
    savings += m.standardTierUsd * (1 - m.batchFactor);
  }
  if (any) {
    rec.estimatedSavingsUsd = savings;
    rec.basis =
      'standard-tier catalog spend at batch prices; an upper bound (only latency-tolerant calls qualify)';
  }
  return rec;
}
