import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
// From source the shebang runs `node --import tsx`, which resolves tsx from the working directory.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('burnrate-sim', () => {
  it('prints its URL, serves the API and exits cleanly on SIGTERM', async () => {
    const child = spawn(bin, ['--port', '0'], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (data: string) => {
          output += data;
          const match = /API at (http:\/\/\S+\/v1)\n/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.stderr.on('data', (data: Buffer) => {
          output += data.toString();
        });
        child.once('exit', (code) => reject(new Error(`burnrate-sim exited with ${code}: ${output}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const client = new OpenAI({ baseURL: url, apiKey: 'test', maxRetries: 0 });
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hello' }],
        max_tokens: 8,
      });
      expect(completion.usage?.completion_tokens).toBe(8);
      const ledger = (await (await fetch(url.replace(/\/v1$/, '/_burnrate/ledger'))).json()) as {
        reported: { totals: { output: number } };
      };
      expect(ledger.reported.totals.output).toBe(8);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses an unknown option like a bad --port: the message, the usage and exit code 2', async () => {
    for (const args of [['--bogus'], ['--port', 'x']]) {
      const child = spawn(bin, args, { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const [code] = await once(child, 'exit');
      expect([args, code]).toEqual([args, 2]);
      expect(stderr).toMatch(/^burnrate-sim: /);
    }
  });
});
