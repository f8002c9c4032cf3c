import type { GpuMarket, LlmUsageRecord } from '@burnrate/sdk';
import { catalogProviderOf } from '../internal/pricing/genai-prices-adapter.js';
import { TokenPricer } from '../internal/pricing/token-pricer.js';
import { gpuHourPrice } from '../internal/pricing/unit-pricers.js';
import type { Deployment, PriceCard } from '../price-card/types.js';
import type { ApiCandidate, CompareWorkload, DeploymentCandidate } from './compare.js';

/** Why a comparison side could not be built; the message names the input and the fix. */
export class CompareInputError extends RangeError {
  /** The offending input, e.g. `--deployment` or `deployments[0].gpu`. */
  readonly input: string;
  constructor(input: string, message: string) {
    super(`${input}: ${message}`);
    this.input = input;
  }
}

const MARKETS: readonly GpuMarket[] = ['on_demand', 'spot', 'reserved'];

/** A deployment reference: `NAME` or `NAME@market` (the same GPU set priced on another market). */
export interface DeploymentRef {
  name: string;
  market?: GpuMarket;
}

/**
 * Parses `NAME` or `NAME@spot` (`on_demand`, `spot`, `reserved`).
 *
 * @throws CompareInputError naming `--deployment` for an unknown market.
 */
export function parseDeploymentRef(text: string): DeploymentRef {
  const at = text.lastIndexOf('@');
  if (at <= 0) return { name: text };
  const market = text.slice(at + 1).replace('-', '_') as GpuMarket;
  if (!MARKETS.includes(market)) {
    throw new CompareInputError(
      '--deployment',
      `expected NAME or NAME@MARKET with a market of ${MARKETS.join(', ')}, got ${JSON.stringify(text)}`,
    );
  }
  return { name: text.slice(0, at), market };
}

/**
 * The card's deployment `ref.name` as a comparison side, with its GPU set priced on `ref.market`
 * (default: the card's market) and the latency measured for it.
 *
 * @throws CompareInputError when the deployment is not in the card, has no `gpu`, or its GPU has no
 *   price on that market.
 */
export function deploymentCandidate(
  card: PriceCard,
  ref: DeploymentRef,
  measured: { latencySeconds: number; prefillShare?: number },
): DeploymentCandidate {
  const d = findDeployment(card, ref.name);
  if (!d.gpu) {
    throw new CompareInputError(
      `deployments[${card.deployments.indexOf(d)}].gpu`,
      `deployment "${d.name}" declares no GPUs; add gpu: { model: L4, count: 2, market: on_demand } to it in the card`,
    );
  }
  const market = ref.market ?? d.gpu.market;
  let usdPerGpuHour = d.gpu.usdPerGpuHour;
  if (market !== d.gpu.market) {
    const price = gpuHourPrice(card, d.gpu.model, market);
    if (!price) {
      throw new CompareInputError(
        '--deployment',
        `GPU ${d.gpu.model} of "${d.name}" has no ${market} price; add gpu: { ${d.gpu.model}: { ${market}: <USD per GPU-hour> } } to the card`,
      );
    }
    usdPerGpuHour = price.usdPerHour;
  }
  return {
    kind: 'deployment',
    name: ref.market !== undefined ? `${d.name}@${market}` : d.name,
    ...(d.model !== undefined ? { model: d.model } : {}),
    gpu: { model: d.gpu.model, count: d.gpu.count, market, usdPerGpuHour },
    batchSize: d.batchSize,
    utilizationTarget: d.utilizationTarget,
    latencySeconds: measured.latencySeconds,
    ...(measured.prefillShare !== undefined ? { prefillShare: measured.prefillShare } : {}),
  };
}

/**
 * The card's deployment named `name`.
 *
 * @throws CompareInputError listing the card's deployments when there is none by that name.
 */
export function findDeployment(card: PriceCard, name: string): Deployment {
  const d = card.deployments.find((x) => x.name === name);
  if (d) return d;
  const names = card.deployments.map((x) => x.name);
  throw new CompareInputError(
    '--deployment',
    `no deployment ${JSON.stringify(name)} in the price card; ${names.length > 0 ? `it declares ${names.join(', ')}` : 'it declares none (add deployments: [{ name, model, batch_size, utilization_target, gpu: { model, count, market } }])'}`,
  );
}

/**
 * An API model as a comparison side, priced by the cost processor's pricer (explicit card price,
 * multiplier, catalog): one query of the workload, and per 1M input and output tokens at the
 * workload's tokens per query (so per-request tiers such as long-context prices apply as they would).
 * `model` may be `provider/model`; the provider defaults to the catalog's.
 *
 * @throws CompareInputError naming `--api` when the model is unpriced.
 */
export function apiCandidate(
  card: PriceCard,
  model: string,
  workload: CompareWorkload,
  provider?: string,
): ApiCandidate {
  const slash = model.indexOf('/');
  const bare = provider === undefined && slash > 0 ? model.slice(slash + 1) : model;
  const providerId = provider ?? (slash > 0 ? model.slice(0, slash) : (catalogProviderOf(model) ?? 'openai'));
  const pricer = new TokenPricer(card);
  const price = (input: number, output: number): { usd: number; source: string; matchedModel: string } => {
    const record: LlmUsageRecord = {
      kind: 'llm',
      timeMs: 0,
      attributes: {},
      provider: providerId,
      operation: 'chat',
      requestModel: bare,
      usage: { input, cacheRead: 0, cacheWrite: 0, output, reasoning: 0 },
      usageSource: 'provider',
      durationS: 0,
      streaming: false,
    };
    const r = pricer.price(record);
    if (r.kind === 'unpriced') {
      throw new CompareInputError(
        '--api',
        `${model} (provider ${providerId}) is unpriced (${r.reason}): ${r.detail}`,
      );
    }
    return { usd: r.usd, source: r.source, matchedModel: r.matchedModel };
  };
  const { inputTokensPerQuery: inTok, outputTokensPerQuery: outTok } = workload;
  const query = price(inTok, outTok);
  // Per-1M prices at the workload's context length; 1000 tokens stand in for a direction it lacks.
  const inputSample = inTok > 0 ? inTok : 1000;
  const outputSample = outTok > 0 ? outTok : 1000;
  return {
    kind: 'api',
    name: `${providerId}/${bare}`,
    model: bare,
    provider: providerId,
    usdPer1MInput: (price(inputSample, 0).usd / inputSample) * 1e6,
    usdPer1MOutput: ((price(inTok, outputSample).usd - price(inTok, 0).usd) / outputSample) * 1e6,
    usdPerQuery: query.usd,
    source: query.source,
    matchedModel: query.matchedModel,
  };
}
