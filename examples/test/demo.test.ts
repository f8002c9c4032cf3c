import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

interface DemoJson {
  report: {
    totalUsd: number;
    queries: number;
    components: Record<string, { usd: number; share: number }>;
    models: Array<{ model: string; provider: string; calls: number }>;
    unpriced: Array<{ subject: string; reason: string }>;
    savings: { byStrategy: Record<string, number> };
    roiPercent?: number;
    recommendations: Array<{ id: string }>;
  };
  capacity: Array<{ deployment: string; requiredInstances: number }>;
  metrics: { inputTokens: number; outputTokens: number; costUsd: number; apiAndGpuUsd: number };
  simulators: { inputTokens: number; outputTokens: number };
}

describe('the demo', () => {
  it('runs the whole story and its numbers add up: tokens reconcile with the simulators, /metrics dollars equal the report', async () => {
    const run = await runExample('demo', ['--duration', '3', '--rate', '10', '--port', '0', '--json'], {
      deadlineMs: 60_000,
    });
    expect(run.code).toBe(0);
    // stdout is the JSON document alone (banner and progress go to stderr), so it pipes into jq.
    const out = JSON.parse(run.stdout) as DemoJson;
    const r = out.report;
    expect(out.metrics.inputTokens).toBe(out.simulators.inputTokens);
    expect(out.metrics.outputTokens).toBe(out.simulators.outputTokens);
    const apiAndGpu = (r.components['api']?.usd ?? 0) + (r.components['gpu']?.usd ?? 0);
    expect(out.metrics.apiAndGpuUsd).toBeCloseTo(apiAndGpu, 12);
    // Fixed and storage costs keep accruing between the report and the scrape: well under a cent.
    expect(Math.abs(out.metrics.costUsd - r.totalUsd)).toBeLessThan(0.001);
    const parts = Object.values(r.components).reduce((s, c) => s + c.usd, 0);
    expect(parts).toBeCloseTo(r.totalUsd, 12);
    expect(Object.values(r.components).reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 9);
    // Every part of the story shows up: the unknown fine-tune unpriced (never $0), GPU time,
    // prompt-cache and spot savings, the self-hosted model, ROI, recommendations, capacity.
    expect(r.unpriced.map((u) => [u.subject, u.reason])).toContainEqual([
      '127.0.0.1/ft:gpt-4o-mini:acme:support-v3:x1',
      'unknown_model',
    ]);
    expect(r.components['gpu']?.usd).toBeGreaterThan(0);
    expect(r.components['storage']?.usd).toBeGreaterThan(0);
    expect(r.components['fixed']?.usd).toBeGreaterThan(0);
    expect(Object.keys(r.savings.byStrategy).sort()).toEqual(
      expect.arrayContaining(['prompt_cache', 'response_cache', 'spot']),
    );
    expect(r.models.some((m) => m.provider === 'self-hosted' && m.model === 'llama-3.1-8b')).toBe(true);
    expect(r.roiPercent).toBeDefined();
    expect(r.recommendations.length).toBeGreaterThan(0);
    expect(out.capacity.map((c) => c.deployment)).toEqual(['llama-on-l4']);
  }, 90_000);

  it('refuses a bad --duration with the flag, the value and usage exit code 2, like the CLI', async () => {
    const run = await runExample('demo', ['--duration', 'abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--duration: expected a number > 0, got "abc"');
  });

  it('says which port is taken and how to pick another, and exits instead of hanging', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const run = await runExample('demo', ['--duration', '1', '--port', String(port)]);
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        `--port: 127.0.0.1:${port} is already in use (another demo or exporter?); stop it, or pass --port 0 for a free port`,
      );
    } finally {
      blocker.close();
    }
  });
});
