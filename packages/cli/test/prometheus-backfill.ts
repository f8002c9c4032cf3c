import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, type ManagedProcess, spawnManaged, waitFor } from '../../../docker/test/harness/index.js';

const run = promisify(execFile);

/** One series of a backfill: name, labels and `[unix seconds, value]` points in time order. */
export interface BackfillSeries {
  name: string;
  labels: Record<string, string>;
  points: ReadonlyArray<readonly [number, number]>;
}

/** A real Prometheus serving backfilled data. */
export interface BackfilledPrometheus {
  url: string;
  stop(): Promise<void>;
}

function familyOf(name: string): string {
  return name.replace(/_total$|_count$|_sum$/, '');
}

function typeOf(members: readonly BackfillSeries[]): 'counter' | 'histogram' | 'gauge' {
  if (members.some((m) => m.name.endsWith('_total'))) return 'counter';
  return members.some((m) => /_count$|_sum$/.test(m.name)) ? 'histogram' : 'gauge';
}

/**
 * Writes the series as OpenMetrics, turns them into TSDB blocks with `promtool tsdb
 * create-blocks-from openmetrics`, and starts a real Prometheus on 127.0.0.1 over those blocks,
 * resolving once `/-/ready` answers. Counters (`_total`) and histogram parts (`_count`, `_sum`) get
 * their family's `# TYPE`; other names are gauges.
 */
export async function startBackfilledPrometheus(
  series: readonly BackfillSeries[],
): Promise<BackfilledPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-prom-'));
  const families = new Map<string, BackfillSeries[]>();
  for (const s of series) {
    const family = familyOf(s.name);
    families.set(family, [...(families.get(family) ?? []), s]);
  }
  const lines: string[] = [];
  for (const [family, members] of families) {
    lines.push(`# TYPE ${family} ${typeOf(members)}`);
    for (const m of members) {
      const labels = Object.entries(m.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      for (const [t, v] of m.points) lines.push(`${m.name}{${labels}} ${v} ${t}`);
    }
  }
  lines.push('# EOF', '');
  writeFileSync(join(dir, 'data.om'), lines.join('\n'));
  await run('promtool', [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    join(dir, 'data.om'),
    join(dir, 'data'),
  ]);
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  evaluation_interval: 1m\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc: ManagedProcess = spawnManaged('prometheus', 'prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    '--storage.tsdb.retention.time=60d',
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const stop = async (): Promise<void> => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`prometheus exited: ${proc.output()}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      { what: 'prometheus /-/ready', timeoutMs: 30_000, context: proc.output },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
