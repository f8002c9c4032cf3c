import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTR, METRIC } from '@burnrate/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNvidiaSmiCsv, startNvidiaSmiSampler } from '../src/index.js';
import { points, privateMeter } from './helpers/metrics.js';

// A fake nvidia-smi on PATH: no GPU here. It checks the query it is given, like the real one would.
const FAKE = `#!/bin/sh
case "$1" in
  --query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total) ;;
  *) echo "unknown query $1" >&2; exit 2 ;;
esac
echo "0, GPU-aaaa, NVIDIA H100 80GB HBM3, 87, 61440, 81559"
echo "1, GPU-bbbb, NVIDIA H100 80GB HBM3, 3, 1024, 81559"
`;

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
  afterAll(async () => {
    process.env['PATH'] = oldPath;
    await rm(dir, { recursive: true });
  });

  it('reports utilization as a ratio and memory in bytes per GPU on each collection', async () => {
    const { meterProvider, reader } = privateMeter();
    const sampler = startNvidiaSmiSampler({ meterProvider });
    const util = await points(reader, METRIC.gpuUtilization);
    expect(util.map((p) => [p.attributes[ATTR.gpuId], p.value])).toEqual([
      ['GPU-aaaa', 0.87],
      ['GPU-bbbb', 0.03],
    ]);
    const mem = await points(reader, METRIC.gpuMemoryUsage);
    expect(mem.map((p) => p.value)).toEqual([61440 * 1048576, 1024 * 1048576]);
    sampler.stop();
  });

  it('reports nothing, without failing the collection, when nvidia-smi is missing', async () => {
    const { meterProvider, reader } = privateMeter();
    startNvidiaSmiSampler({ meterProvider, command: join(dir, 'no-such-nvidia-smi') });
    expect(await points(reader, METRIC.gpuUtilization)).toEqual([]);
  });

  it('skips GPUs whose fields nvidia-smi prints as [N/A]', () => {
    expect(
      parseNvidiaSmiCsv('0, GPU-x, Tesla T4, [N/A], 10, 15360\n1, GPU-y, Tesla T4, 50, 10, 15360\n'),
    ).toEqual([
      {
        index: 1,
        uuid: 'GPU-y',
        name: 'Tesla T4',
        utilization: 0.5,
        memoryUsedBytes: 10485760,
        memoryTotalBytes: 16106127360,
      },
    ]);
  });
});
