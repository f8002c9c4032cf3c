import { ATTR, METRIC } from '@burnrate/semconv';
import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createManualClock,
  createUsageRecorder,
  type GpuOptions,
  type GpuUsageRecord,
  normalizeGpuModel,
  type UsageRecord,
  type UsageRecorderOptions,
  withAttributes,
} from '../src/index.js';
import { points, privateMeter, sumWhere, total } from './helpers/metrics.js';

function setup(options: UsageRecorderOptions = {}) {
  const { meterProvider, reader } = privateMeter();
  const clock = createManualClock();
  const records: UsageRecord[] = [];
  const recorder = createUsageRecorder({
    meterProvider,
    clock,
    gpuAccrualIntervalMs: 0,
    processors: [{ onUsage: (r) => records.push(r) }],
    ...options,
  });
  const gpuRecords = () => records.filter((r): r is GpuUsageRecord => r.kind === 'gpu');
  const reservationEvents = () =>
    records.flatMap((r) => (r.kind === 'gpu_reservation' ? [[r.event, r.id, r.count]] : []));
  return { reader, clock, recorder, records, gpuRecords, reservationEvents };
}

describe('GPU metering', () => {
  afterEach(() => vi.restoreAllMocks());

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

  it('reports invalid GPU options to the diag logger, naming the field, and still runs the work unmetered', async () => {
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

  it('treats an attribute named model, count or scope as a caller attribute when passed under attributes, never as an option', async () => {
    const { reader, clock, recorder, gpuRecords } = setup({
      cardinality: { allow: ['model', 'count', 'scope', 'feature', 'tenant'] },
    });
    recorder.gpu.track(
      {
        gpu: 'h100',
        count: 8,
        market: 'spot',
        workload: 'fine_tune',
        model: 'llama-3.1-70b',
        attributes: { model: 'caller-model', count: 3, scope: 'eu', feature: 'x', tenant: 'y' },
      },
      () => clock.advance(10_000),
    );
    const caller = { model: 'caller-model', count: 3, scope: 'eu', feature: 'x', tenant: 'y' };
    expect(await points(reader, METRIC.gpuTime)).toEqual([
      {
        value: 80,
        attributes: {
          ...caller,
          [ATTR.gpuModel]: 'h100',
          [ATTR.gpuMarket]: 'spot',
          [ATTR.workload]: 'fine_tune',
          [ATTR.requestModel]: 'llama-3.1-70b',
        },
      },
    ]);
    expect(gpuRecords()).toEqual([
      {
        kind: 'gpu',
        timeMs: clock.now(),
        attributes: caller,
        gpu: 'h100',
        count: 8,
        market: 'spot',
        workload: 'fine_tune',
        model: 'llama-3.1-70b',
        gpuSeconds: 80,
      },
    ]);
  });

  it('merges caller attributes of start and reserve over static and withAttributes ones, through the cardinality guard, onto GPU-seconds, allocated GPUs and reservation records', async () => {
    const drops = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const { reader, clock, recorder, records } = setup({ attributes: { service: 'trainer' } });
    const release = withAttributes({ tenant: 'acme', feature: 'from-context' }, () =>
      recorder.gpu.reserve({
        gpu: 'l4',
        count: 2,
        market: 'reserved',
        attributes: { feature: 'serving', shard: 7 },
      }),
    );
    const stop = recorder.gpu.start({ gpu: 'l4', attributes: { feature: 'eval' } });
    clock.advance(1000);
    const caller = { service: 'trainer', tenant: 'acme', feature: 'serving' };
    const gpuAttrs = { [ATTR.gpuModel]: 'l4', [ATTR.gpuMarket]: 'reserved' };
    expect(await points(reader, METRIC.gpuAllocated)).toEqual([
      { value: 2, attributes: { ...caller, ...gpuAttrs } },
    ]);
    expect(release()).toBe(2);
    expect(stop()).toBe(1);
    expect(await points(reader, METRIC.gpuTime)).toEqual([
      { value: 2, attributes: { ...caller, ...gpuAttrs } },
      {
        value: 1,
        attributes: {
          service: 'trainer',
          feature: 'eval',
          [ATTR.gpuModel]: 'l4',
          [ATTR.gpuMarket]: 'on_demand',
        },
      },
    ]);
    expect(records.map((r) => [r.kind, r.attributes])).toEqual([
      ['gpu_reservation', caller],
      ['gpu', caller],
      ['gpu_reservation', caller],
      ['gpu', { service: 'trainer', feature: 'eval' }],
    ]);
    // `shard` is not in cardinality.allow: dropped by the guard, as for any caller attribute.
    expect(drops.mock.calls).toEqual([
      ['burnrate: attribute "shard" is not in cardinality.allow and was dropped'],
    ]);
  });

  it('ignores an unknown option key from JavaScript with one diag warning per method naming the key and the fix, and still records', async () => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const { reader, clock, recorder } = setup();
    const options = { gpu: 'h100', count: 2, tenant: 'acme' } as unknown as GpuOptions;
    recorder.gpu.track(options, () => clock.advance(1000));
    recorder.gpu.track(options, () => clock.advance(1000));
    recorder.gpu.start(options)();
    recorder.gpu.reserve(options)();
    const fix = (method: string) =>
      `burnrate: recorder.gpu.${method}: unknown option "tenant" is ignored (options: gpu, count, market, workload, model, attributes); put caller attributes under attributes: { tenant: ... }`;
    expect(warn.mock.calls).toEqual([[fix('track')], [fix('start')], [fix('reserve')]]);
    expect(await points(reader, METRIC.gpuTime)).toEqual([
      { value: 4, attributes: { [ATTR.gpuModel]: 'h100', [ATTR.gpuMarket]: 'on_demand' } },
    ]);
    // TypeScript rejects the same call: options have no index signature.
    // @ts-expect-error tenant is not an option; it belongs under attributes
    recorder.gpu.track({ gpu: 'h100', tenant: 'acme' }, () => undefined);
  });

  it('normalizes GPU model names from nvidia-smi and user input alike', () => {
    expect(normalizeGpuModel('NVIDIA H100 80GB HBM3')).toBe('h100-80gb-hbm3');
    expect(normalizeGpuModel('A100_80GB')).toBe('a100-80gb');
    expect(normalizeGpuModel(' L4 ')).toBe('l4');
  });
});
