import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { type InstrumentAnthropicOptions, instrumentAnthropic } from './anthropic/instrument-anthropic.js';
import type { CallerAttributes } from './attributes/attribute-context.js';
import type { CardinalityOptions } from './attributes/cardinality-guard.js';
import type { Clock } from './clock.js';
import { type InstrumentOpenAIOptions, instrumentOpenAI } from './openai/instrument-openai.js';
import type { UsageProcessor } from './record/usage-record.js';
import { createUsageRecorder, type UsageRecorder } from './recorder/usage-recorder.js';

/** Options of {@link setupBurnrate}. */
export interface SetupOptions {
  /**
   * The Prometheus `/metrics` endpoint, or `false` for none. `host` default `127.0.0.1` (pass
   * `0.0.0.0` to expose it beyond this machine); `port` default 9464, 0 picks a free port;
   * `endpoint` default `/metrics`. `serve: false` starts no server: mount `metricsHandler` on
   * your own HTTP server instead. Default `serve: true`.
   */
  prometheus?: { host?: string; port?: number; endpoint?: string; serve?: boolean } | false;
  /** Also push OTLP/HTTP metrics to a collector at `url` every `intervalMs` (default 15000). Default: off. */
  otlp?: { url: string; intervalMs?: number; headers?: Record<string, string> };
  /**
   * Processors for every usage record, or factories given the MeterProvider (the cost processor
   * records its dollar metrics on the same provider). Default: none.
   */
  processors?: ReadonlyArray<UsageProcessor | ((meterProvider: ApiMeterProvider) => UsageProcessor)>;
  /** Attributes on every record (e.g. `{ service: 'api' }`). Default: none. */
  attributes?: CallerAttributes;
  /** `service.name` of the resource. Default `burnrate-app`. */
  serviceName?: string;
  /** Cardinality guard options. Default: on, with its defaults. */
  cardinality?: CardinalityOptions;
  /** Clock for durations and GPU-seconds. Default: the real clock. */
  clock?: Clock;
  /** Emit the legacy GenAI metrics too. Default false. */
  legacyMetrics?: boolean;
}

/** A ready burnrate pipeline. */
export interface Burnrate {
  recorder: UsageRecorder;
  meterProvider: MeterProvider;
  /** The URL Prometheus should scrape, when burnrate serves the endpoint itself. */
  metricsUrl: string | undefined;
  /**
   * Answers a Prometheus scrape on your own server (e.g. `app.get('/metrics', metricsHandler)`);
   * undefined when `prometheus` is false.
   */
  metricsHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** The processors, in order, including those built from factories (e.g. the cost processor). */
  processors: readonly UsageProcessor[];
  /** Instruments an openai client with this pipeline's recorder. */
  instrumentOpenAI<T extends object>(client: T, options?: Omit<InstrumentOpenAIOptions, 'recorder'>): T;
  /** {@link instrumentAnthropic} with this setup's recorder. */
  instrumentAnthropic<T extends object>(client: T, options?: Omit<InstrumentAnthropicOptions, 'recorder'>): T;
  /** Flushes records and metrics. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the endpoint and shuts the pipeline down. */
  shutdown(): Promise<void>;
}

/**
 * Builds a MeterProvider with a Prometheus endpoint (127.0.0.1:9464 by default) and optionally an
 * OTLP exporter, plus a recorder on it. Does not register anything globally.
 */
export async function setupBurnrate(options: SetupOptions = {}): Promise<Burnrate> {
  const readers: MetricReader[] = [];
  let exporter: PrometheusExporter | undefined;
  let served: { server: Server; url: string } | undefined;
  if (options.prometheus !== false) {
    const p = options.prometheus ?? {};
    exporter = new PrometheusExporter({ preventServerStart: true });
    readers.push(exporter);
    if (p.serve !== false)
      served = await serveMetrics(exporter, p.host ?? '127.0.0.1', p.port ?? 9464, p.endpoint ?? '/metrics');
  }
  if (options.otlp) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: options.otlp.url, headers: options.otlp.headers ?? {} }),
        exportIntervalMillis: options.otlp.intervalMs ?? 15_000,
      }),
    );
  }
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'burnrate-app' }),
    readers,
  });
  const processors = (options.processors ?? []).map((p) => (typeof p === 'function' ? p(meterProvider) : p));
  const recorder = createUsageRecorder({
    meterProvider,
    processors,
    ...(options.attributes && { attributes: options.attributes }),
    ...(options.cardinality && { cardinality: options.cardinality }),
    ...(options.clock && { clock: options.clock }),
    legacyMetrics: options.legacyMetrics ?? false,
  });
  let closed = false;
  return {
    recorder,
    meterProvider,
    metricsUrl: served?.url,
    metricsHandler: exporter ? exporter.getMetricsRequestHandler.bind(exporter) : undefined,
    processors,
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
      if (served) {
        const server = served.server;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

/** Serves the exporter's scrape handler at `endpoint` on a server of our own (port 0 = a free port). */
async function serveMetrics(
  exporter: PrometheusExporter,
  host: string,
  port: number,
  endpoint: string,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === endpoint) {
      exporter.getMetricsRequestHandler(req, res);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}${endpoint}` };
}
