import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { type Simulator, type SimulatorOptions, startSimulator } from '@burnrate/llm-simulator';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
// The cost processor depends on the sdk, so the sdk cannot list it as a dependency; its tests reach it by path.
import { type CostProcessor, createCostProcessor } from '../../../cost-processor/src/index.js';
import {
  createUsageRecorder,
  instrumentBedrock,
  type LlmUsageRecord,
  type UsageProcessor,
  type UsageRecorder,
} from '../../src/index.js';

/**
 * A real Bedrock runtime client pointed at the simulator, with fake static credentials and the
 * client's default request handler (HTTP/2, which the simulator speaks in clear text).
 */
export function bedrockClient(
  sim: Simulator,
  config: Partial<BedrockRuntimeClientConfig> = {},
): BedrockRuntimeClient {
  return new BedrockRuntimeClient(bedrockConfig(sim, config));
}

/** The configuration of {@link bedrockClient}, for other client classes. */
export function bedrockConfig(
  sim: Simulator,
  config: Partial<BedrockRuntimeClientConfig> = {},
): BedrockRuntimeClientConfig {
  return {
    endpoint: new URL(sim.url).origin,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
    ...config,
  };
}

/**
 * The client's own HTTP/1.1 handler (`NodeHttpHandler`, what clients before HTTP/2 used and what
 * users configure behind HTTP/1.1-only proxies), loaded from the client's own dependencies.
 */
export function http1Handler(): NonNullable<BedrockRuntimeClientConfig['requestHandler']> {
  const clientRequire = createRequire(
    createRequire(import.meta.url).resolve('@aws-sdk/client-bedrock-runtime'),
  );
  const { NodeHttpHandler } = clientRequire('@smithy/node-http-handler') as {
    NodeHttpHandler: new () => NonNullable<BedrockRuntimeClientConfig['requestHandler']>;
  };
  return new NodeHttpHandler();
}

/** A simulator, a Prometheus exporter served over HTTP, a cost processor and an instrumented client. */
export interface BedrockFixture {
  sim: Simulator;
  recorder: UsageRecorder;
  costs: CostProcessor;
  client: BedrockRuntimeClient;
  records: LlmUsageRecord[];
  warnings: string[];
  /** Scrapes `/metrics` over HTTP. */
  scrape(): Promise<Series[]>;
  close(): Promise<void>;
}

/** One exposition line: name, labels, value. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Starts everything; `extraProcessors` are attached after the cost processor. */
export async function bedrockFixture(
  extraProcessors: UsageProcessor[] = [],
  simulator: SimulatorOptions = {},
): Promise<BedrockFixture> {
  const sim = await startSimulator(simulator);
  const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const warnings: string[] = [];
  const costs = createCostProcessor({ meterProvider, logger: { warn: (m: string) => warnings.push(m) } });
  const records: LlmUsageRecord[] = [];
  const recorder = createUsageRecorder({
    meterProvider,
    logger: { warn: (m: string) => warnings.push(m) },
    processors: [costs, { onUsage: (r) => r.kind === 'llm' && records.push(r) }, ...extraProcessors],
  });
  const client = instrumentBedrock(bedrockClient(sim), { recorder });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return {
    sim,
    recorder,
    costs,
    client,
    records,
    warnings,
    async scrape() {
      const text = await (await fetch(url)).text();
      return parseExposition(text);
    },
    async close() {
      client.destroy();
      await recorder.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    },
  };
}

/** Parses Prometheus text exposition into series (comments skipped). */
export function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the series named `name` whose labels include `where`. */
export function sumOf(series: Series[], name: string, where: Record<string, string> = {}): number {
  return series
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** A system prompt well over 1024 tokens, for prompt caching. */
export function longSystemText(): string {
  return Array.from(
    { length: 400 },
    (_, i) => `Rule ${i}: answer concisely and cite the policy section.`,
  ).join(' ');
}
