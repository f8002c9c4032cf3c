import type { Attributes } from '@burnrate/sdk';
import type { Budget } from '../../price-card/types.js';
import {
  budgetWindowOf,
  SpendHistory,
  type WindowSpend,
  WindowTracker,
  windowSpend,
} from './budget-window.js';

/** Label-style key (`gen_ai.request.model` → `gen_ai_request_model`), so scopes match either spelling. */
function labelKey(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** One budget's matchers and spend. */
interface Tracked {
  readonly budget: Budget;
  /** Scope entries: the key as written, its label spelling and the value. */
  readonly scope: ReadonlyArray<readonly [string, string, string]>;
  readonly window: WindowTracker;
  readonly history: SpendHistory;
  /** Every dollar this process spent in the budget's scope since it started (never pruned). */
  totalUsd: number;
}

/**
 * This process's spend per budget: every priced dollar is matched against each budget's scope and
 * kept in a one-minute {@link SpendHistory}, so spend in the window (rolling or calendar) and when it
 * resets are known at any instant. Instance state only; one per cost processor.
 */
export class BudgetSpend {
  readonly #tracked = new Map<string, Tracked>();

  constructor(budgets: readonly Budget[]) {
    for (const budget of budgets) {
      this.#tracked.set(budget.name, {
        budget,
        scope: Object.entries(budget.scope).map(([k, v]) => [k, labelKey(k), v] as const),
        window: new WindowTracker(budgetWindowOf(budget)),
        history: new SpendHistory(),
        totalUsd: 0,
      });
    }
  }

  /** True when the card has budgets (else {@link add} is not worth calling). */
  get active(): boolean {
    return this.#tracked.size > 0;
  }

  /** The budgets tracked, in card order. */
  budgets(): Budget[] {
    return [...this.#tracked.values()].map((t) => t.budget);
  }

  /**
   * Adds `usd` spent at `atMs` with the cost series' attributes (`caller` and, for the split hot
   * path, `owned`) to every budget whose scope they match. Never throws on odd attributes.
   */
  add(caller: Attributes, owned: Attributes | undefined, usd: number, atMs: number): void {
    if (!(usd > 0)) return;
    for (const t of this.#tracked.values()) {
      if (!t.scope.every(([k, label, v]) => scopeValue(caller, owned, k, label) === v)) continue;
      t.history.add(usd, atMs);
      t.totalUsd += usd;
    }
  }

  /** Local spend of budget `name` in its window at `nowMs`, with the window's bounds; undefined for an unknown name. */
  window(name: string, nowMs: number): WindowSpend | undefined {
    const t = this.#tracked.get(name);
    return t ? windowSpend(t.history, t.window, nowMs) : undefined;
  }

  /** Every dollar this process spent in budget `name`'s scope since it started (0 for an unknown name). */
  totalUsd(name: string): number {
    return this.#tracked.get(name)?.totalUsd ?? 0;
  }
}

/** The value of a scope key in the attributes, as written or in its label spelling. */
function scopeValue(
  caller: Attributes,
  owned: Attributes | undefined,
  key: string,
  label: string,
): string | undefined {
  const direct = owned?.[key] ?? caller[key];
  if (direct !== undefined) return String(direct);
  for (const attrs of [owned, caller]) {
    if (!attrs) continue;
    for (const k in attrs) if (labelKey(k) === label) return String(attrs[k]);
  }
  return undefined;
}
