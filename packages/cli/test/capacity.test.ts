import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('burnrate capacity (given QPS and latency)', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await runCli(['capacity', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: burnrate capacity [options]');
    for (const flag of [
      '--qps',
      '--latency',
      '--batch',
      '--utilization',
      '--prometheus',
      '--deployment',
      '--window',
      '--json',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('needs 9 instances for 100 QPS at 0.5 s, batch 8, 70 % utilization', async () => {
    const r = await runCli([
      'capacity',
      '--qps',
      '100',
      '--latency',
      '0.5',
      '--batch',
      '8',
      '--utilization',
      '0.7',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'required instances: 9\n  ceil(qps 100 × latency 0.5 s / (batch 8 × utilization 0.7)) = ceil(8.92857)\n',
    );
  });

  it('prints the plan as JSON with --json', async () => {
    const r = await runCli([
      'capacity',
      '--qps',
      '20',
      '--latency',
      '0.8',
      '--batch',
      '4',
      '--utilization',
      '1',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      qps: 20,
      latencySeconds: 0.8,
      batchSize: 4,
      utilizationTarget: 1,
      requiredInstances: 4,
    });
  });

  it('rejects a QPS that is not a number with exit 2, naming the flag and the value', async () => {
    const r = await runCli([
      'capacity',
      '--qps',
      'abc',
      '--latency',
      '0.5',
      '--batch',
      '8',
      '--utilization',
      '0.7',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --qps: expected a number > 0, got "abc"\n(add --help for usage)\n');
  });

  it('rejects a utilization above 1 and a fractional batch with exit 2', async () => {
    const u = await runCli([
      'capacity',
      '--qps',
      '1',
      '--latency',
      '1',
      '--batch',
      '8',
      '--utilization',
      '70',
    ]);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('error: --utilization: expected a fraction in (0, 1], e.g. 0.7, got "70"');
    const b = await runCli([
      'capacity',
      '--qps',
      '1',
      '--latency',
      '1',
      '--batch',
      '2.5',
      '--utilization',
      '0.7',
    ]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('error: --batch: expected a whole number ≥ 1, got "2.5"');
  });

  it('lists every missing flag at once with exit 2', async () => {
    const r = await runCli(['capacity', '--qps', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: capacity: missing --latency <seconds>, --batch <n>, --utilization <fraction>; or give --prometheus URL to measure QPS and latency\n(add --help for usage)\n',
    );
  });

  it('refuses --qps together with --prometheus (exit 2)', async () => {
    const r = await runCli(['capacity', '--qps', '10', '--prometheus', 'http://127.0.0.1:9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: option '--prometheus <url>' cannot be used with option '--qps <n>'");
  });
});
