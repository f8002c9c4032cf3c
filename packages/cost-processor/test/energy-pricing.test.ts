import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createManualClock,
  createUsageRecorder,
  type EnergyUsageRecord,
  startNvidiaSmiSampler,
} from '@burnrate/sdk';
import { ATTR, COST_METRIC } from '@burnrate/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostProcessor, loadPriceCard, PriceCardError } from '../src/index.js';
import { priceEnergy } from '../src/internal/pricing/energy-pricer.js';
import { points, testMeter } from './helpers.js';

const USD_PER_KWH = 0.12;
const J_PER_KWH = 3_600_000;

// A fake nvidia-smi (no GPU here): one L4 drawing the watts written in the file beside it.
const FAKE = `#!/bin/sh
if [ "$1" = "-L" ]; then echo "GPU 0: NVIDIA L4 (UUID: GPU-l4)"; exit 0; fi
echo "0, GPU-l4, NVIDIA L4, 90, 20000, 23034, $(cat "$(dirname "$0")/watts")"
`;

describe('energy priced at the card’s $/kWh', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-smi-energy-'));
    await writeFile(join(dir, 'nvidia-smi'), FAKE);
    await chmod(join(dir, 'nvidia-smi'), 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true });
  });

  it('prices an energy record at joules ÷ 3.6e6 × $/kWh as GPU cost of that GPU model', () => {
    const card = loadPriceCard({ energy: { usd_per_kwh: USD_PER_KWH } });
    const record: EnergyUsageRecord = {
      kind: 'energy',
      timeMs: 0,
      attributes: { team: 'ml' },
      joules: 5.4e6,
      gpu: 'NVIDIA L4',
    };
    expect(priceEnergy(card, record)).toEqual({
      usd: (5.4e6 / J_PER_KWH) * USD_PER_KWH,
      kwh: 1.5,
      usdPerKwh: USD_PER_KWH,
      attributes: {
        team: 'ml',
        [ATTR.costComponent]: 'gpu',
        [ATTR.priceSource]: 'card',
        [ATTR.unit]: 'kwh',
        [ATTR.gpuModel]: 'l4',
      },
    });
  });

  it('leaves energy unpriced, not $0 and not unpriced usage, when the card sets no $/kWh (cloud GPU prices include power)', () => {
    const record: EnergyUsageRecord = { kind: 'energy', timeMs: 0, attributes: {}, joules: 1000 };
    expect(priceEnergy(loadPriceCard({}), record)).toBeUndefined();
  });

  it('turns the sampler’s integrated energy into dollars in the report and on burnrate.cost.usd', async () => {
    const { meterProvider, reader } = testMeter();
    const clock = createManualClock();
    const costs = createCostProcessor({ priceCard: { energy: { usd_per_kwh: USD_PER_KWH } } });
    const recorder = createUsageRecorder({
      meterProvider,
      clock,
      processors: [costs],
      gpuAccrualIntervalMs: 0,
    });
    await writeFile(join(dir, 'watts'), '60');
    const sampler = startNvidiaSmiSampler({
      meterProvider,
      clock,
      recorder,
      command: join(dir, 'nvidia-smi'),
    });
    await sampler.sample(); // baseline at 60 W
    clock.advance(3_600_000);
    await writeFile(join(dir, 'watts'), '72');
    await sampler.sample(); // one hour from 60 W to 72 W: (60 + 72) / 2 × 3600 = 237,600 J
    const joules = ((60 + 72) / 2) * 3600;
    const usd = (joules / J_PER_KWH) * USD_PER_KWH;
    expect(costs.report().components.gpu.usd).toBeCloseTo(usd, 12);
    const cost = await points(reader, COST_METRIC.cost);
    const energy = cost.filter((p) => p.attributes[ATTR.unit] === 'kwh');
    expect(energy).toHaveLength(1);
    expect(energy[0]?.attributes[ATTR.gpuModel]).toBe('l4');
    expect(energy[0]?.value).toBeCloseTo(usd, 12);
    sampler.stop();
    await recorder.shutdown();
  });

  it('rejects an energy price that is not a positive number, naming the field and the fix', () => {
    const bad = (): unknown => loadPriceCard({ energy: { usd_per_kwh: '12 cents' as unknown as number } });
    expect(bad).toThrow(PriceCardError);
    expect(bad).toThrow(/energy\.usd_per_kwh: expected a positive number \(USD per kWh\).*0\.12/s);
  });
});
