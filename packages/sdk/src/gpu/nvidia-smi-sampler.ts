import { execFile } from 'node:child_process';
import { ATTR, METRIC, specOptions } from '@burnrate/semconv';
import { diag, type MeterProvider, metrics } from '@opentelemetry/api';
import { VERSION } from '../version.js';

/** Options of {@link startNvidiaSmiSampler}. */
export interface NvidiaSmiSamplerOptions {
  /** Where `hw.gpu.*` gauges go. Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /** The nvidia-smi executable. Default `nvidia-smi` (found on PATH). */
  command?: string;
  /** Longest wait for one nvidia-smi run, in ms. Default 5000. */
  timeoutMs?: number;
}

/** One GPU as nvidia-smi reports it. */
export interface GpuSample {
  index: number;
  uuid: string;
  name: string;
  /** 0–1. */
  utilization: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
}

/** A running sampler; `stop()` unregisters its callbacks. */
export interface NvidiaSmiSampler {
  /** Runs nvidia-smi once and returns the GPUs it saw (empty when it is missing or fails). */
  sample(): Promise<GpuSample[]>;
  /** Unregisters the gauges' callback; nvidia-smi is not run again. */
  stop(): void;
}

const QUERY = '--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total';
const MIB = 1024 * 1024;

/**
 * Reports `hw.gpu.utilization` (ratio) and `hw.gpu.memory.usage` (bytes) per GPU by running
 * `nvidia-smi` once per metric collection, so idle (paid but unused) GPU time is visible. Missing
 * `nvidia-smi` is warned about once and reports nothing.
 */
export function startNvidiaSmiSampler(options: NvidiaSmiSamplerOptions = {}): NvidiaSmiSampler {
  const command = options.command ?? 'nvidia-smi';
  const timeout = options.timeoutMs ?? 5000;
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter('@burnrate/sdk', VERSION);
  const utilization = meter.createObservableGauge(METRIC.gpuUtilization, specOptions(METRIC.gpuUtilization));
  const memory = meter.createObservableGauge(METRIC.gpuMemoryUsage, specOptions(METRIC.gpuMemoryUsage));
  let warned = false;

  const sample = (): Promise<GpuSample[]> =>
    new Promise((resolve) => {
      execFile(command, [QUERY, '--format=csv,noheader,nounits'], { timeout }, (err, stdout) => {
        if (err) {
          if (!warned) diag.warn(`burnrate: ${command} failed; no hw.gpu metrics (${err.message})`);
          warned = true;
          resolve([]);
          return;
        }
        resolve(parseNvidiaSmiCsv(stdout));
      });
    });

  const callback = async (result: import('@opentelemetry/api').BatchObservableResult): Promise<void> => {
    for (const g of await sample()) {
      const attrs = { [ATTR.gpuId]: g.uuid, [ATTR.gpuName]: g.name, [ATTR.gpuIndex]: g.index };
      result.observe(utilization, g.utilization, attrs);
      result.observe(memory, g.memoryUsedBytes, attrs);
    }
  };
  meter.addBatchObservableCallback(callback, [utilization, memory]);
  return { sample, stop: () => meter.removeBatchObservableCallback(callback, [utilization, memory]) };
}

/** Parses `nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmiCsv(csv: string): GpuSample[] {
  const out: GpuSample[] = [];
  for (const line of csv.split('\n')) {
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 6) continue;
    const [index, uuid, name, util, used, total] = f as [string, string, string, string, string, string];
    const u = Number(util);
    const m = Number(used);
    const t = Number(total);
    // nvidia-smi prints "[N/A]" for fields a GPU cannot report; skip those GPUs rather than guess.
    if (![u, m, t].every(Number.isFinite)) continue;
    out.push({
      index: Number(index),
      uuid,
      name,
      utilization: u / 100,
      memoryUsedBytes: m * MIB,
      memoryTotalBytes: t * MIB,
    });
  }
  return out;
}
