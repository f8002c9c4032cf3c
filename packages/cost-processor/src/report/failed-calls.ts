import type { LlmUsageRecord } from '@burnrate/sdk';
import type { FailedLlmCalls } from './types.js';

/** Models whose failed calls are counted apart; past it, failures count in the report's total only. */
export const FAILED_CALL_MODELS_LIMIT = 1000;

/**
 * Counts the failed LLM calls (those with an `error.type`, as the inference-duration histogram
 * labels them) by provider and model, for the report: they are among the ledger's calls but are not
 * queries. Bounded: at most {@link FAILED_CALL_MODELS_LIMIT} models, then one unattributed count.
 */
export class FailedCallCounter {
  readonly #byModel = new Map<string, FailedLlmCalls>();
  #unattributed = 0;

  /** Counts the record when the call failed. */
  add(record: LlmUsageRecord): void {
    if (!record.errorType) return;
    // The ledger's model key: the response model, else the requested one.
    const model = record.responseModel ?? record.requestModel;
    const key = JSON.stringify([record.provider, model]);
    const entry = this.#byModel.get(key);
    if (entry) entry.calls += 1;
    else if (this.#byModel.size < FAILED_CALL_MODELS_LIMIT)
      this.#byModel.set(key, { provider: record.provider, model, calls: 1 });
    else this.#unattributed += 1;
  }

  /** The counts so far (failures past the model limit under provider and model `""`). */
  snapshot(): FailedLlmCalls[] {
    const out = [...this.#byModel.values()].map((f) => ({ ...f }));
    if (this.#unattributed > 0) out.push({ provider: '', model: '', calls: this.#unattributed });
    return out;
  }
}
