import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
// From source the shebang runs `node --import tsx`, which resolves tsx from the working directory.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('burnrate-sim --vllm-model', () => {
  it('prints its vLLM metrics URL and counts there the tokens it served for that model', async () => {
    const child = spawn(bin, ['--port', '0', '--vllm-model', 'llama-3.1-8b'], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const metricsUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (data: string) => {
          output += data;
          const match = /vLLM metrics at (http:\/\/\S+\/metrics)\n/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`burnrate-sim exited with ${code}: ${output}`)));
      });
      const client = new OpenAI({
        baseURL: metricsUrl.replace(/\/metrics$/, '/v1'),
        apiKey: 'test',
        maxRetries: 0,
      });
      const completion = await client.chat.completions.create({
        model: 'llama-3.1-8b',
        messages: [{ role: 'user', content: 'hello' }],
        max_tokens: 8,
      });
      const text = await (await fetch(metricsUrl)).text();
      expect(text).toContain(
        `vllm:prompt_tokens_total{engine="0",model_name="llama-3.1-8b"} ${completion.usage?.prompt_tokens}\n`,
      );
      expect(text).toContain('vllm:generation_tokens_total{engine="0",model_name="llama-3.1-8b"} 8\n');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
