import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const run = promisify(execFile);

const CARD = [
  'deployments:',
  '  - name: llama-chat',
  '    model: llama-3.1-8b',
  '    batch_size: 8',
  '    utilization_target: 0.7',
  '    gpu: { model: L4, count: 2, market: spot }',
  '    server: { engine: vllm, selector: \'{job="vllm-llama"}\' }',
  '  - { name: planning-only, batch_size: 4, utilization_target: 0.7 }',
  '',
].join('\n');

describe('burnrate rules with self-hosted deployments', () => {
  it('writes each deployment with gpu its rule file and promtool tests, which promtool passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-deployments-'));
    const card = join(dir, 'card.yaml');
    writeFileSync(card, CARD);
    const out = join(dir, 'out');
    const r = await runCli(['rules', '--card', card, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      / for 0 budgets \(none: health alerts and recording rules only\) and 1 self-hosted deployment \(llama-chat\) into /,
    );
    expect(readdirSync(join(out, 'rules'))).toContain('burnrate-deployment-llama-chat.rules.yml');
    expect(readdirSync(join(out, 'tests'))).toContain('burnrate-deployment-llama-chat.test.yml');
    const test = await run('promtool', [
      'test',
      'rules',
      join(out, 'tests', 'burnrate-deployment-llama-chat.test.yml'),
    ]);
    expect(test.stdout).toContain('SUCCESS');
  }, 60_000);

  it('refuses a deployment whose engine has no rules, naming the field, the value and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-deployments-'));
    const card = join(dir, 'card.yaml');
    writeFileSync(card, CARD.replace('engine: vllm', 'engine: ollama'));
    const r = await runCli(['rules', '--card', card, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('deployments[0].server.engine: expected vllm, sglang or tgi, got "ollama"');
  });
});
