import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startDaemon } from './daemon.js';
import { freePort } from './ports.js';
import type { ManagedProcess } from './process.js';

/** One sample of an instant-vector query result. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** A Prometheus alert as listed by `/api/v1/alerts`. */
export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

/** A running Prometheus server started by the harness. */
export interface RunningPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Its temp directory (config, rules, storage); removed by `stop()`. */
  readonly dir: string;
  readonly process: ManagedProcess;
  /** Runs an instant query and returns the vector (or a scalar as one sample). */
  query(expr: string): Promise<PromSample[]>;
  /** Active alerts (pending and firing). */
  alerts(): Promise<PromAlert[]>;
  /** Scrape targets with their health. */
  targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string }>>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** The prometheus.yml text; rule files are referenced relative to it (e.g. `rules/*.yml`). */
  config: string;
  /** Extra files written next to the config, keyed by relative path (e.g. `rules/a.rules.yml`). */
  files?: ReadonlyMap<string, string> | Record<string, string>;
  /** Binary. Default `prometheus` (Debian package). */
  binary?: string;
  /** Startup deadline in ms. Default 30000. */
  timeoutMs?: number;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/**
 * Starts a real Prometheus in the foreground on 127.0.0.1 and a free port, with its config, rules and
 * TSDB in a new temp directory, and resolves once `/-/ready` answers.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), options.config);
  const files = options.files instanceof Map ? options.files : new Map(Object.entries(options.files ?? {}));
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { process: proc, stop } = await startDaemon({
    name: 'prometheus',
    binary: options.binary ?? 'prometheus',
    args: [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    readyUrl: `${url}/-/ready`,
    dir,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  return {
    url,
    dir,
    process: proc,
    async query(expr) {
      const data = await getJson<{ resultType: string; result: unknown }>(
        `${url}/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      if (data.resultType === 'scalar') {
        const [, v] = data.result as [number, string];
        return [{ metric: {}, value: Number(v) }];
      }
      return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => ({
        metric: s.metric,
        value: Number(s.value[1]),
      }));
    },
    async alerts() {
      return (await getJson<{ alerts: PromAlert[] }>(`${url}/api/v1/alerts`)).alerts;
    },
    async targets() {
      return (
        await getJson<{
          activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }>;
        }>(`${url}/api/v1/targets`)
      ).activeTargets;
    },
    stop,
  };
}
