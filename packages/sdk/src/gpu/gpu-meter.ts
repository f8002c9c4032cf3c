import { ATTR } from '@burnrate/semconv';
import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { Clock } from '../clock.js';
import type {
  Attributes,
  EnergyUsageRecord,
  GpuMarket,
  GpuReservationRecord,
  GpuUsageRecord,
  UsageRecord,
} from '../record/usage-record.js';
import type { UsageInstruments } from '../recorder/instruments.js';
import type { CheckOptions } from '../recorder/options.js';
import { safely } from '../safe.js';

/**
 * Options of `recorder.gpu.track`, `start` and `reserve`: what the GPU work runs on, and (apart,
 * under `attributes`) the caller attributes of its records. Only these keys are options; a caller
 * attribute named like one (`model`, `count`, ...) goes under `attributes` and stays a caller
 * attribute. An unknown key from JavaScript is ignored with a diag warning.
 *
 * @example
 * recorder.gpu.track(
 *   { gpu: 'h100', count: 8, market: 'spot', workload: 'fine_tune', attributes: { team: 'search' } },
 *   () => train(),
 * );
 */
export interface GpuOptions {
  /** GPU model, e.g. `h100`, `a100-80gb`, `l4` (lower-cased, spaces become `-`). Required. */
  gpu: string;
  /** GPUs used at once. Default 1. */
  count?: number;
  /** How the GPUs are bought. Default `on_demand`. */
  market?: GpuMarket;
  /** What the work is (`inference`, `fine_tune`, `batch_embed`, ...). Default: none. */
  workload?: string;
  /**
   * The model served or trained, for cost per token of self-hosted models; the
   * `gen_ai.request.model` metric attribute and the record's `model`. Default: none.
   */
  model?: string;
  /**
   * Caller attributes of this work (feature, tenant, ...): merged over the recorder's static
   * attributes and the current `withAttributes` (these win), then through the cardinality guard,
   * exactly like the caller attributes of an LLM call. Default: none.
   */
  attributes?: CallerAttributes;
}

/** Options of `recorder.gpu.energy`: which device drew the energy, and caller attributes. */
export interface EnergyOptions {
  /** GPU model as the device reports it, e.g. `NVIDIA L4`. */
  gpu?: string;
  /** The device's id, e.g. its UUID. */
  deviceId?: string;
  /** Caller attributes, merged and guarded like those of GPU work. */
  attributes?: CallerAttributes;
}

/** The option keys of {@link GpuOptions} besides `attributes`. */
const GPU_OPTION_KEYS: readonly (keyof GpuOptions)[] = ['gpu', 'count', 'market', 'workload', 'model'];

/** Stops a started GPU measurement; returns the GPU-seconds recorded (0 after the first call). */
export type StopGpu = () => number;

interface GpuMeterDeps {
  clock: Clock;
  instruments: UsageInstruments;
  resolve(extra?: CallerAttributes): Attributes;
  /** Warns about unknown option keys and returns the caller attributes. */
  checkOptions: CheckOptions;
  /** Guards a free-text value that becomes a metric attribute (the workload). */
  guardValue(key: string, value: string): string;
  emit(record: UsageRecord, metric: () => void): void;
  accrualIntervalMs: number;
}

interface Reservation {
  id: string;
  base: Omit<GpuUsageRecord, 'timeMs' | 'gpuSeconds' | 'reservationId'>;
  metricAttrs: Attributes;
  lastMs: number;
}

const MARKETS: readonly GpuMarket[] = ['on_demand', 'spot', 'reserved'];

/**
 * Measures GPU-seconds (wall time × GPU count): `track` around work, `start`/stop by hand, and
 * `reserve` for GPUs held by a long-running server, which accrue while held.
 */
export class GpuMeter {
  private readonly reservations = new Map<string, Reservation>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private nextId = 1;

  /** @internal Built by the recorder. */
  constructor(private readonly deps: GpuMeterDeps) {}

  /** Runs `fn` and records its wall time × count as GPU-seconds, also when it throws or rejects. */
  track<T>(options: GpuOptions, fn: () => T): T {
    const stop = this.begin('recorder.gpu.track', options);
    let result: T;
    try {
      result = fn();
    } catch (err) {
      stop();
      throw err;
    }
    if (result instanceof Promise) {
      // Observe settlement without changing the promise the caller gets.
      result.then(stop, stop);
    } else {
      stop();
    }
    return result;
  }

  /**
   * Starts measuring; the returned function stops and records. Invalid options are reported to
   * the diag logger (naming the field) and measure nothing: metering never throws into GPU work.
   */
  start(options: GpuOptions): StopGpu {
    return this.begin('recorder.gpu.start', options);
  }

  private begin(method: string, options: GpuOptions): StopGpu {
    const base = safely(method, () => this.describe(method, options));
    if (!base) return () => 0;
    const startMs = this.deps.clock.now();
    let stopped = false;
    return () => {
      if (stopped) return 0;
      stopped = true;
      const seconds = Math.max(0, (this.deps.clock.now() - startMs) / 1000) * base.count;
      this.record(base, seconds);
      return seconds;
    };
  }

  /**
   * Holds GPUs until `release()`: `burnrate.gpu.allocated` rises by `count`, and GPU-seconds
   * accrue on a timer, on `accrue()`/`forceFlush()` and at release. `release` returns the
   * reservation's GPU-seconds from reserve to release (0 on later calls). Invalid options are
   * reported to the diag logger and reserve nothing.
   */
  reserve(options: GpuOptions): () => number {
    const base = safely('recorder.gpu.reserve', () => this.describe('recorder.gpu.reserve', options));
    if (!base) return () => 0;
    const id = `r${this.nextId++}`;
    const r: Reservation = { id, base, metricAttrs: this.metricAttrs(base), lastMs: this.deps.clock.now() };
    this.reservations.set(id, r);
    safely('gpu.allocated', () => this.deps.instruments.gpuAllocated.add(base.count, r.metricAttrs));
    this.deps.emit(this.lifecycle(r, 'held', r.lastMs), () => {});
    this.ensureTimer();
    const startMs = r.lastMs;
    return () => {
      if (!this.reservations.has(id)) return 0;
      this.accrueOne(r);
      this.reservations.delete(id);
      safely('gpu.allocated', () => this.deps.instruments.gpuAllocated.add(-base.count, r.metricAttrs));
      this.deps.emit(this.lifecycle(r, 'released', r.lastMs), () => {});
      if (this.reservations.size === 0) this.stopTimer();
      return (Math.max(0, r.lastMs - startMs) / 1000) * base.count;
    };
  }

  /** Records the GPU-seconds every reservation accrued since its last accrual. */
  accrue(): void {
    for (const r of this.reservations.values()) this.accrueOne(r);
  }

  /**
   * Hands energy a GPU drew (joules since the previous call for that device) to the processors as an
   * `energy` record; the nvidia-smi sampler calls it when given a recorder. No metric of its own
   * (`hw.energy` is the sampler's); the cost processor prices it where the card sets a $/kWh.
   * Non-positive or non-finite joules are ignored.
   */
  energy(joules: number, options: EnergyOptions = {}): void {
    if (!(Number.isFinite(joules) && joules > 0)) return;
    const record: EnergyUsageRecord = {
      kind: 'energy',
      timeMs: this.deps.clock.now(),
      attributes: this.deps.resolve(options.attributes),
      joules,
    };
    if (options.gpu !== undefined) record.gpu = options.gpu;
    if (options.deviceId !== undefined) record.deviceId = options.deviceId;
    this.deps.emit(record, () => {});
  }

  /** GPUs currently held by reservations. */
  heldGpus(): number {
    let n = 0;
    for (const r of this.reservations.values()) n += r.base.count;
    return n;
  }

  /** @internal Releases every reservation and stops the timer (recorder shutdown). */
  close(): void {
    this.accrue();
    for (const r of this.reservations.values()) {
      safely('gpu.allocated', () => this.deps.instruments.gpuAllocated.add(-r.base.count, r.metricAttrs));
      this.deps.emit(this.lifecycle(r, 'released', this.deps.clock.now()), () => {});
    }
    this.reservations.clear();
    this.stopTimer();
  }

  private accrueOne(r: Reservation): number {
    const now = this.deps.clock.now();
    const seconds = Math.max(0, (now - r.lastMs) / 1000) * r.base.count;
    r.lastMs = now;
    this.record(r.base, seconds, r.id, r.metricAttrs);
    return seconds;
  }

  /** The lifecycle record of a reservation: its GPUs are now held, or given back. */
  private lifecycle(
    r: Reservation,
    event: GpuReservationRecord['event'],
    timeMs: number,
  ): GpuReservationRecord {
    const { gpu, count, market, workload, model, attributes } = r.base;
    const record: GpuReservationRecord = {
      kind: 'gpu_reservation',
      event,
      id: r.id,
      timeMs,
      attributes,
      gpu,
      count,
      market,
    };
    if (workload !== undefined) record.workload = workload;
    if (model !== undefined) record.model = model;
    return record;
  }

  private record(
    base: Reservation['base'],
    gpuSeconds: number,
    reservationId?: string,
    metricAttrs = this.metricAttrs(base),
  ): void {
    const record: GpuUsageRecord = { ...base, timeMs: this.deps.clock.now(), gpuSeconds };
    if (reservationId !== undefined) record.reservationId = reservationId;
    this.deps.emit(record, () => this.deps.instruments.gpuTime.add(gpuSeconds, metricAttrs));
  }

  private describe(method: string, options: GpuOptions): Reservation['base'] {
    const caller = this.deps.checkOptions(method, options, GPU_OPTION_KEYS);
    const {
      gpu,
      count = 1,
      market = 'on_demand',
      workload,
      model,
    } = typeof options === 'object' && options !== null ? options : ({} as Partial<GpuOptions>);
    if (typeof gpu !== 'string' || gpu.trim() === '') {
      throw new TypeError(
        `gpu: expected a GPU model such as "h100" or "a100-80gb", got ${JSON.stringify(gpu)}`,
      );
    }
    if (!Number.isFinite(count) || count <= 0) {
      throw new RangeError(`gpu.count: expected a number > 0, got ${JSON.stringify(count)}`);
    }
    if (!MARKETS.includes(market)) {
      throw new TypeError(`gpu.market: expected one of ${MARKETS.join(', ')}, got ${JSON.stringify(market)}`);
    }
    const base: Reservation['base'] = {
      kind: 'gpu',
      attributes: this.deps.resolve(caller),
      gpu: normalizeGpuModel(gpu),
      count,
      market,
    };
    if (workload !== undefined) base.workload = this.deps.guardValue(ATTR.workload, String(workload));
    if (model !== undefined) base.model = String(model);
    return base;
  }

  private metricAttrs(base: Reservation['base']): Attributes {
    const a: Attributes = { ...base.attributes, [ATTR.gpuModel]: base.gpu, [ATTR.gpuMarket]: base.market };
    if (base.workload !== undefined) a[ATTR.workload] = base.workload;
    if (base.model !== undefined) a[ATTR.requestModel] = base.model;
    return a;
  }

  private ensureTimer(): void {
    if (this.timer || this.deps.accrualIntervalMs <= 0) return;
    this.timer = setInterval(() => this.accrue(), this.deps.accrualIntervalMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Normalizes a GPU model name: `NVIDIA H100 80GB HBM3` → `h100-80gb-hbm3`, `A100-80GB` → `a100-80gb`. */
export function normalizeGpuModel(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^nvidia[\s_-]*/, '')
    .replace(/[\s_]+/g, '-');
}
