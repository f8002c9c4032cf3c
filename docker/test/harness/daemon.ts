import { rmSync } from 'node:fs';
import { waitFor } from './poll.js';
import { type ManagedProcess, spawnManaged } from './process.js';

/** A server process started by the harness, ready to answer. */
export interface ReadyDaemon {
  readonly process: ManagedProcess;
  /** Stops the process and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Spawns a Prometheus-family server and resolves once `readyUrl` answers 2xx; if it exits or the
 * deadline passes, stops it, removes `dir` and rejects with its output.
 */
export async function startDaemon(options: {
  name: string;
  binary: string;
  args: string[];
  readyUrl: string;
  dir: string;
  timeoutMs?: number;
}): Promise<ReadyDaemon> {
  const proc = spawnManaged(options.name, options.binary, options.args);
  const stop = async (): Promise<void> => {
    await proc.stop();
    rmSync(options.dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`${options.name} exited: ${proc.output()}`);
        return (await fetch(options.readyUrl)).ok;
      },
      {
        what: `${options.name} ${new URL(options.readyUrl).pathname}`,
        timeoutMs: options.timeoutMs ?? 30_000,
        context: proc.output,
      },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { process: proc, stop };
}
