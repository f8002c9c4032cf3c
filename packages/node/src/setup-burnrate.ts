import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CostProcessor,
  type CostProcessorOptions,
  createCostProcessor,
  type PriceCard,
  type PriceCardInput,
} from '@burnrate/cost-processor';
import {
  type BurnrateLogger,
  type CallerAttributes,
  type CardinalityOptions,
  type Clock,
  createUsageRecorder,
  type InstrumentAnthropicOptions,
  type InstrumentOpenAIOptions,
  instrumentAnthropic,
  instrumentOpenAI,
  type UsageProcessor,
  type UsageRecorder,
} from '@burnrate/sdk';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { readOtelEnv } from './otel-env.js';
import { type ServedMetrics, serveMetrics } from './serve-metrics.js';

/** Options of {@link setupBurnrate}. Every one is optional. */
export interface SetupOptions {
  /**
   * The price card of the cost processor setup always creates: a loaded card, a YAML/JSON path or an
   * object. Default: the shipped defaults (catalog token prices, the default GPU/storage/network table).
   */
  priceCard?: PriceCard | PriceCardInput | string;
  /**
   * The Prometheus `/metrics` endpoint, or `false` for none. `host` default `127.0.0.1` (pass
   * `0.0.0.0` to expose it beyond this machine); `port` default 9464, 0 picks a free port;
   * `endpoint` default `/metrics`. `serve: false` starts no server: mount `metricsHandler` on
   * your own HTTP server instead. Default `serve: true`.
   */
  prometheus?: { host?: string; port?: number; endpoint?: string; serve?: boolean } | false;
  /**
   * OTLP/HTTP (JSON) metrics to a collector. `url` is the full metrics URL; default
   * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`.
   * `headers` default `OTEL_EXPORTER_OTLP_HEADERS`. `intervalMs` default `OTEL_METRIC_EXPORT_INTERVAL`,
   * else 60000. Default: on when one of those endpoint variables is set, off otherwise; `false` turns it off.
   */
  otlp?: { url?: string; intervalMs?: number; headers?: Record<string, string> } | false;
  /** `service.name` of the resource. Default `OTEL_SERVICE_NAME`, else `burnrate-app`. `OTEL_RESOURCE_ATTRIBUTES` is merged in. */
  serviceName?: string;
  /** Attributes on every record (e.g. `{ service: 'api' }`). Default: none. */
  attributes?: CallerAttributes;
  /** Cardinality guard options. Default: on, with its defaults. */
  cardinality?: CardinalityOptions;
  /** Clock for durations, GPU-seconds and accruals (recorder and cost processor). Default: the real clock. */
  clock?: Clock;
  /**
   * More processors for every usage record; each is started with this setup's MeterProvider, clock
   * and logger. A cost processor given here replaces the one setup would create. Default: none.
   */
  processors?: readonly UsageProcessor[];
  /** Where warnings go. Default: the OpenTelemetry diag logger plus a `BurnrateWarning` on stderr. */
  logger?: BurnrateLogger;
  /** Emit the legacy GenAI metrics too. Default false. */
  legacyMetrics?: boolean;
}

/** A ready burnrate pipeline. */
export interface Burnrate {
  /** The usage recorder: pass it to wrappers, or use its `gpu`, `storage`, `network`, `cache`, `revenue`. */
  recorder: UsageRecorder;
  /** The cost processor: `report()`, `capacity()`, the loaded `priceCard`. */
  costs: CostProcessor;
  /** The MeterProvider every burnrate metric is recorded on (not registered globally). */
  meterProvider: MeterProvider;
  /** The URL Prometheus should scrape, when burnrate serves the endpoint itself. */
  metricsUrl: string | undefined;
  /**
   * Answers a Prometheus scrape on your own server (e.g. `app.get('/metrics', metricsHandler)`);
   * undefined when `prometheus` is false.
   */
  metricsHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Instruments an openai client in place with this pipeline's recorder. */
  instrumentOpenAI<T extends object>(client: T, options?: Omit<InstrumentOpenAIOptions, 'recorder'>): T;
  /** Instruments an Anthropic client in place with this pipeline's recorder. */
  instrumentAnthropic<T extends object>(client: T, options?: Omit<InstrumentAnthropicOptions, 'recorder'>): T;
  /** Accrues and flushes records and metrics (pushes OTLP now). */
  forceFlush(): Promise<void>;
  /** Flushes, stops the endpoint and shuts the pipeline down. Safe to call twice. */
  shutdown(): Promise<void>;
}

/**
 * Sets burnrate up in one call: a MeterProvider with a Prometheus endpoint (127.0.0.1:9464 by
 * default) and/or OTLP, a usage recorder on it and the cost processor, so `/metrics` carries tokens
 * and dollars together. Follows `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`
 * and `OTEL_METRIC_EXPORT_INTERVAL`; explicit options win. Registers nothing globally.
 *
 * @throws PriceCardError for an invalid card, BurnrateError for an invalid `OTEL_*` value, before
 *   anything is started.
 */
export async function setupBurnrate(options: SetupOptions = {}): Promise<Burnrate> {
  const env = readOtelEnv();
  const extra = options.processors ?? [];
  const givenCosts = extra.find(isCostProcessor);
  const costOptions: CostProcessorOptions = {
    ...(options.priceCard !== undefined && { priceCard: options.priceCard }),
  };
  // Built first: an invalid card throws before anything is started.
  const costs = givenCosts ?? createCostProcessor(costOptions);

  const readers: MetricReader[] = [];
  let exporter: PrometheusExporter | undefined;
  if (options.prometheus !== false) {
    exporter = new PrometheusExporter({ preventServerStart: true });
    readers.push(exporter);
  }
  const otlp = options.otlp;
  if (otlp !== false && (otlp !== undefined || env.otlpConfigured)) {
    readers.push(
      new PeriodicExportingMetricReader({
        // Unset fields fall back to the exporter's own reading of OTEL_EXPORTER_OTLP_*.
        exporter: new OTLPMetricExporter({
          ...(otlp?.url !== undefined && { url: otlp.url }),
          ...(otlp?.headers !== undefined && { headers: otlp.headers }),
        }),
        exportIntervalMillis: otlp?.intervalMs ?? env.exportIntervalMs ?? 60_000,
      }),
    );
  }
  const resource = resourceFromAttributes({ 'service.name': 'burnrate-app' })
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(
      options.serviceName !== undefined
        ? resourceFromAttributes({ 'service.name': options.serviceName })
        : null,
    );
  const meterProvider = new MeterProvider({ resource, readers });
  const recorder = createUsageRecorder({
    meterProvider,
    processors: [costs, ...extra.filter((p) => p !== costs)],
    ...(options.attributes && { attributes: options.attributes }),
    ...(options.cardinality && { cardinality: options.cardinality }),
    ...(options.clock && { clock: options.clock }),
    ...(options.logger && { logger: options.logger }),
    legacyMetrics: options.legacyMetrics ?? false,
  });
  // Served last: invalid options above throw before a port is taken.
  let served: ServedMetrics | undefined;
  const p = options.prometheus === false ? undefined : (options.prometheus ?? {});
  if (exporter && p && p.serve !== false) {
    try {
      served = await serveMetrics(exporter, p.host ?? '127.0.0.1', p.port ?? 9464, p.endpoint ?? '/metrics');
    } catch (error) {
      await recorder.shutdown();
      await meterProvider.shutdown();
      throw error;
    }
  }
  let closed = false;
  return {
    recorder,
    costs,
    meterProvider,
    metricsUrl: served?.url,
    metricsHandler: exporter ? exporter.getMetricsRequestHandler.bind(exporter) : undefined,
    instrumentOpenAI: (client, opts) => instrumentOpenAI(client, { ...opts, recorder }),
    instrumentAnthropic: (client, opts) => instrumentAnthropic(client, { ...opts, recorder }),
    async forceFlush() {
      await recorder.forceFlush();
      await meterProvider.forceFlush();
    },
    async shutdown() {
      if (closed) return;
      closed = true;
      await recorder.shutdown();
      await meterProvider.shutdown();
      await served?.close();
    },
  };
}

function isCostProcessor(p: UsageProcessor): p is CostProcessor {
  return (
    typeof (p as Partial<CostProcessor>).report === 'function' &&
    typeof (p as Partial<CostProcessor>).priceLlmCall === 'function'
  );
}
