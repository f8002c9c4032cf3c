import { type CliIo, main } from '../src/index.js';

/** What one in-process run of `burnrate` produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `burnrate ...args` in-process, capturing stdout and stderr. */
export async function runCli(
  args: readonly string[],
  io: Partial<Omit<CliIo, 'stdout' | 'stderr'>> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'burnrate', ...args], {
    ...io,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
