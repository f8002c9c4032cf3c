import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTR, METRIC } from '@burnrate/semconv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createManualClock,
  NVIDIA_SMI_FIELDS,
  parseNvidiaSmiCsv,
  parseNvidiaSmiList,
  startNvidiaSmiSampler,
} from '../src/index.js';
import { type Point, points, pointsIn, privateMeter } from './helpers/metrics.js';

const QUERY = `--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`;
const ENERGY_FIELD = 'total_energy_consumption';

// A fake nvidia-smi on PATH: no GPU here. It checks the arguments it is given, like the real one,
// and answers like a host with two H100s and an A100 split into two MIG devices: GPU 1 cannot
// report its power ([N/A]), the A100 in MIG mode no utilization. GPU 0's power draw is read from
// the file `watts` beside the script, so a test can change it between collections; the energy
// counter field is known only while the file `energy-mj` exists (a newer driver).
const FAKE = `#!/bin/sh
DIR=$(dirname "$0")
if [ "$1" = "-L" ]; then
  echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-aaaa)"
  echo "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-bbbb)"
  echo "GPU 2: NVIDIA A100-SXM4-80GB (UUID: GPU-cccc)"
  echo "  MIG 3g.40gb     Device  0: (UUID: MIG-c6d4f1ef-0001)"
  echo "  MIG 2g.20gb     Device  1: (UUID: MIG-c6d4f1ef-0002)"
  exit 0
fi
if [ "$2" != "--format=csv,noheader,nounits" ]; then echo "bad format $2" >&2; exit 2; fi
W=$(cat "$DIR/watts")
case "$1" in
  ${QUERY})
    E0=""; E1=""; E2="" ;;
  ${QUERY},${ENERGY_FIELD})
    if [ ! -f "$DIR/energy-mj" ]; then echo "Field \\"${ENERGY_FIELD}\\" is not a valid field to query." >&2; exit 2; fi
    E0=", $(cat "$DIR/energy-mj")"; E1=", [N/A]"; E2=", 5000" ;;
  *) echo "Field in $1 is not a valid field to query." >&2; exit 2 ;;
esac
echo "0, GPU-aaaa, NVIDIA H100 80GB HBM3, 87, 61440, 81559, $W$E0"
echo "1, GPU-bbbb, NVIDIA H100 80GB HBM3, 3, 1024, 81559, [N/A]$E1"
echo "2, GPU-cccc, NVIDIA A100-SXM4-80GB, [N/A], 30000, 81920, 250.5$E2"
`;

/** `[hw.id, value]` of each point, in GPU order. */
const byGpu = (pts: Point[]): [unknown, number][] =>
  pts.map((p): [unknown, number] => [p.attributes[ATTR.gpuId], p.value]);

describe('nvidia-smi sampler', () => {
  let dir: string;
  let oldPath: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-smi-'));
    await writeFile(join(dir, 'nvidia-smi'), FAKE);
    await chmod(join(dir, 'nvidia-smi'), 0o755);
    oldPath = process.env['PATH'];
    process.env['PATH'] = `${dir}:${oldPath}`;
  });
  beforeEach(async () => {
    await writeFile(join(dir, 'watts'), '100');
    await rm(join(dir, 'energy-mj'), { force: true });
  });
  afterAll(async () => {
    process.env['PATH'] = oldPath;
    await rm(dir, { recursive: true });
  });

  it('reports utilization as a ratio, memory in bytes and power in watts for each of several GPUs, leaving out fields printed as [N/A]', async () => {
    const { meterProvider, reader } = privateMeter();
    const sampler = startNvidiaSmiSampler({ meterProvider });
    const { resourceMetrics } = await reader.collect();
    expect(byGpu(pointsIn(resourceMetrics, METRIC.gpuUtilization))).toEqual([
      ['GPU-aaaa', 0.87],
      ['GPU-bbbb', 0.03],
    ]);
    expect(byGpu(pointsIn(resourceMetrics, METRIC.gpuMemoryUsage))).toEqual([
      ['GPU-aaaa', 61440 * 1048576],
      ['GPU-bbbb', 1024 * 1048576],
      ['GPU-cccc', 30000 * 1048576],
    ]);
    const power = pointsIn(resourceMetrics, METRIC.gpuPower);
    expect(byGpu(power)).toEqual([
      ['GPU-aaaa', 100],
      ['GPU-cccc', 250.5],
    ]);
    expect(power[1]?.attributes).toEqual({
      [ATTR.gpuId]: 'GPU-cccc',
      [ATTR.gpuName]: 'NVIDIA A100-SXM4-80GB',
      [ATTR.gpuIndex]: 2,
      [ATTR.hwType]: 'gpu',
    });
    sampler.stop();
  });

  it('lists the MIG devices under their parent GPU from nvidia-smi -L', async () => {
    const sampler = startNvidiaSmiSampler({ meterProvider: privateMeter().meterProvider });
    const gpus = await sampler.sample();
    expect(gpus.map((g) => [g.uuid, g.migDevices])).toEqual([
      ['GPU-aaaa', []],
      ['GPU-bbbb', []],
      [
        'GPU-cccc',
        [
          { profile: '3g.40gb', deviceIndex: 0, uuid: 'MIG-c6d4f1ef-0001' },
          { profile: '2g.20gb', deviceIndex: 1, uuid: 'MIG-c6d4f1ef-0002' },
        ],
      ],
    ]);
    sampler.stop();
  });

  it('integrates power into energy between collections with the trapezoid rule, per GPU', async () => {
    const { meterProvider, reader } = privateMeter();
    const clock = createManualClock();
    const sampler = startNvidiaSmiSampler({ meterProvider, clock });
    // First reading: 100 W on GPU 0, 250.5 W on GPU 2; nothing integrated yet.
    expect(byGpu(await points(reader, METRIC.gpuEnergy))).toEqual([
      ['GPU-aaaa', 0],
      ['GPU-cccc', 0],
    ]);
    clock.advance(10_000);
    await writeFile(join(dir, 'watts'), '300');
    // 10 s between 100 W and 300 W: (100 + 300) / 2 × 10 = 2000 J; GPU 2 at 250.5 W: 2505 J.
    expect(byGpu(await points(reader, METRIC.gpuEnergy))).toEqual([
      ['GPU-aaaa', 2000],
      ['GPU-cccc', 2505],
    ]);
    clock.advance(5_000);
    // 5 more s at 300 W: + 1500 J; GPU 2: + 1252.5 J. GPU 1 never had a power reading: no energy.
    expect(byGpu(await points(reader, METRIC.gpuEnergy))).toEqual([
      ['GPU-aaaa', 3500],
      ['GPU-cccc', 3757.5],
    ]);
    sampler.stop();
  });

  it("reports nvidia-smi's energy counter in joules where the driver has the configured field", async () => {
    await writeFile(join(dir, 'energy-mj'), '123456789');
    const { meterProvider, reader } = privateMeter();
    const sampler = startNvidiaSmiSampler({ meterProvider, energyCounterField: ENERGY_FIELD });
    // 123456789 mJ = 123456.789 J; GPU 1's counter is [N/A] and it has no power to integrate.
    expect(byGpu(await points(reader, METRIC.gpuEnergy))).toEqual([
      ['GPU-aaaa', 123456.789],
      ['GPU-cccc', 5],
    ]);
    sampler.stop();
  });

  it('falls back to integrating power when the driver rejects the energy counter field', async () => {
    const { meterProvider, reader } = privateMeter();
    const clock = createManualClock();
    const sampler = startNvidiaSmiSampler({ meterProvider, clock, energyCounterField: ENERGY_FIELD });
    await points(reader, METRIC.gpuEnergy);
    clock.advance(4_000);
    // 4 s at 100 W on GPU 0 = 400 J; 4 s at 250.5 W on GPU 2 = 1002 J.
    expect(byGpu(await points(reader, METRIC.gpuEnergy))).toEqual([
      ['GPU-aaaa', 400],
      ['GPU-cccc', 1002],
    ]);
    sampler.stop();
  });

  it('reports nothing, without failing the collection, when nvidia-smi is missing', async () => {
    const { meterProvider, reader } = privateMeter();
    startNvidiaSmiSampler({ meterProvider, command: join(dir, 'no-such-nvidia-smi') });
    expect(await points(reader, METRIC.gpuUtilization)).toEqual([]);
    expect(await points(reader, METRIC.gpuPower)).toEqual([]);
  });

  it('keeps a GPU whose utilization and power are [N/A], with the fields it did report', () => {
    expect(
      parseNvidiaSmiCsv(
        '0, GPU-x, Tesla T4, [N/A], 10, 15360, [N/A]\n1, GPU-y, Tesla T4, 50, 10, 15360, 27.5\n',
      ),
    ).toEqual([
      {
        index: 0,
        uuid: 'GPU-x',
        name: 'Tesla T4',
        memoryUsedBytes: 10485760,
        memoryTotalBytes: 16106127360,
        migDevices: [],
      },
      {
        index: 1,
        uuid: 'GPU-y',
        name: 'Tesla T4',
        utilization: 0.5,
        memoryUsedBytes: 10485760,
        memoryTotalBytes: 16106127360,
        powerWatts: 27.5,
        migDevices: [],
      },
    ]);
  });

  it('reads the older MIG UUID form of nvidia-smi -L', () => {
    const list = parseNvidiaSmiList(
      'GPU 0: A100-SXM4-40GB (UUID: GPU-5d5b)\n  MIG 1g.5gb Device 0: (UUID: MIG-GPU-5d5b/7/0)\n',
    );
    expect([...list]).toEqual([
      ['GPU-5d5b', [{ profile: '1g.5gb', deviceIndex: 0, uuid: 'MIG-GPU-5d5b/7/0' }]],
    ]);
  });
});
