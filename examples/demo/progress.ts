import type { CostProcessor } from '@burnrate/cost-processor';
import { formatUsd } from '@burnrate/cost-processor';
import type { WorkloadStats } from './workload.js';

/** A one-line live display on a terminal, a line every few seconds otherwise, on `out`. Returns `stop()`. */
export function showProgress(
  processor: CostProcessor,
  stats: WorkloadStats,
  durationS: number,
  startMs: number,
  out: NodeJS.WriteStream = process.stdout,
): () => void {
  const tty = Boolean(out.isTTY);
  let last = 0;
  const render = (final: boolean): void => {
    const elapsed = (Date.now() - startMs) / 1000;
    if (!tty && !final && elapsed - last < 5) return;
    last = elapsed;
    const r = processor.report();
    const line =
      `[${elapsed.toFixed(0).padStart(3)}s/${durationS}s] ${r.queries} queries, ${r.failedCalls} failed calls, ` +
      `${stats.cacheHits} cache hits, ${stats.gpuJobs} GPU jobs | spent ${formatUsd(r.totalUsd)} ` +
      `(api ${formatUsd(r.components.api.usd)}, gpu ${formatUsd(r.components.gpu.usd)}) | ` +
      `saved ${formatUsd(r.savings.totalUsd)} | unpriced models ${r.unpriced.length}`;
    out.write(tty ? `\r\x1b[2K${line}${final ? '\n' : ''}` : `${line}\n`);
  };
  const timer = setInterval(() => render(false), tty ? 250 : 1000);
  return () => {
    clearInterval(timer);
    render(true);
  };
}
