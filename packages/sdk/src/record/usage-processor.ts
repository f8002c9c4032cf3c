import type { MeterProvider } from '@opentelemetry/api';
import type { Clock } from '../clock.js';
import type { BurnrateLogger } from '../logger.js';
import type { CallDecision, CallRequest } from './call-decision.js';
import type { UsageRecord } from './usage-record.js';

/**
 * What a recorder gives each processor added to it, the way a MeterProvider gives a MetricReader
 * its producer: the processor records its own metrics on the recorder's provider, with its clock
 * and logger, so no wiring can record to a provider nobody reads.
 */
export interface ProcessorContext {
  /** The recorder's MeterProvider (the global one when the recorder was given none). */
  readonly meterProvider: MeterProvider;
  /**
   * False when that provider is OpenTelemetry's no-op (no `meterProvider` given and no global one
   * registered): metrics recorded on it go nowhere.
   */
  readonly meterProviderIsReal: boolean;
  /** The recorder's clock. */
  readonly clock: Clock;
  /** The recorder's logger (stderr and diag by default). */
  readonly logger: BurnrateLogger;
  /** The processors attached before this one, so a processor can refuse to record the same metrics twice. */
  peers(): readonly UsageProcessor[];
  /**
   * Makes the recorder's cardinality guard always keep these caller attribute keys and values (for
   * example the scopes of budgets): the keys join the allow-list and the values are never dropped or
   * folded into `other`, so what a processor selects on is always there.
   *
   * @throws BurnrateError for a key that cannot be a Prometheus label.
   */
  keepAttributeValues(values: Readonly<Record<string, readonly string[]>>): void;
}

/** Receives every usage record, like a span processor in OpenTelemetry tracing. */
export interface UsageProcessor {
  /**
   * Called once when the processor is added to a recorder (`processors` or `addProcessor`), before
   * any record. Must not throw (the recorder isolates it if it does).
   */
  start?(context: ProcessorContext): void;
  /** Called synchronously for each record; must not throw (the recorder isolates it if it does). */
  onUsage(record: UsageRecord): void;
  /**
   * Called synchronously before a wrapped call is sent, in the order processors were added (each
   * sees the changes of the ones before): allow, modify or reject it. Whatever a processor takes for
   * the call (a budget reservation) it settles when the record with `callId === request.callId`
   * arrives in {@link onUsage}, or gives back in {@link releaseCall}. A throw, or anything but a
   * {@link CallDecision}, allows the call (counted and warned about by the recorder). Default: allow.
   */
  beforeCall?(request: CallRequest): CallDecision | undefined;
  /**
   * The call decided under `callId` will bring no record: a later processor rejected it, or the
   * client threw before sending. Release what {@link beforeCall} took for it. Must not throw.
   */
  releaseCall?(callId: string): void;
  /** Flushes buffered state. */
  forceFlush?(): Promise<void>;
  /** Releases resources; no records arrive afterwards. */
  shutdown?(): Promise<void>;
}
