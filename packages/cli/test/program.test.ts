import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

describe('burnrate', () => {
  it('lists every command and the exit codes with --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: burnrate <command> [options]');
    for (const command of ['report', 'capacity', 'price', 'rules', 'check'])
      expect(r.stdout).toContain(`  ${command} `);
    expect(r.stdout).toContain('Exit codes: 0 ok; 1 failure');
  });

  it('prints the help on stderr and exits 2 without a command', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: burnrate <command> [options]');
  });

  it('exits 2 on an unknown command, suggesting the closest one', async () => {
    const r = await runCli(['reprot']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'reprot'");
    expect(r.stderr).toContain('(Did you mean report?)');
  });

  it('exits 2 on an unknown option', async () => {
    const r = await runCli(['price', 'gpt-4o', '--input', '1', '--output', '1', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--frobnicate'");
  });

  it('prints the version with --version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('0.1.0\n');
  });

  it('starts as a program from the bin script, and exits with the command’s code', async () => {
    const help = await run(process.execPath, ['--import', 'tsx', 'packages/cli/src/bin.ts', '--help'], {
      cwd: REPO_ROOT,
    });
    expect(help.stdout).toContain('Usage: burnrate <command> [options]');
    const price = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'packages/cli/src/bin.ts',
        'price',
        'gpt-4o',
        '--input',
        '1000000',
        '--output',
        '1000000',
      ],
      { cwd: REPO_ROOT },
    );
    expect(price.stdout.split('\n')[0]).toBe('gpt-4o: $12.50');
    await expect(
      run(process.execPath, ['--import', 'tsx', 'packages/cli/src/bin.ts', 'capacity', '--qps', 'x'], {
        cwd: REPO_ROOT,
      }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--qps: expected a number > 0, got "x"'),
    });
  });
});
