import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from './daemon.js';
import { freePort } from './ports.js';
import type { ManagedProcess } from './process.js';

/** An alert as listed by Alertmanager's `/api/v2/alerts`. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
  receivers: Array<{ name: string }>;
}

/** A running Alertmanager started by the harness. */
export interface RunningAlertmanager {
  /** Base URL, e.g. `http://127.0.0.1:41235`. */
  readonly url: string;
  readonly dir: string;
  readonly process: ManagedProcess;
  /** Alerts Alertmanager holds, including inhibited ones. */
  alerts(): Promise<AmAlert[]>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a real Alertmanager (Debian's `prometheus-alertmanager`) in the foreground on 127.0.0.1 and
 * a free port, with clustering off and its data in a new temp directory; resolves once `/-/ready`
 * answers.
 */
export async function startAlertmanager(options: {
  config: string;
  binary?: string;
  timeoutMs?: number;
}): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), options.config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { process: proc, stop } = await startDaemon({
    name: 'alertmanager',
    binary: options.binary ?? 'prometheus-alertmanager',
    args: [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
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
    async alerts() {
      const res = await fetch(
        `${url}/api/v2/alerts?active=true&inhibited=true&silenced=true&unprocessed=true`,
      );
      return (await res.json()) as AmAlert[];
    },
    stop,
  };
}
