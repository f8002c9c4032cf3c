import { ATTR, METRIC } from '@burnrate/semconv';
import { diag } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import {
  createManualClock,
  createUsageRecorder,
  type GpuUsageRecord,
  normalizeGpuModel,
  type UsageRecord,
} from '../src/index.js';
import { points, privateMeter, sumWhere, total } from './helpers/metrics.js';

function setup() {
  const { meterProvider, reader } = privateMeter();
  const clock = createManualClock();
  const records: UsageRecord[] = [];
  const recorder = createUsageRecorder({
    meterProvider,
    clock,
    gpuAccrualIntervalMs: 0,
    processors: [{ onUsage: (r) => records.push(r) }],
  });
  const gpuRecords = () => records.filter((r): r is GpuUsageRecord => r.kind === 'gpu');
  const reservationEvents = () =>
    records.flatMap((r) => (r.kind === 'gpu_reservation' ? [[r.event, r.id, r.count]] : []));
  return { reader, clock, recorder, gpuRecords, reservationEvents };
}

describe('GPU metering', () => {
  it('tracks synchronous work as wall time times GPU count', async () => {
    const { reader, clock, recorder } = setup();
    const out = recorder.gpu.track({ gpu: 'A100-80GB', count: 4, workload: 'fine_tune' }, () => {
      clock.advance(90_000);
      return 'trained';
    });
    expect(out).toBe('trained');
    const pts = await points(reader, METRIC.gpuTime);
    expect(pts).toEqual([
      {
        value: 360,
        attributes: {
          [ATTR.gpuModel]: 'a100-80gb',
          [ATTR.gpuMarket]: 'on_demand',
          [ATTR.workload]: 'fine_tune',
        },
      },
    ]);
  });

  it('tracks async work until it settles and keeps its rejection for the caller', async () => {
    const { reader, clock, recorder } = setup();
    const ok = recorder.gpu.track({ gpu: 'h100', market: 'spot' }, async () => {
      clock.advance(30_000);
      return 7;
    });
    await expect(ok).resolves.toBe(7);
    const failing = recorder.gpu.track({ gpu: 'h100', market: 'spot' }, async () => {
      clock.advance(10_000);
      throw new Error('OOM');
    });
    await expect(failing).rejects.toThrow('OOM');
    expect(await total(reader, METRIC.gpuTime, { [ATTR.gpuMarket]: 'spot' })).toBe(40);
  });

  it('records once when stop is called twice', async () => {
    const { reader, clock, recorder } = setup();
    const stop = recorder.gpu.start({ gpu: 'l4', count: 2 });
    clock.advance(5_000);
    expect(stop()).toBe(10);
    clock.advance(5_000);
    expect(stop()).toBe(0);
    expect(await total(reader, METRIC.gpuTime)).toBe(10);
  });

  it('accrues reserved GPUs while held and counts them as allocated until released', async () => {
    const { reader, clock, recorder, gpuRecords, reservationEvents } = setup();
    const release = recorder.gpu.reserve({
      gpu: 'h100',
      count: 8,
      market: 'reserved',
      model: 'llama-3.1-70b',
    });
    expect(await total(reader, METRIC.gpuAllocated)).toBe(8);
    clock.advance(60 * 60 * 1000);
    recorder.gpu.accrue();
    expect(await total(reader, METRIC.gpuTime)).toBe(8 * 3600);
    clock.advance(30 * 60 * 1000);
    expect(release()).toBe(8 * 5400);
    expect(release()).toBe(0);
    expect(await total(reader, METRIC.gpuTime, { [ATTR.requestModel]: 'llama-3.1-70b' })).toBe(8 * 5400);
    expect(await total(reader, METRIC.gpuAllocated)).toBe(0);
    expect(gpuRecords().map((r) => [r.gpuSeconds, r.reservationId])).toEqual([
      [28_800, 'r1'],
      [14_400, 'r1'],
    ]);
    expect(reservationEvents()).toEqual([
      ['held', 'r1', 8],
      ['released', 'r1', 8],
    ]);
  });

  it('accrues held reservations on forceFlush and releases them on shutdown', async () => {
    const { reader, clock, recorder, reservationEvents } = setup();
    recorder.gpu.reserve({ gpu: 't4', count: 1 });
    clock.advance(10_000);
    await recorder.forceFlush();
    expect(await total(reader, METRIC.gpuTime)).toBe(10);
    clock.advance(5_000);
    await recorder.shutdown();
    expect(await total(reader, METRIC.gpuTime)).toBe(15);
    expect(await total(reader, METRIC.gpuAllocated)).toBe(0);
    expect(reservationEvents().at(-1)).toEqual(['released', 'r1', 1]);
    expect(recorder.gpu.heldGpus()).toBe(0);
  });

  it('keeps separate series per market', async () => {
    const { reader, clock, recorder } = setup();
    recorder.gpu.track({ gpu: 'h100', market: 'spot' }, () => clock.advance(1000));
    recorder.gpu.track({ gpu: 'h100' }, () => clock.advance(2000));
    const pts = await points(reader, METRIC.gpuTime);
    expect(sumWhere(pts, { [ATTR.gpuMarket]: 'spot' })).toBe(1);
    expect(sumWhere(pts, { [ATTR.gpuMarket]: 'on_demand' })).toBe(2);
  });

  it('reports invalid GPU attributes to the diag logger, naming the field, and still runs the work unmetered', async () => {
    const errors = vi.spyOn(diag, 'error').mockImplementation(() => {});
    const { reader, recorder } = setup();
    expect(recorder.gpu.track({ gpu: '' }, () => 'ran')).toBe('ran');
    expect(recorder.gpu.start({ gpu: 'h100', count: 0 })()).toBe(0);
    expect(recorder.gpu.reserve({ gpu: 'h100', market: 'preemptible' as 'spot' })()).toBe(0);
    expect(errors.mock.calls.map((c) => String(c[1]))).toEqual([
      'TypeError: gpu: expected a GPU model such as "h100" or "a100-80gb", got ""',
      'RangeError: gpu.count: expected a number > 0, got 0',
      'TypeError: gpu.market: expected one of on_demand, spot, reserved, got "preemptible"',
    ]);
    expect(await points(reader, METRIC.gpuTime)).toEqual([]);
    expect(recorder.gpu.heldGpus()).toBe(0);
    errors.mockRestore();
  });

  it('normalizes GPU model names from nvidia-smi and user input alike', () => {
    expect(normalizeGpuModel('NVIDIA H100 80GB HBM3')).toBe('h100-80gb-hbm3');
    expect(normalizeGpuModel('A100_80GB')).toBe('a100-80gb');
    expect(normalizeGpuModel(' L4 ')).toBe('l4');
  });
});
