import type { Attributes, CallDecision, CallRequest, LlmUsageRecord } from '@burnrate/sdk';
import { ATTR, COST_METRIC } from '@burnrate/semconv';
import { BudgetExceededError } from '../../budgets/budget-exceeded-error.js';
import type { Budget, BudgetEnforcement } from '../../price-card/types.js';
import type { TokenPricer } from '../pricing/token-pricer.js';
import { InputTokenCounter } from './input-tokens.js';

/** What a budget decided about one call (`burnrate.budget.action` on `burnrate.budget.decisions`). */
export type BudgetAction = 'allow' | BudgetEnforcement['action'];

/** The actions, in the order metrics and reports list them. */
export const BUDGET_ACTIONS: readonly BudgetAction[] = ['allow', 'block', 'downgrade', 'cap_output', 'warn'];

/** What a decision reads of a budget's spend: the spend source's reading (local or fleet). */
export interface SpendReading {
  /** USD spent in the budget's window. */
  spentUsd: number;
  /** When spend in the window drops (calendar boundary, or the oldest spend ageing out). */
  resetsAtMs: number | undefined;
  /** The card asks to block because the fleet's spend is unknown (`budgets_source.fail: closed`). */
  failClosed?: boolean;
}

/** What {@link BudgetEnforcer} works with: the processor's budgets, pricer, spend and clock. */
export interface BudgetEnforcerOptions {
  budgets: readonly Budget[];
  pricer: TokenPricer;
  /** "Spent so far" of a budget: the one function a decision reads it from. */
  spend(name: string, nowMs: number): SpendReading | undefined;
  clock(): number;
  warn(key: string, message: string): void;
}

/** What enforcement did for one budget since the processor started (the report's budget section). */
export interface BudgetEnforcementStatus {
  action: BudgetEnforcement['action'];
  /** Decisions by action (`allow` when the call fitted). */
  decisions: Record<BudgetAction, number>;
  /** Calls refused, and the sum of their estimates: dollars not spent. */
  blocked: { calls: number; usd: number };
  /**
   * Calls sent to `downgrade_to`, and what they saved: their real usage priced at the requested
   * model minus its price at the model used (summed when their records arrive).
   */
  downgraded: { calls: number; usd: number };
  /** Calls whose output cap was lowered, and the most that saved: the cut tokens at the output price. */
  capped: { calls: number; usd: number };
  /** Calls that did not fit a `warn` budget (sent unchanged). */
  warned: number;
}

/** Where one budget stands now, for the budget gauges. */
export interface BudgetNow {
  budget: Budget;
  spentUsd: number;
  reservedUsd: number;
  /** amount − spent − reserved, never below 0. */
  remainingUsd: number;
}

interface Tracked {
  readonly budget: Budget;
  readonly enforce: BudgetEnforcement | undefined;
  /** Scope entries as label names (so `gen_ai.request.model` and `gen_ai_request_model` match). */
  readonly scope: ReadonlyArray<readonly [string, string]>;
  reservedUsd: number;
  /** Reservations held; when it drops to 0, `reservedUsd` is set to exactly 0 (no float residue). */
  held: number;
  readonly status: BudgetEnforcementStatus | undefined;
}

interface Reservation {
  readonly usd: number;
  readonly budgets: readonly Tracked[];
  /** Set for a downgraded call: the model asked for and the budget that downgraded it. */
  readonly downgrade?: { readonly from: string; readonly by: Tracked };
}

/** Label-style key, as the budget spend and the rules spell scope keys. */
function labelKey(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Budgets that act before a call is sent (docs/budgets-enforcement.md). A call fits a budget when
 * spent + reserved + its estimate ≤ the amount; the check and the reservation happen in one
 * synchronous step, so concurrent calls cannot both take the last dollars. The estimate is the
 * request's input tokens (see {@link InputTokenCounter}) and its output cap (or the budget's
 * `default_max_output_tokens`), priced by the processor's own pricer with no cache reads. The
 * reservation is held until the call's record arrives (then its real cost is in the spend) or the
 * call is released. Instance state only: one per cost processor.
 */
export class BudgetEnforcer {
  readonly #tracked: Tracked[];
  readonly #enforcing: Tracked[];
  readonly #reservations = new Map<string, Reservation>();
  readonly #counter = new InputTokenCounter();
  readonly #o: BudgetEnforcerOptions;

  constructor(options: BudgetEnforcerOptions) {
    this.#o = options;
    this.#tracked = options.budgets.map((budget) => ({
      budget,
      enforce: budget.enforce,
      scope: Object.entries(budget.scope).map(([k, v]) => [labelKey(k), v] as const),
      reservedUsd: 0,
      held: 0,
      status: budget.enforce ? emptyStatus(budget.enforce.action) : undefined,
    }));
    this.#enforcing = this.#tracked.filter((t) => t.enforce !== undefined);
  }

  /** True when some budget enforces (else the processor needs no `beforeCall`). */
  get active(): boolean {
    return this.#enforcing.length > 0;
  }

  /** The decision on a call about to be sent; undefined (allow) when no enforcing budget's scope matches. */
  decide(request: CallRequest): CallDecision | undefined {
    const matching = this.#enforcing.filter((t) => matches(t, request));
    if (matching.length === 0) return undefined;
    const now = this.#o.clock();
    const input = this.#counter.count(request.model, request.operation, request.content).tokens;
    const requestedCap = request.maxOutputTokens;
    const assumed = Math.max(...matching.map((t) => t.enforce?.defaultMaxOutputTokens ?? 0));
    const estimate = (model: string, output: number): number | undefined =>
      this.#price(request, model, input, output, now);
    const readings = new Map<Tracked, SpendReading>();
    const room = (t: Tracked): number => {
      let r = readings.get(t);
      if (!r) {
        r = this.#o.spend(t.budget.name, now) ?? { spentUsd: 0, resetsAtMs: undefined };
        readings.set(t, r);
      }
      return r.failClosed ? Number.NEGATIVE_INFINITY : t.budget.amountUsd - r.spentUsd - t.reservedUsd;
    };

    let model = request.model;
    let cap = requestedCap ?? (request.operation === 'embeddings' ? 0 : assumed);
    const original = estimate(model, cap);
    if (original === undefined) {
      this.#o.warn(
        `enforce-unpriced|${request.provider}/${model}`,
        `budgets cannot enforce on ${request.provider}/${model}: it has no price (calls to it are sent unchecked); price it in the card`,
      );
      return undefined;
    }
    const actions = new Map<Tracked, BudgetAction>();
    let downgradedBy: Tracked | undefined;
    for (const t of matching) {
      const e = t.enforce;
      if (e?.action !== 'downgrade') continue;
      const usd = estimate(model, cap);
      if (usd !== undefined && usd <= room(t)) continue;
      actions.set(t, 'downgrade');
      if (model !== e.downgradeTo && downgradedBy === undefined) {
        model = e.downgradeTo;
        downgradedBy = t;
      }
    }
    let cappedBy: { t: Tracked; usdCut: number } | undefined;
    for (const t of matching) {
      const e = t.enforce;
      if (e?.action !== 'cap_output') continue;
      const usd = estimate(model, cap);
      if (usd !== undefined && usd <= room(t)) continue;
      const fit = this.#fittingOutput(request, model, input, cap, room(t), now);
      const lowered = Math.min(cap, e.maxOutputTokens ?? cap, fit);
      if (!(lowered >= 1)) return this.#block(t, readings, estimate(model, 1) ?? 0, original);
      actions.set(t, 'cap_output');
      const before = estimate(model, cap) ?? 0;
      cap = lowered;
      cappedBy = { t, usdCut: before - (estimate(model, cap) ?? 0) };
    }
    const final = estimate(model, cap) ?? original;
    for (const t of matching) {
      const e = t.enforce;
      if (e?.action === 'block' && !(final <= room(t))) return this.#block(t, readings, final, original);
      if (e?.action === 'warn' && !(final <= room(t))) {
        actions.set(t, 'warn');
        this.#o.warn(
          `enforce-warn|${t.budget.name}`,
          `budget ${t.budget.name} would be exceeded by a call to ${model} (enforce: warn; the call was sent; further ones are counted in ${COST_METRIC.budgetDecisions})`,
        );
      }
    }

    // Reserve on every matching budget, in the same synchronous step as the checks above.
    const reservation: Reservation = downgradedBy
      ? { usd: final, budgets: matching, downgrade: { from: request.model, by: downgradedBy } }
      : { usd: final, budgets: matching };
    this.#reservations.set(request.callId, reservation);
    for (const t of matching) {
      t.reservedUsd += final;
      t.held += 1;
      const action = actions.get(t) ?? 'allow';
      const s = t.status;
      if (!s) continue;
      s.decisions[action] += 1;
      if (action === 'downgrade' && t === downgradedBy) s.downgraded.calls += 1;
      if (action === 'cap_output' && cappedBy?.t === t) {
        s.capped.calls += 1;
        s.capped.usd += cappedBy.usdCut;
      }
      if (action === 'warn') s.warned += 1;
    }
    const changedCap = cap !== (requestedCap ?? (request.operation === 'embeddings' ? 0 : assumed));
    if (model === request.model && !changedCap) return { action: 'allow' };
    const attributes: Attributes = { [ATTR.budgetAction]: downgradedBy ? 'downgrade' : 'cap_output' };
    return changedCap
      ? { action: 'modify', model, maxOutputTokens: cap, attributes }
      : { action: 'modify', model, attributes };
  }

  /**
   * Settles the reservation of the call `record` ends, if any: its real cost is already in the
   * spend (the ledger feeds it), so the estimate is given back. For a downgraded call, adds what the
   * downgrade saved: the same usage at the requested model's price minus the price paid.
   */
  settle(record: LlmUsageRecord): void {
    const id = record.callId;
    if (id === undefined) return;
    const r = this.#take(id);
    const d = r?.downgrade;
    if (!d?.by.status) return;
    const paid = this.#o.pricer.price(record);
    const asked = this.#o.pricer.price({ ...record, requestModel: d.from, responseModel: d.from });
    if (paid.kind === 'priced' && asked.kind === 'priced' && asked.usd > paid.usd)
      d.by.status.downgraded.usd += asked.usd - paid.usd;
  }

  /** Gives back the reservation of a call that brings no record. */
  release(callId: string): void {
    this.#take(callId);
  }

  /** Where every budget stands now (reserved is 0 for budgets that do not enforce). */
  now(): BudgetNow[] {
    const nowMs = this.#o.clock();
    return this.#tracked.map((t) => {
      const spentUsd = this.#o.spend(t.budget.name, nowMs)?.spentUsd ?? 0;
      const left = t.budget.amountUsd - spentUsd - t.reservedUsd;
      return {
        budget: t.budget,
        spentUsd,
        reservedUsd: t.reservedUsd,
        remainingUsd: Number.isFinite(left) && left > 0 ? left : 0,
      };
    });
  }

  /** What enforcement did for budget `name`; undefined for a budget without `enforce`. */
  status(name: string): BudgetEnforcementStatus | undefined {
    const s = this.#tracked.find((t) => t.budget.name === name)?.status;
    return s && structuredClone(s);
  }

  #take(callId: string): Reservation | undefined {
    const r = this.#reservations.get(callId);
    if (!r) return undefined;
    this.#reservations.delete(callId);
    for (const t of r.budgets) {
      t.held -= 1;
      t.reservedUsd = t.held > 0 ? t.reservedUsd - r.usd : 0;
    }
    return r;
  }

  /** Refuses the call for budget `t` (the error carries no part of the request: it may hold prompt text). */
  #block(
    t: Tracked,
    readings: ReadonlyMap<Tracked, SpendReading>,
    estimateUsd: number,
    originalUsd: number,
  ): CallDecision {
    const r = readings.get(t);
    if (t.status) {
      t.status.decisions.block += 1;
      t.status.blocked.calls += 1;
      t.status.blocked.usd += originalUsd;
    }
    // No spend in a rolling window yet (the call alone, or calls in flight, fill the budget): the
    // spend made now ages out one window from now, so that is when the budget is whole again.
    const resetsAtMs = r?.resetsAtMs ?? this.#o.clock() + t.budget.windowSeconds * 1000;
    return {
      action: 'reject',
      error: new BudgetExceededError({
        budget: t.budget.name,
        scope: t.budget.scope,
        spentUsd: r?.spentUsd ?? 0,
        reservedUsd: t.reservedUsd,
        limitUsd: t.budget.amountUsd,
        estimateUsd,
        resetsAt: new Date(resetsAtMs),
      }),
    };
  }

  /** The most output tokens whose estimate fits in `room` dollars (0 when not even the input fits). */
  #fittingOutput(
    request: CallRequest,
    model: string,
    input: number,
    cap: number,
    room: number,
    now: number,
  ): number {
    const base = this.#price(request, model, input, 0, now);
    if (base === undefined || !(room >= base)) return 0;
    const probe = Math.max(cap, 1);
    const top = this.#price(request, model, input, probe, now) ?? base;
    const perToken = (top - base) / probe;
    if (!(perToken > 0)) return cap;
    let fit = Math.min(cap, Math.floor((room - base) / perToken));
    // Rounding can leave the estimate a hair over the room: step down until it fits.
    while (fit >= 1 && (this.#price(request, model, input, fit, now) ?? 0) > room) fit -= 1;
    return fit;
  }

  #price(
    request: CallRequest,
    model: string,
    input: number,
    output: number,
    now: number,
  ): number | undefined {
    const result = this.#o.pricer.price({
      kind: 'llm',
      timeMs: now,
      attributes: request.attributes,
      provider: request.provider,
      operation: request.operation,
      requestModel: model,
      usage: { input, cacheRead: 0, cacheWrite: 0, output, reasoning: 0 },
      usageSource: 'provider',
      durationS: 0,
      streaming: request.streaming,
    });
    return result.kind === 'priced' ? result.usd : undefined;
  }
}

function emptyStatus(action: BudgetEnforcement['action']): BudgetEnforcementStatus {
  return {
    action,
    decisions: { allow: 0, block: 0, downgrade: 0, cap_output: 0, warn: 0 },
    blocked: { calls: 0, usd: 0 },
    downgraded: { calls: 0, usd: 0 },
    capped: { calls: 0, usd: 0 },
    warned: 0,
  };
}

/** Whether the call's attributes (and its provider, model, operation) match the budget's scope. */
function matches(t: Tracked, request: CallRequest): boolean {
  if (t.scope.length === 0) return true;
  const own: Record<string, string> = {
    [labelKey(ATTR.providerName)]: request.provider,
    [labelKey(ATTR.requestModel)]: request.model,
    [labelKey(ATTR.operationName)]: request.operation,
  };
  for (const [label, value] of t.scope) {
    let got: unknown = own[label];
    if (got === undefined) {
      for (const k in request.attributes) {
        if (labelKey(k) === label) {
          got = request.attributes[k];
          break;
        }
      }
    }
    if (got === undefined || String(got) !== value) return false;
  }
  return true;
}
