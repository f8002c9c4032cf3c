import { createCostProcessor, type PriceCard } from '@burnrate/cost-processor';
import type { LlmUsageRecord } from '@burnrate/sdk';

/** Output tokens of the probe that measures the output price at an input size. */
const OUTPUT_PROBE = 1_000_000;

/** Two per-token prices are the same tier when they agree to this relative difference. */
const SAME_PRICE = 1e-9;

/** USD per input token and per output token of a call of `input` tokens. */
interface Rates {
  input: number;
  output: number;
}

/**
 * The long-context threshold whose prices applied to a call: the input size T (the call had more
 * input tokens than T) above which the model's per-token prices change, e.g. 200,000 for
 * gemini-2.5-pro or the `long_context.threshold` of a card price; undefined when the call was
 * priced at the model's base prices.
 *
 * The pricer's result does not say which price tier it used, so this asks the same pricer: it
 * compares the per-token input and output prices of calls of n input tokens (no cache, standard
 * tier, without the card's multipliers, so only the model's own prices count) with those of a call
 * of the record's size, and bisects for the smallest n priced like the record (tiers are chosen by
 * the call's total input tokens: `input > T`). About 2 × log2(input) pricings, all offline.
 *
 * @param card the card the call was priced with.
 * @param record the call, as priced.
 */
export function longContextThreshold(card: PriceCard, record: LlmUsageRecord): number | undefined {
  const size = record.usage.input;
  if (!Number.isInteger(size) || size < 2) return undefined;
  const pricer = createCostProcessor({ priceCard: { ...card, multipliers: [] } });
  const { serviceTier: _standard, ...base } = record;
  const usd = (input: number, output: number): number | undefined => {
    const result = pricer.priceLlmCall({
      ...base,
      usage: { input, output, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    });
    return result.kind === 'priced' ? result.usd : undefined;
  };
  const rates = (input: number): Rates | undefined => {
    const inputOnly = usd(input, 0);
    const withOutput = usd(input, OUTPUT_PROBE);
    if (inputOnly === undefined || withOutput === undefined) return undefined;
    return { input: inputOnly / input, output: (withOutput - inputOnly) / OUTPUT_PROBE };
  };
  const target = rates(size);
  const smallest = rates(1);
  if (target === undefined || smallest === undefined || samePrices(smallest, target)) return undefined;
  // Invariant: a call of `lo` tokens is priced otherwise than the record, one of `hi` tokens alike.
  let lo = 1;
  let hi = size;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = rates(mid);
    if (r === undefined) return undefined;
    if (samePrices(r, target)) hi = mid;
    else lo = mid;
  }
  return lo;
}

function samePrices(a: Rates, b: Rates): boolean {
  const close = (x: number, y: number): boolean =>
    Math.abs(x - y) <= SAME_PRICE * Math.max(Math.abs(x), Math.abs(y));
  return close(a.input, b.input) && close(a.output, b.output);
}
