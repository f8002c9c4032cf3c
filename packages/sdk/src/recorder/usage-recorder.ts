import { ATTR } from '@burnrate/semconv';
import { type MeterProvider, metrics, type Attributes as OtelAttributes } from '@opentelemetry/api';
import { type CallerAttributes, currentAttributes } from '../attributes/attribute-context.js';
import {
  CardinalityGuard,
  type CardinalityOptions,
  OVERFLOW_VALUE,
} from '../attributes/cardinality-guard.js';
import { copyAttributes } from '../attributes/copy-attributes.js';
import { type Clock, realClock } from '../clock.js';
import { GpuMeter } from '../gpu/gpu-meter.js';
import { type BurnrateLogger, createStderrLogger } from '../logger.js';
import type { CallPlan, CallRequestInit } from '../record/call-decision.js';
import { reportsTokens } from '../record/unit-usage.js';
import type { UsageProcessor } from '../record/usage-processor.js';
import type { Attributes, LlmUsageRecord, UsageRecord } from '../record/usage-record.js';
import { safely } from '../safe.js';
import { VERSION } from '../version.js';
import { createUsageInstruments, type UsageInstruments } from './instruments.js';
import { isNoopMeterProvider } from './noop-provider.js';
import { createOptionChecker } from './options.js';
import { ProcessorSet } from './processor-set.js';
import { recordUnitMetrics } from './unit-metrics.js';

/** Options of {@link createUsageRecorder}. */
export interface UsageRecorderOptions {
  /** Where the usage metrics go. Default: the global MeterProvider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /**
   * Processors that receive every {@link UsageRecord} (e.g. the cost processor). Each is started
   * with this recorder's `meterProvider`, clock and logger. Default: none.
   */
  processors?: readonly UsageProcessor[];
  /**
   * Where warnings go (this recorder's and its processors'). Default: the OpenTelemetry diag logger
   * plus a `BurnrateWarning` process warning on stderr.
   */
  logger?: BurnrateLogger;
  /** Attributes on every record and metric of this recorder (e.g. `{ service: 'api' }`). Default: none. */
  attributes?: CallerAttributes;
  /** The cardinality guard for caller attributes. Default: on, with its documented defaults. */
  cardinality?: CardinalityOptions;
  /** Time source for durations and GPU-seconds. Default: the real clock. */
  clock?: Clock;
  /** Also emit `gen_ai.client.token.usage` and `gen_ai.client.operation.duration`. Default false. */
  legacyMetrics?: boolean;
  /**
   * How often GPU reservations accrue GPU-seconds into metrics and records, in ms; they also
   * accrue on `forceFlush()` and on release. 0 turns the timer off. Default 10_000.
   */
  gpuAccrualIntervalMs?: number;
}

/** What an LLM wrapper reports about one call; the recorder adds time and attributes. */
export type LlmCall = Omit<LlmUsageRecord, 'kind' | 'timeMs' | 'attributes'> & {
  /** Caller attributes captured when the call started (see {@link UsageRecorder.captureAttributes}). */
  attributes?: CallerAttributes;
  /**
   * Attributes the pre-call decision added (`CallPlan.attributes`, burnrate's own keys such as
   * `burnrate.budget.action`): merged over the guarded caller attributes, not guarded themselves.
   */
  decisionAttributes?: Attributes;
};

/**
 * Options of `recorder.storage.set`. Only these keys are options; caller attributes go under
 * `attributes`. An unknown key from JavaScript is ignored with a diag warning.
 *
 * @example recorder.storage.set(120e9, { storageClass: 'vector_db', attributes: { tenant: 'acme' } })
 */
export interface StorageOptions {
  /** The storage class, priced per GB-month by the price card (`ssd`, `vector_db`, ...). Default `default`. */
  storageClass?: string;
  /**
   * Caller attributes (feature, tenant, ...): merged over the recorder's static attributes and the
   * current `withAttributes` (these win), then through the cardinality guard. Default: none.
   */
  attributes?: CallerAttributes;
}

/**
 * Options of `recorder.network.add`. Only these keys are options; caller attributes go under
 * `attributes`. An unknown key from JavaScript is ignored with a diag warning.
 *
 * @example recorder.network.add(bytes, { direction: 'receive', scope: 'inter_region', attributes: { feature: 'sync' } })
 */
export interface NetworkOptions {
  /** Which way the bytes went (`network.io.direction`). Default `transmit`. */
  direction?: 'transmit' | 'receive';
  /** Where they went, priced per GB by the price card (`internet`, `inter_region`, ...). Default `internet`. */
  scope?: string;
  /**
   * Caller attributes (feature, tenant, ...): merged over the recorder's static attributes and the
   * current `withAttributes` (these win), then through the cardinality guard. Default: none.
   */
  attributes?: CallerAttributes;
}

/**
 * Options of `recorder.cache.hit` and `recorder.cache.miss`: the LLM call a hit avoided (priced as
 * savings). Only these keys are options; caller attributes go under `attributes`. An unknown key
 * from JavaScript is ignored with a diag warning.
 *
 * @example recorder.cache.hit({ model: 'gpt-4o', provider: 'openai', attributes: { feature: 'faq' } })
 */
export interface CacheLookupOptions {
  /**
   * The model of the call a hit avoided (`gen_ai.request.model`); the cost processor prices a hit
   * as the average priced call of this model so far. Default: none (the hit is counted, no savings).
   */
  model?: string;
  /** The provider of that call; narrows the average to its calls. Default: none (any provider). */
  provider?: string;
  /**
   * Caller attributes (feature, tenant, ...): merged over the recorder's static attributes and the
   * current `withAttributes` (these win), then through the cardinality guard. Default: none.
   */
  attributes?: CallerAttributes;
}

const STORAGE_OPTION_KEYS: readonly (keyof StorageOptions)[] = ['storageClass'];
const NETWORK_OPTION_KEYS: readonly (keyof NetworkOptions)[] = ['direction', 'scope'];
const CACHE_OPTION_KEYS: readonly (keyof CacheLookupOptions)[] = ['model', 'provider'];

/** Records usage metrics and hands every usage record to its processors. */
export interface UsageRecorder {
  /** The recorder's clock. */
  readonly clock: Clock;
  /** GPU metering: `track`, `start`, `reserve`. */
  readonly gpu: GpuMeter;
  /** Storage levels: `set(bytes, { storageClass?, attributes? })`. */
  readonly storage: {
    /** Sets the bytes held now in a storage class (a level, not a delta). */
    set(bytes: number, options?: StorageOptions): void;
  };
  /** Network bytes: `add(bytes, { direction?, scope?, attributes? })`. */
  readonly network: {
    /** Adds bytes moved. */
    add(bytes: number, options?: NetworkOptions): void;
  };
  /** Application response-cache lookups: `hit({ model?, provider?, attributes? })`, `miss(...)`. */
  readonly cache: {
    /** Counts a lookup answered from the cache: an LLM call avoided. */
    hit(options?: CacheLookupOptions): void;
    /** Counts a lookup the cache could not answer. */
    miss(options?: CacheLookupOptions): void;
  };
  /** Revenue in USD, for ROI. */
  readonly revenue: {
    /**
     * Adds revenue in USD; `attributes` are caller attributes only (there are no options), as in
     * OpenTelemetry's `counter.add(value, attributes)`. Default: no attributes.
     */
    add(usd: number, attributes?: CallerAttributes): void;
  };
  /** Records one LLM call: token and duration metrics, then the processors. Never throws. */
  recordLlm(call: LlmCall): void;
  /**
   * Asks the processors what to do with a call about to be sent (allow, modify, reject; see
   * `UsageProcessor.beforeCall`), with the caller attributes captured for it. Without deciding
   * processors this is a plain `send` with no `callId`. Never throws: a failing decision sends the call.
   */
  decideCall(request: CallRequestInit, attributes: CallerAttributes): CallPlan;
  /** Tells the processors that the call decided under `callId` brings no record (it was never sent). */
  releaseCall(callId: string): void;
  /** The caller attributes in effect now (from `withAttributes`), to capture when a call starts. */
  captureAttributes(extra?: CallerAttributes): CallerAttributes;
  /** Lets more caller attribute keys past the guard's allow-list (used for wrappers' static attributes). */
  allowAttributes(keys: readonly string[]): void;
  /** The MeterProvider this recorder (and its processors) record on. */
  readonly meterProvider: MeterProvider;
  /** Adds a processor and starts it with this recorder's provider, clock and logger; it receives records made from now on. */
  addProcessor(processor: UsageProcessor): void;
  /** Accrues reservations and flushes processors. */
  forceFlush(): Promise<void>;
  /** Releases reservations, stops timers and shuts processors down. */
  shutdown(): Promise<void>;
}

/**
 * Creates a {@link UsageRecorder}. Bad options throw here; recording never throws.
 *
 * @example
 * const recorder = createUsageRecorder({ meterProvider, processors: [costProcessor] });
 * instrumentOpenAI(new OpenAI(), { recorder });
 */
export function createUsageRecorder(options: UsageRecorderOptions = {}): UsageRecorder {
  const clock = options.clock ?? realClock;
  const staticAttrs = { ...(options.attributes ?? {}) };
  const guard = new CardinalityGuard(options.cardinality, Object.keys(staticAttrs));
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  const meter = meterProvider.getMeter('@burnrate/sdk', VERSION);
  const inst: UsageInstruments = createUsageInstruments(meter, options.legacyMetrics ?? false);
  const processors = new ProcessorSet(
    {
      meterProvider,
      meterProviderIsReal: !isNoopMeterProvider(meterProvider),
      clock,
      logger: options.logger ?? createStderrLogger(),
      keepAttributeValues: (values) => {
        for (const [key, kept] of Object.entries(values)) guard.keep(key, kept);
      },
    },
    options.processors,
  );

  /** Static attributes, then context, then per-call: later wins; all through the guard. */
  const capture = (extra?: CallerAttributes): CallerAttributes =>
    copyAttributes(copyAttributes(copyAttributes({}, staticAttrs), currentAttributes()), extra);
  const resolveCaptured = (captured: CallerAttributes): Attributes =>
    safely('guarding attributes', () => guard.guard(captured)) ?? {};

  const resolve = (extra?: CallerAttributes): Attributes => resolveCaptured(capture(extra));
  /** Free-text values of named attributes (workload, storage class, network scope) pass the guard's cap too. */
  // Per call: a try instead of a safely() closure (this runs twice per LLM call).
  const guardModel = (key: string, name: string): string => {
    try {
      return guard.guardModel(key, name);
    } catch {
      return OVERFLOW_VALUE;
    }
  };
  const guardValue = (key: string, value: unknown): string => {
    return (
      safely('guarding an attribute value', () => guard.guardValue(key, String(value))) ?? OVERFLOW_VALUE
    );
  };

  // Drops by the guard and the meter are counted on /metrics and warned about once on the logger.
  guard.reportTo((cause, id, message) => processors.dropped.note(cause, id, message));
  const emit = (record: UsageRecord, metric: () => void): void => {
    try {
      metric();
    } catch (err) {
      processors.dropped.drop('meter', 'recording a usage metric', err);
    }
    processors.dispatch(record);
  };

  const checkOptions = createOptionChecker();
  // Call ids: unique per recorder (a counter) and across recorders sharing a processor (a prefix).
  const callIdPrefix = Math.random().toString(36).slice(2, 8);
  let callCount = 0;
  // The guarded attributes a decision was made on, by the captured object the wrapper hands back
  // to recordLlm: the record carries what the processors decided on, and the guard counts its drops
  // once per call, not twice.
  const decidedAttributes = new WeakMap<CallerAttributes, Attributes>();

  const gpu = new GpuMeter({
    clock,
    instruments: inst,
    resolve,
    checkOptions,
    guardValue,
    emit,
    accrualIntervalMs: options.gpuAccrualIntervalMs ?? 10_000,
  });

  return {
    clock,
    meterProvider,
    gpu,
    storage: {
      set(bytes, options) {
        safely('storage.set', () => {
          if (!isNonNegative(bytes)) return invalid('storage.set', bytes);
          const caller = checkOptions('recorder.storage.set', options, STORAGE_OPTION_KEYS);
          const storageClass = guardValue(ATTR.storageClass, options?.storageClass ?? 'default');
          const a = resolve(caller);
          emit({ kind: 'storage', timeMs: clock.now(), attributes: a, storageClass, bytes }, () =>
            inst.storage.record(bytes, { ...a, [ATTR.storageClass]: storageClass }),
          );
        });
      },
    },
    network: {
      add(bytes, options) {
        safely('network.add', () => {
          if (!isNonNegative(bytes)) return invalid('network.add', bytes);
          const caller = checkOptions('recorder.network.add', options, NETWORK_OPTION_KEYS);
          const direction = options?.direction === 'receive' ? 'receive' : 'transmit';
          const scope = guardValue(ATTR.networkScope, options?.scope ?? 'internet');
          const a = resolve(caller);
          emit({ kind: 'network', timeMs: clock.now(), attributes: a, direction, scope, bytes }, () =>
            inst.network.add(bytes, { ...a, [ATTR.networkDirection]: direction, [ATTR.networkScope]: scope }),
          );
        });
      },
    },
    cache: {
      hit: (options) => cacheLookup('hit', options),
      miss: (options) => cacheLookup('miss', options),
    },
    revenue: {
      add(usd, attributes) {
        safely('revenue.add', () => {
          if (!isNonNegative(usd)) return invalid('revenue.add', usd);
          const a = resolve(attributes);
          emit({ kind: 'revenue', timeMs: clock.now(), attributes: a, usd }, () => inst.revenue.add(usd, a));
        });
      },
    },
    recordLlm(call) {
      safely('recording an LLM call', () => {
        const captured = call.attributes;
        const a =
          (captured !== undefined && callCount > 0 ? decidedAttributes.get(captured) : undefined) ??
          resolveCaptured(captured ?? capture());
        // One copy of the call, not an object rest (`{ attributes, ...rest }` is a slow runtime
        // path in V8) and a second spread: its `attributes` lands in the literal's slot, then is
        // replaced, so keys and their order are as they were.
        const record = { kind: 'llm', timeMs: clock.now(), attributes: a, ...call } as LlmUsageRecord;
        record.attributes = a;
        const added = call.decisionAttributes;
        if (added !== undefined) {
          // Decided calls only: burnrate's own keys after the guard (which refuses them as caller keys).
          record.attributes = copyAttributes(copyAttributes({}, a), added);
          delete (record as LlmCall).decisionAttributes;
        }
        emit(record, () => recordLlmMetrics(inst, record, guardModel));
      });
    },
    decideCall(request, attributes) {
      const sendAsIs = (): CallPlan => ({
        kind: 'send',
        callId: undefined,
        model: request.model,
        maxOutputTokens: request.maxOutputTokens,
        attributes: undefined,
      });
      if (!processors.decides) return sendAsIs();
      try {
        callCount += 1;
        const callId = `${callIdPrefix}-${callCount}`;
        const guarded = resolveCaptured(attributes);
        if (attributes !== null && typeof attributes === 'object') decidedAttributes.set(attributes, guarded);
        return processors.decide({ ...request, callId, attributes: guarded });
      } catch (err) {
        processors.dropped.drop('processor', 'deciding on a call', err);
        return sendAsIs();
      }
    },
    releaseCall(callId) {
      safely('releasing a call', () => processors.release(callId));
    },
    captureAttributes: capture,
    allowAttributes(keys) {
      guard.allow(keys);
    },
    addProcessor(processor) {
      processors.add(processor);
    },
    async forceFlush() {
      gpu.accrue();
      await processors.forceFlush();
    },
    async shutdown() {
      gpu.close();
      await processors.shutdown();
    },
  };

  function cacheLookup(result: 'hit' | 'miss', options: CacheLookupOptions | undefined) {
    safely(`cache.${result}`, () => {
      const caller = checkOptions(`recorder.cache.${result}`, options, CACHE_OPTION_KEYS);
      const a = resolve(caller);
      const record: UsageRecord = { kind: 'cache', timeMs: clock.now(), attributes: a, result };
      if (options?.model !== undefined) record.model = String(options.model);
      if (options?.provider !== undefined) record.provider = String(options.provider);
      const metricAttrs: OtelAttributes = { ...a, [ATTR.cacheResult]: result };
      if (record.model) metricAttrs[ATTR.requestModel] = record.model;
      emit(record, () => inst.cacheRequests.add(1, metricAttrs));
    });
  }
}

/** The metric attributes of an LLM call: GenAI semconv keys plus the caller's. */
export function llmMetricAttributes(record: LlmUsageRecord): OtelAttributes {
  const a: OtelAttributes = copyAttributes({}, record.attributes);
  a[ATTR.operationName] = record.operation;
  a[ATTR.providerName] = record.provider;
  a[ATTR.requestModel] = record.requestModel;
  if (record.responseModel !== undefined) a[ATTR.responseModel] = record.responseModel;
  if (record.serverAddress !== undefined) a[ATTR.serverAddress] = record.serverAddress;
  if (record.serverPort !== undefined) a[ATTR.serverPort] = record.serverPort;
  return a;
}

function recordLlmMetrics(
  inst: UsageInstruments,
  record: LlmUsageRecord,
  guardModel: (key: string, name: string) => string,
): void {
  const a = llmMetricAttributes(record);
  // Model names are free text from the caller and the provider: capped like caller attributes, on
  // the metrics only (the record keeps the real name, which pricing needs).
  a[ATTR.requestModel] = guardModel(ATTR.requestModel, record.requestModel);
  if (record.responseModel !== undefined)
    a[ATTR.responseModel] = guardModel(ATTR.responseModel, record.responseModel);
  const durationAttrs = record.errorType ? { ...a, [ATTR.errorType]: record.errorType } : a;
  inst.duration.record(record.durationS, durationAttrs);
  inst.legacyOperationDuration?.record(record.durationS, durationAttrs);
  if (record.timeToFirstChunkS !== undefined) inst.timeToFirstChunk.record(record.timeToFirstChunkS, a);
  if (record.usageSource === 'missing') return;
  if (record.units !== undefined) recordUnitMetrics(inst, record.units, a);
  const u = record.usage;
  // Calls billed only in other units (DALL·E, tts-1, whisper-1) have no token counts to show.
  if (!reportsTokens(u, record.units)) return;
  // Zero-valued adds still create the series, so a model with no cache reads shows 0, not absence.
  inst.inputTokens.add(u.input, a);
  // Embeddings have input only; zero output and cache series for them would be noise.
  if (record.operation !== 'embeddings') {
    inst.outputTokens.add(u.output, a);
    inst.cacheReadTokens.add(u.cacheRead, a);
  }
  if (u.cacheWrite > 0) inst.cacheWriteTokens.add(u.cacheWrite, a);
  if (u.reasoning > 0) inst.reasoningTokens.add(u.reasoning, a);
  if (inst.legacyTokenUsage) {
    inst.legacyTokenUsage.record(u.input, { ...a, [ATTR.tokenType]: 'input' });
    inst.legacyTokenUsage.record(u.output, { ...a, [ATTR.tokenType]: 'output' });
  }
}

function isNonNegative(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

function invalid(what: string, value: unknown): void {
  throw new RangeError(`${what}: expected a finite number >= 0, got ${JSON.stringify(value)}`);
}
