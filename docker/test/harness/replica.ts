import { fileURLToPath } from 'node:url';
import { waitFor } from './poll.js';
import { type ManagedProcess, spawnManaged } from './process.js';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A running instance of `docker/app/replica.ts`. */
export interface RunningReplica {
  readonly process: ManagedProcess;
  /** Its `/metrics` URL. */
  readonly metricsUrl: string;
  /** `host:port` of `/metrics`, for a Prometheus static target. */
  readonly target: string;
  /** Lets a replica started with `waitForGo` begin its calls. */
  go(): void;
  /** Resolves with the number of calls once it printed `done N`. */
  done(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/** Options of {@link startReplica}. */
export interface ReplicaOptions {
  /** OpenAI-compatible base URL, e.g. the simulator's `url`. */
  openaiBaseUrl: string;
  /** Price card path. */
  priceCard?: string;
  /** Number of calls before it idles (still serving `/metrics`). */
  calls?: number;
  /** Pause between calls, ms. */
  paceMs?: number;
  /** Wait for {@link RunningReplica.go} before the first call. */
  waitForGo?: boolean;
}

/** Starts `docker/app/replica.ts` on 127.0.0.1 and a free port, resolving once `/metrics` is served. */
export async function startReplica(name: string, options: ReplicaOptions): Promise<RunningReplica> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BURNRATE_OPENAI_BASE_URL: options.openaiBaseUrl,
    BURNRATE_METRICS_HOST: '127.0.0.1',
    BURNRATE_METRICS_PORT: '0',
    BURNRATE_PACE_MS: String(options.paceMs ?? 100),
  };
  if (options.priceCard) env['BURNRATE_PRICE_CARD'] = options.priceCard;
  if (options.calls !== undefined) env['BURNRATE_CALLS'] = String(options.calls);
  if (options.waitForGo) env['BURNRATE_WAIT_FOR_GO'] = '1';
  const proc = spawnManaged(name, process.execPath, ['--import', 'tsx', 'docker/app/replica.ts'], {
    env,
    cwd: REPO_ROOT,
    stdin: true,
  });
  try {
    const metricsUrl = await waitFor(
      () => {
        if (proc.child.exitCode !== null) throw new Error(`${name} exited: ${proc.output()}`);
        return /^metrics (\S+)$/m.exec(proc.output())?.[1];
      },
      { what: `${name} to serve /metrics`, timeoutMs: 30_000, context: proc.output },
    );
    return {
      process: proc,
      metricsUrl,
      target: new URL(metricsUrl).host,
      go() {
        proc.child.stdin?.write('go\n');
      },
      done(timeoutMs = 60_000) {
        return waitFor(
          () => {
            const m = /^done (\d+)$/m.exec(proc.output());
            return m ? Number(m[1]) : undefined;
          },
          { what: `${name} to finish its calls`, timeoutMs, context: proc.output },
        );
      },
      stop: () => proc.stop(),
    };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
