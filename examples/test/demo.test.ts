import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatUsd } from '@burnrate/cost-processor';
import { describe, expect, it } from 'vitest';
import { missingBinaries } from '../demo/local-stack.js';
import { runExample } from './run-example.js';

interface DemoJson {
  report: {
    totalUsd: number;
    queries: number;
    failedCalls: number;
    projectedMonthlyUsd?: number;
    components: Record<string, { usd: number; share: number }>;
    models: Array<{ model: string; provider: string; calls: number; queries: number; failedCalls: number }>;
    unpriced: Array<{ subject: string; reason: string }>;
    savings: { byStrategy: Record<string, number> };
    roiPercent?: number;
    recommendations: Array<{ id: string }>;
    budgets: Array<{
      name: string;
      enforcement?: {
        action: string;
        blocked: { calls: number; usd: number };
        downgraded: { calls: number; usd: number };
      };
    }>;
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
    expect(r.models.some((m) => m.provider === 'gcp.gemini' && m.model === 'gemini-2.5-flash')).toBe(true);
    // The AI SDK call (its OpenAI provider names itself openai) and the Bedrock Converse call.
    expect(r.models.some((m) => m.provider === 'openai' && m.model.startsWith('gpt-4o-mini'))).toBe(true);
    expect(
      r.models.some(
        (m) => m.provider === 'aws.bedrock' && m.model === 'anthropic.claude-3-5-haiku-20241022-v1:0',
      ),
    ).toBe(true);
    // Budgets that act: the second summary no longer fits and is blocked before it is sent; the
    // second escalation goes to gpt-4o-mini instead of o4-mini.
    const enforcement = (name: string) => r.budgets.find((b) => b.name === name)?.enforcement;
    expect(enforcement('summaries-daily')?.action).toBe('block');
    expect(enforcement('summaries-daily')?.blocked.calls).toBeGreaterThanOrEqual(1);
    expect(enforcement('summaries-daily')?.blocked.usd).toBeGreaterThan(0);
    expect(enforcement('escalation-daily')?.action).toBe('downgrade');
    expect(enforcement('escalation-daily')?.downgraded.calls).toBeGreaterThanOrEqual(1);
    expect(r.roiPercent).toBeDefined();
    expect(r.recommendations.length).toBeGreaterThan(0);
    expect(out.capacity.map((c) => c.deployment)).toEqual(['llama-on-l4']);
    // One meaning of query: calls that did not fail, model by model and in total.
    expect(r.models.reduce((s, m) => s + m.queries, 0)).toBe(r.queries);
    expect(r.models.reduce((s, m) => s + m.calls, 0)).toBe(r.queries + r.failedCalls);
    expect(r.projectedMonthlyUsd).toBeGreaterThan(0);
  }, 90_000);

  it('prints one monthly projection, from the period the spend covers, one meaning of query, and GPU rows that multiply out', async () => {
    const run = await runExample('demo', ['--duration', '2', '--rate', '10', '--port', '0'], {
      deadlineMs: 60_000,
    });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const projections = lines.filter((l) => /per 30-day month|^at this rate/i.test(l));
    expect(projections).toHaveLength(1);
    const monthly =
      /^at this rate: (\$[\d,.]+) per 30-day month \((\$[\d,.]+) over the ([\d.]+) s of the period\)$/.exec(
        projections[0] ?? '',
      );
    expect(monthly).not.toBeNull();
    // The period is the workload's 2 s (20 requests started 0.1 s apart), not the set-up before it.
    expect(Number(monthly?.[3])).toBeGreaterThanOrEqual(1.9);
    expect(Number(monthly?.[3])).toBeLessThan(4);
    // The 30-day budget on all spend projects the same number.
    const llmMonthly = lines.find((l) => l.startsWith('llm-monthly '));
    expect(llmMonthly).toContain(`${monthly?.[1]}/30d`);
    // The progress line counts what the report counts.
    const queries = /^queries: (\d+) \(one query = one successful LLM call\)$/m.exec(run.stdout)?.[1];
    const failed = /^failed calls: (\d+) /m.exec(run.stdout)?.[1];
    expect(queries).toBeDefined();
    expect(run.stdout).toMatch(new RegExp(`\\] ${queries} queries, ${failed} failed calls, `));
    // GPU-hours × $/h = USD, as printed.
    const header = lines.findIndex((l) => l.startsWith('gpu ') && l.includes('GPU-hours'));
    const rows = lines
      .slice(header + 2)
      .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.trim() !== ''))
      .map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => r[0]).sort()).toEqual(['a100-80gb', 'l4']);
    for (const [, , hours, rate, usd] of rows) expect(formatUsd(Number(hours) * Number(rate))).toBe(usd);
  }, 90_000);

  it('with --with-prometheus, leaves the seconds Prometheus takes to start out of the period it projects from', async () => {
    // ./scripts/test.sh installs Prometheus and Alertmanager; a missing binary is a failure, not a skip.
    expect(missingBinaries()).toEqual([]);
    const run = await runExample(
      'demo',
      ['--duration', '2', '--rate', '10', '--port', '0', '--with-prometheus'],
      {
        deadlineMs: 90_000,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('are watching the budgets.');
    const period = /^period: \S+ → \S+ \(([\d.]+) s\)$/m.exec(run.stdout)?.[1];
    // Prometheus takes about 5 s to discover its target; that wait used to be in the period.
    expect(Number(period)).toBeGreaterThanOrEqual(1.9);
    expect(Number(period)).toBeLessThan(4);
    expect(run.stdout.split('\n').filter((l) => /per 30-day month/.test(l))).toHaveLength(1);
    expect(run.stdout).toContain(`over the ${period} s of the period)`);
  }, 120_000);

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
