import {
  BurnrateError,
  type BurnrateLogger,
  type Clock,
  createStderrLogger,
  type LlmUsageRecord,
  type ProcessorContext,
  type UsageProcessor,
  type UsageRecord,
} from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import type { MeterProvider } from '@opentelemetry/api';
import { CapacityTracker, type DeploymentCapacity } from '../capacity/capacity-tracker.js';
import { measuredAlternatives } from '../compare/measured-alternatives.js';
import { BudgetEnforcer } from '../internal/budgets/budget-enforcer.js';
import { BudgetSpend } from '../internal/budgets/budget-spend.js';
import { type BudgetSpendReading, createBudgetSpendSource } from '../internal/budgets/fleet-spend.js';
import { CostLedger, type LedgerBounds } from '../internal/ledger/ledger.js';
import { priceEnergy } from '../internal/pricing/energy-pricer.js';
import { TokenPricer } from '../internal/pricing/token-pricer.js';
import type { TokenPriceResult } from '../internal/pricing/types.js';
import { createBudgetInstruments } from '../internal/processor/budget-instruments.js';
import { createCostInstruments } from '../internal/processor/cost-instruments.js';
import { HeldGpus } from '../internal/processor/held-gpus.js';
import { type CallCostSink, RecordCosts } from '../internal/processor/record-costs.js';
import { TimeAccrual } from '../internal/processor/time-accrual.js';
import { OnceWarnings } from '../internal/processor/warnings.js';
import { loadPriceCard } from '../price-card/load-price-card.js';
import type { PriceCardInput } from '../price-card/schema.js';
import type { PriceCard } from '../price-card/types.js';
import { buildReport } from '../report/build-report.js';
import { FailedCallCounter } from '../report/failed-calls.js';
import type { CostReport } from '../report/types.js';

/** Options of {@link createCostProcessor}. */
export interface CostProcessorOptions {
  /** The price card: a loaded card, a file path (YAML/JSON) or an object. Default: defaults only. */
  priceCard?: PriceCard | PriceCardInput | string;
  /**
   * Where the dollar metrics are recorded. Default: the MeterProvider of the recorder this processor
   * is added to (`processors: [...]` or `addProcessor`), which is what you want nearly always.
   */
  meterProvider?: MeterProvider;
  /**
   * Clock in ms since epoch; accrues storage and fixed costs and drives sliding windows. Default: the
   * recorder's clock (the real clock until the processor is added to one).
   */
  clock?: (() => number) | Clock;
  /**
   * Warnings (one per unknown model, GPU, scope or tier, and miswiring). Default: the recorder's
   * logger, which by default is the OpenTelemetry diag logger plus a `BurnrateWarning` on stderr.
   */
  logger?: BurnrateLogger;
  /**
   * Label sets kept per dollar metric (`burnrate.cost.usd`, savings, unpriced usage); later new ones
   * are summed in one series with `otel.metric.overflow="true"`, so `/metrics` keeps every dollar
   * within the OpenTelemetry SDK's cardinality limit (2000 per instrument by default; raise both
   * together). A warning on stderr says when it happens. Default 1998.
   */
  maxSeriesPerMetric?: number;
}

/**
 * A {@link UsageProcessor} that prices usage records and records the dollar metrics. When the card
 * has budgets with `enforce`, it also has `beforeCall` and `releaseCall`: it decides on each wrapped
 * call before it is sent (block, downgrade, cap_output, warn; docs/budgets-enforcement.md).
 */
export interface CostProcessor extends UsageProcessor {
  /** The loaded price card. */
  readonly priceCard: PriceCard;
  /** Binds to the recorder it is added to: its MeterProvider, clock and logger (explicit options win). */
  start(context: ProcessorContext): void;
  /** Prices and records one usage record. Never throws. */
  onUsage(record: UsageRecord): void;
  /** Prices an LLM call without recording it. */
  priceLlmCall(record: LlmUsageRecord): TokenPriceResult;
  /** The cost report from the ledger, with storage and fixed costs accrued up to now. */
  report(): CostReport;
  /** Observed QPS, latency and required instances per deployment of the card. */
  capacity(): DeploymentCapacity[];
  /**
   * What budget `name` has spent in its window now, and when it resets: this process's spend, or
   * with `budgets_source` the fleet's (Prometheus at the last refresh + this process's spend since).
   * Undefined for a name the card has not. Never throws.
   */
  budgetSpend(name: string): BudgetSpendReading | undefined;
  /** Reads the fleet's spend from `budgets_source` now (the processor does it every `refresh`). */
  refreshBudgets(): Promise<void>;
  /** Accrues storage and fixed costs up to now. */
  forceFlush(): Promise<void>;
  /** Accrues up to now and stops accepting records. */
  shutdown(): Promise<void>;
}

/** Marks cost processors, so a second one on the same provider does not count every dollar twice. */
const COST_PROCESSOR = Symbol.for('@burnrate/cost-processor');

/**
 * Creates the cost processor. Add it to a recorder (`createUsageRecorder({ processors: [costs] })`,
 * `recorder.addProcessor(costs)` or `setupBurnrate` of `@burnrate/node`): it then records its dollar
 * metrics on that recorder's MeterProvider, next to the token metrics.
 *
 * @throws PriceCardError when the price card is invalid (never at record time).
 */
export function createCostProcessor(options: CostProcessorOptions = {}): CostProcessor {
  const card = loadPriceCard(options.priceCard);
  const given = options.clock;
  let clock: () => number = typeof given === 'function' ? given : given ? () => given.now() : Date.now;
  let logger: BurnrateLogger | undefined = options.logger;
  const warnings = new OnceWarnings(() => {
    logger ??= createStderrLogger();
    return logger;
  });

  const maxSeries = options.maxSeriesPerMetric;
  if (maxSeries !== undefined && !(Number.isInteger(maxSeries) && maxSeries >= 1)) {
    throw new BurnrateError(
      `maxSeriesPerMetric: expected a whole number ≥ 1, got ${JSON.stringify(maxSeries)} — fix: leave it out (1998, inside the SDK's default limit of 2000) or raise it with the SDK's cardinality limit`,
    );
  }
  const budgetSpend = new BudgetSpend(card.budgets);
  const ledgerBounds: LedgerBounds = {
    ...(maxSeries !== undefined && { maxSeries }),
    // Budgets count every priced dollar in their window (the ledger keeps totals, not time).
    ...(budgetSpend.active && {
      onCost: (caller, owned, usd) => budgetSpend.add(caller, owned, usd, clock()),
    }),
    onOverflow: (metric, max) =>
      warnings.warn(
        `overflow|${metric}`,
        `the ${metric} metric passed ${max} label sets; new ones are summed in one series with otel.metric.overflow="true" — totals stay exact, but those dollars carry no model, feature or tenant labels (lower label cardinality, or raise maxSeriesPerMetric with the SDK's cardinality limit)`,
      ),
  };
  let ledger = new CostLedger(clock(), ledgerBounds);
  const spendSource = createBudgetSpendSource({
    local: budgetSpend,
    source: card.budgetsSource,
    clock: () => clock(),
    warn: (key, message) => warnings.warn(key, message),
  });
  // Failed calls are among the ledger's calls but are not queries; the report counts them apart.
  let failedCalls = new FailedCallCounter();
  let recorded = false;
  let bound: 'explicit' | 'recorder' | 'none' | undefined;
  let sink: CallCostSink | undefined;
  let shutDown = false;

  const pricer = new TokenPricer(card);
  // Budgets with `enforce` decide on calls before they are sent, reading spend from the spend source.
  const enforcer = new BudgetEnforcer({
    budgets: card.budgets,
    pricer,
    spend: (name, nowMs) => spendSource.read(name, nowMs),
    clock: () => clock(),
    warn: (key, message) => warnings.warn(key, message),
  });
  const capacityTracker = new CapacityTracker(card.deployments);
  const heldGpus = new HeldGpus(card);
  const accrual = new TimeAccrual(card, () => ledger, clock());
  const costs = new RecordCosts(
    card,
    pricer,
    () => ledger,
    capacityTracker,
    warnings,
    () => sink,
  );

  const bind = (meterProvider: MeterProvider): void => {
    sink = createCostInstruments(meterProvider.getMeter('@burnrate/cost-processor', '0.1.0'), {
      card,
      ledger: () => ledger,
      heldGpus,
      capacity: capacityTracker,
      accrueNow: () => accrual.accrue(clock()),
      nowMs: () => clock(),
    });
    if (card.budgets.length > 0)
      createBudgetInstruments(meterProvider.getMeter('@burnrate/cost-processor', '0.1.0'), enforcer);
  };
  if (options.meterProvider) {
    bind(options.meterProvider);
    bound = 'explicit';
  }

  const processor: CostProcessor & { [COST_PROCESSOR]: true } = {
    [COST_PROCESSOR]: true,
    priceCard: card,
    start(context) {
      logger ??= context.logger;
      // Budgets and deployments select spend by caller attributes: those keys and values must
      // never be dropped or folded into `other` by the recorder's guard, or the budget stays at $0.
      try {
        context.keepAttributeValues(scopedValues(card));
      } catch (error) {
        warnings.warn(
          'scope',
          `a budget or deployment scope cannot be kept as an attribute: ${String(error)}`,
        );
      }
      if (given === undefined && !recorded) {
        // Adopt the recorder's clock (a manual one in tests) before anything was accounted.
        clock = () => context.clock.now();
        ledger = new CostLedger(clock(), ledgerBounds);
        failedCalls = new FailedCallCounter();
        accrual.restart(clock());
      }
      if (!shutDown) spendSource.start();
      if (bound !== undefined) return;
      if (!context.meterProviderIsReal) {
        bound = 'none';
        warnings.warn(
          'no-provider',
          'the cost processor was added to a recorder with no MeterProvider (none given, none registered globally): dollars reach report() but not /metrics. Pass createUsageRecorder({ meterProvider }) or use setupBurnrate() from @burnrate/node.',
        );
        return;
      }
      const twin = context
        .peers()
        .some((p) => (p as Partial<Record<typeof COST_PROCESSOR, true>>)[COST_PROCESSOR] === true);
      if (twin) {
        bound = 'none';
        warnings.warn(
          'twin',
          'a second cost processor was added to the same recorder: it keeps its own report() but records no dollar metrics, which would count every dollar twice on /metrics (setupBurnrate() already has one: use burnrate.costs).',
        );
        return;
      }
      bind(context.meterProvider);
      bound = 'recorder';
    },
    onUsage(record) {
      if (shutDown) return;
      if (bound === undefined) {
        bound = 'none';
        warnings.warn(
          'unbound',
          'the cost processor received a record without being added to a recorder and without a meterProvider: dollars reach report() but no metrics. Add it with createUsageRecorder({ processors: [costs] }) or recorder.addProcessor(costs).',
        );
      }
      recorded = true;
      try {
        switch (record.kind) {
          case 'llm':
            try {
              costs.llm(record, clock());
              failedCalls.add(record);
            } finally {
              // After the ledger took the real cost into the budgets' spend: the estimate goes back.
              enforcer.settle(record);
            }
            break;
          case 'gpu':
            costs.gpu(record);
            break;
          case 'gpu_reservation':
            heldGpus.onReservation(record);
            break;
          case 'storage':
            accrual.setLevel(record, clock(), storageKey(record.storageClass, record.attributes));
            break;
          case 'network':
            costs.network(record);
            break;
          case 'cache':
            costs.cache(record);
            break;
          case 'revenue':
            ledger.addRevenue(record.usd);
            break;
          case 'energy': {
            const energy = priceEnergy(card, record);
            if (energy) ledger.addCost('gpu', 'card', energy.attributes, energy.usd);
            break;
          }
        }
      } catch (error) {
        warnings.warn(
          `error|${String(error)}`,
          `cost processor failed on a ${record.kind} record: ${String(error)}`,
        );
      }
    },
    priceLlmCall(record) {
      return pricer.price(record);
    },
    report() {
      const now = clock();
      accrual.accrue(now);
      const snap = ledger.snapshot();
      const report = buildReport(
        card,
        snap,
        now,
        failedCalls.snapshot(),
        (name) => budgetSpend.window(name, now),
        measuredAlternatives(card, capacityTracker.current(now), snap.models),
      );
      for (const b of report.budgets) {
        const enforcement = enforcer.status(b.name);
        if (enforcement) b.enforcement = enforcement;
      }
      return report;
    },
    capacity() {
      return capacityTracker.current(clock());
    },
    budgetSpend(name) {
      return spendSource.read(name, clock());
    },
    refreshBudgets() {
      return spendSource.refresh();
    },
    async forceFlush() {
      accrual.accrue(clock());
      warnings.flushSuppressed();
    },
    async shutdown() {
      accrual.accrue(clock());
      warnings.flushSuppressed();
      spendSource.stop();
      shutDown = true;
    },
  };
  if (enforcer.active) {
    // Only with enforcing budgets: without a beforeCall the recorder asks nothing before a call.
    processor.beforeCall = (request) => (shutDown ? undefined : enforcer.decide(request));
    processor.releaseCall = (callId) => enforcer.release(callId);
  }
  return processor;
}

/** The caller attribute values the card's budgets and deployments are scoped on (not burnrate's own keys). */
function scopedValues(card: PriceCard): Record<string, string[]> {
  const own = new Set<string>(Object.values(ATTR));
  const out: Record<string, string[]> = {};
  for (const { scope } of [...card.budgets, ...card.deployments]) {
    for (const [key, value] of Object.entries(scope)) {
      if (own.has(key)) continue;
      out[key] = [...(out[key] ?? []), value];
    }
  }
  return out;
}

/** One storage level per class and attribute set (storage levels change rarely: not a hot path). */
function storageKey(storageClass: string, attributes: Readonly<Record<string, unknown>>): string {
  return JSON.stringify([storageClass, Object.entries(attributes).sort()]);
}
