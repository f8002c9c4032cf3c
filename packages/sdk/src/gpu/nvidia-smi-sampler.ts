import { execFile } from 'node:child_process';
import { ATTR, METRIC, specOptions } from '@burnrate/semconv';
import {
  type Attributes,
  type BatchObservableResult,
  diag,
  type MeterProvider,
  metrics,
} from '@opentelemetry/api';
import { type Clock, realClock } from '../clock.js';
import { VERSION } from '../version.js';
import type { GpuMeter } from './gpu-meter.js';

/** Options of {@link startNvidiaSmiSampler}. */
export interface NvidiaSmiSamplerOptions {
  /** Where the `hw.*` gauges and counter go. Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /** The nvidia-smi executable. Default `nvidia-smi` (found on PATH). */
  command?: string;
  /** Longest wait for one nvidia-smi run, in ms. Default 5000. */
  timeoutMs?: number;
  /**
   * A `--query-gpu` field holding a cumulative energy counter in millijoules (NVML's unit), for
   * drivers that have one (check `nvidia-smi --help-query-gpu`). When set and readable, `hw.energy`
   * is that counter; otherwise power is integrated between samples. A driver that rejects the field
   * is warned about once and the sampler falls back to integrating.
   */
  energyCounterField?: string;
  /** Clock for integrating power into energy. Default: the real clock. */
  clock?: Clock;
  /**
   * A recorder to hand each GPU's energy to (`recorder.gpu.energy`, joules since the previous
   * sample), so a cost processor prices it at the card's `energy.usd_per_kwh`. Default: none.
   */
  recorder?: { readonly gpu: Pick<GpuMeter, 'energy'> };
}

/** A MIG (Multi-Instance GPU) device as `nvidia-smi -L` lists it under its parent GPU. */
export interface MigDevice {
  /** `MIG-…` UUID (older drivers: `MIG-GPU-…/gi/ci`). */
  uuid: string;
  /** MIG profile, e.g. `3g.40gb`. */
  profile: string;
  /** Device index within the parent GPU. */
  deviceIndex: number;
}

/** One GPU as nvidia-smi reports it. A field it prints as `[N/A]` is absent. */
export interface GpuSample {
  index: number;
  uuid: string;
  name: string;
  /** 0–1; absent where nvidia-smi has none (e.g. a GPU in MIG mode). */
  utilization?: number;
  memoryUsedBytes?: number;
  memoryTotalBytes?: number;
  /** Power draw in watts (`power.draw`). */
  powerWatts?: number;
  /**
   * Energy in joules: nvidia-smi's counter when {@link NvidiaSmiSamplerOptions.energyCounterField} is
   * readable, else the power integrated (trapezoid) between this sampler's samples of this GPU.
   */
  energyJoules?: number;
  /** The MIG devices `nvidia-smi -L` lists under this GPU (empty when MIG is off). */
  migDevices: MigDevice[];
}

/** A running sampler; `stop()` unregisters its callbacks. */
export interface NvidiaSmiSampler {
  /** Runs nvidia-smi once and returns the GPUs it saw (empty when it is missing or fails). */
  sample(): Promise<GpuSample[]>;
  /** Unregisters the instruments' callback; nvidia-smi is not run again. */
  stop(): void;
}

/** The fields every query asks for, in the order {@link parseNvidiaSmiCsv} reads them. */
export const NVIDIA_SMI_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'power.draw',
] as const;
const MIB = 1024 * 1024;

/** Per-GPU integration state of one sampler: the last power reading and the joules so far. */
interface EnergyState {
  lastMs: number;
  lastWatts: number;
  joules: number;
}

/**
 * Reports, per GPU, `hw.gpu.utilization` (ratio), `hw.gpu.memory.usage` (bytes), `hw.power` (W)
 * and `hw.energy` (J, a counter) by running `nvidia-smi` once per metric collection, so idle (paid
 * but unused) GPU time and its power are visible. Several GPUs are read from one query; MIG devices
 * are listed from `nvidia-smi -L` into {@link GpuSample.migDevices} (nvidia-smi's query interface has
 * no per-MIG utilization or power: use DCGM for those). Missing `nvidia-smi` is warned about once and
 * reports nothing; a field printed as `[N/A]` leaves that one series out.
 */
export function startNvidiaSmiSampler(options: NvidiaSmiSamplerOptions = {}): NvidiaSmiSampler {
  const command = options.command ?? 'nvidia-smi';
  const timeout = options.timeoutMs ?? 5000;
  const clock = options.clock ?? realClock;
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter('@burnrate/sdk', VERSION);
  const utilization = meter.createObservableGauge(METRIC.gpuUtilization, specOptions(METRIC.gpuUtilization));
  const memory = meter.createObservableGauge(METRIC.gpuMemoryUsage, specOptions(METRIC.gpuMemoryUsage));
  const power = meter.createObservableGauge(METRIC.gpuPower, specOptions(METRIC.gpuPower));
  const energy = meter.createObservableCounter(METRIC.gpuEnergy, specOptions(METRIC.gpuEnergy));
  const instruments = [utilization, memory, power, energy];
  const integrated = new Map<string, EnergyState>();
  // Joules last handed to the recorder, per GPU: records carry the difference.
  const reported = new Map<string, number>();
  let counterField = options.energyCounterField;
  let warned = false;

  const run = (args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; message: string }> =>
    new Promise((resolve) => {
      execFile(command, args, { timeout }, (err, stdout, stderr) => {
        if (err) resolve({ ok: false, message: `${err.message} ${String(stdout)} ${String(stderr)}`.trim() });
        else resolve({ ok: true, stdout: String(stdout) });
      });
    });

  const query = async (): Promise<{ csv: string; withCounter: boolean } | undefined> => {
    const fields: string[] = [...NVIDIA_SMI_FIELDS];
    if (counterField !== undefined) fields.push(counterField);
    const result = await run([`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits']);
    if (result.ok) return { csv: result.stdout, withCounter: counterField !== undefined };
    if (counterField !== undefined && result.message.includes(counterField)) {
      // The driver does not know the energy field: integrate power instead, from now on.
      diag.warn(`burnrate: ${command} has no field ${counterField}; hw.energy integrates power.draw instead`);
      counterField = undefined;
      return query();
    }
    if (!warned) diag.warn(`burnrate: ${command} failed; no hw.gpu metrics (${result.message})`);
    warned = true;
    return undefined;
  };

  const sample = async (): Promise<GpuSample[]> => {
    const [q, listing] = await Promise.all([query(), run(['-L'])]);
    if (!q) return [];
    const nowMs = clock.now();
    const gpus = parseNvidiaSmiCsv(q.csv, { energyCounter: q.withCounter });
    const mig = listing.ok ? parseNvidiaSmiList(listing.stdout) : new Map<string, MigDevice[]>();
    for (const g of gpus) {
      g.migDevices = mig.get(g.uuid) ?? [];
      if (g.energyJoules === undefined) integrate(g, nowMs);
      if (options.recorder && g.energyJoules !== undefined) report(g, g.energyJoules);
    }
    return gpus;
  };

  const report = (g: GpuSample, joules: number): void => {
    const last = reported.get(g.uuid);
    reported.set(g.uuid, joules);
    // The first reading is a baseline; a counter that went down was reset (driver reload): skip it.
    if (last === undefined || joules <= last) return;
    options.recorder?.gpu.energy(joules - last, { gpu: g.name, deviceId: g.uuid });
  };

  const integrate = (g: GpuSample, nowMs: number): void => {
    if (g.powerWatts === undefined) {
      const known = integrated.get(g.uuid);
      if (known) g.energyJoules = known.joules;
      return;
    }
    const state = integrated.get(g.uuid);
    if (!state) {
      integrated.set(g.uuid, { lastMs: nowMs, lastWatts: g.powerWatts, joules: 0 });
      g.energyJoules = 0;
      return;
    }
    const dtS = Math.max(0, nowMs - state.lastMs) / 1000;
    // Trapezoid between two readings: the best estimate nvidia-smi's point samples allow.
    state.joules += ((state.lastWatts + g.powerWatts) / 2) * dtS;
    state.lastMs = nowMs;
    state.lastWatts = g.powerWatts;
    g.energyJoules = state.joules;
  };

  const callback = async (result: BatchObservableResult): Promise<void> => {
    for (const g of await sample()) {
      const attrs: Attributes = {
        [ATTR.gpuId]: g.uuid,
        [ATTR.gpuName]: g.name,
        [ATTR.gpuIndex]: g.index,
        [ATTR.hwType]: 'gpu',
      };
      if (g.utilization !== undefined) result.observe(utilization, g.utilization, attrs);
      if (g.memoryUsedBytes !== undefined) result.observe(memory, g.memoryUsedBytes, attrs);
      if (g.powerWatts !== undefined) result.observe(power, g.powerWatts, attrs);
      if (g.energyJoules !== undefined) result.observe(energy, g.energyJoules, attrs);
    }
  };
  meter.addBatchObservableCallback(callback, instruments);
  return { sample, stop: () => meter.removeBatchObservableCallback(callback, instruments) };
}

/** A number nvidia-smi printed, or undefined for `[N/A]`, `[Not Supported]` and other non-numbers. */
function field(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parses `nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,power.draw[,energy]
 * --format=csv,noheader,nounits`. With `energyCounter`, an eighth column is an energy counter in
 * millijoules. A field printed as `[N/A]` is left out of that GPU's sample; a line without index and
 * UUID is skipped.
 */
export function parseNvidiaSmiCsv(csv: string, options: { energyCounter?: boolean } = {}): GpuSample[] {
  const out: GpuSample[] = [];
  for (const line of csv.split('\n')) {
    const f = line.split(',').map((s) => s.trim());
    const [indexText, uuid, name] = f;
    const index = field(indexText);
    if (index === undefined || !uuid || name === undefined) continue;
    const g: GpuSample = { index, uuid, name, migDevices: [] };
    const util = field(f[3]);
    const used = field(f[4]);
    const total = field(f[5]);
    const watts = field(f[6]);
    if (util !== undefined) g.utilization = util / 100;
    if (used !== undefined) g.memoryUsedBytes = used * MIB;
    if (total !== undefined) g.memoryTotalBytes = total * MIB;
    if (watts !== undefined) g.powerWatts = watts;
    if (options.energyCounter) {
      const mj = field(f[7]);
      if (mj !== undefined) g.energyJoules = mj / 1000;
    }
    out.push(g);
  }
  return out;
}

const GPU_LINE = /^GPU\s+\d+:.*\(UUID:\s*([^)\s]+)\)/;
const MIG_LINE = /^\s+MIG\s+(\S+)\s+Device\s+(\d+):\s*\(UUID:\s*([^)\s]+)\)/;

/** Parses `nvidia-smi -L`: the MIG devices listed under each GPU, by the GPU's UUID. */
export function parseNvidiaSmiList(text: string): Map<string, MigDevice[]> {
  const out = new Map<string, MigDevice[]>();
  let parent: MigDevice[] | undefined;
  for (const line of text.split('\n')) {
    const gpu = GPU_LINE.exec(line);
    if (gpu?.[1]) {
      parent = [];
      out.set(gpu[1], parent);
      continue;
    }
    const mig = MIG_LINE.exec(line);
    if (mig?.[1] && mig[2] && mig[3] && parent) {
      parent.push({ profile: mig[1], deviceIndex: Number(mig[2]), uuid: mig[3] });
    }
  }
  return out;
}
