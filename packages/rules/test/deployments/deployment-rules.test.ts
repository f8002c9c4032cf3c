import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { loadPriceCard } from '@burnrate/cost-processor';
import { RECORDING_RULE } from '@burnrate/semconv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEPLOYMENT_ALERT,
  deploymentAlertDefinitions,
  deploymentRecordingDefinitions,
  generateDeploymentPromtoolTests,
  generateDeploymentRules,
  RulesError,
  renderArtifacts,
  tenantWindowSeconds,
} from '../../src/index.js';

const run = promisify(execFile);

const card = loadPriceCard({
  gpu: { l4: { spot: 0.35 } },
  deployments: [
    {
      name: 'llama-chat',
      model: 'llama-3.1-8b',
      batch_size: 8,
      utilization_target: 0.7,
      gpu: { model: 'L4', count: 2 },
      server: { engine: 'vllm', selector: '{job="vllm-llama"}' },
    },
    {
      name: 'qwen.spot',
      model: 'qwen-2.5-7b',
      batch_size: 16,
      utilization_target: 0.5,
      window_seconds: 300,
      scope: { feature: 'search' },
      gpu: { model: 'L4', count: 1, market: 'spot', selector: '{job="dcgm", Hostname=~"gpu-.*"}' },
      server: { engine: 'sglang', selector: '{job="sglang", instance!="canary"}' },
      alerts: { idle_share: 0.25, idle_for: '30m', capacity_for: '5m' },
    },
    {
      name: 'mistral-tgi',
      model: 'mistral-7b',
      batch_size: 4,
      utilization_target: 1,
      window_seconds: 90,
      gpu: { model: 'A10G', count: 1 },
      server: { engine: 'tgi', selector: '{job="tgi", instance=~"tgi-(a|b)"}' },
      alerts: { idle_share: 1 },
    },
    {
      name: 'batch-gpus',
      batch_size: 1,
      utilization_target: 1,
      gpu: { model: 'H100', count: 8, selector: '{job="dcgm"}' },
    },
    { name: 'capacity-only', batch_size: 4, utilization_target: 0.7 },
  ],
});

describe('deployment recording rules', () => {
  it('price a deployment at GPU count × the card GPU price for its market, as a constant vector', () => {
    const [llama, qwen] = card.deployments;
    const cost = (d: typeof llama) =>
      d && deploymentRecordingDefinitions(d).find((r) => r.record === RECORDING_RULE.deploymentCostPerHour);
    expect(cost(llama)).toEqual({
      record: RECORDING_RULE.deploymentCostPerHour,
      expr: 'vector(1.6)',
      labels: { burnrate_deployment: 'llama-chat', gen_ai_request_model: 'llama-3.1-8b' },
    });
    expect(cost(qwen)?.expr).toBe('vector(0.35)');
  });

  it('read the engine counters through the card selector: the exact difference over the window, rate() where there is none', () => {
    const llama = card.deployments[0];
    if (!llama) throw new Error('no deployment');
    const tokens = deploymentRecordingDefinitions(llama).filter(
      (r) => r.record === RECORDING_RULE.deploymentTokensPerSecond,
    );
    const x = (name: string) => `${name}{job="vllm-llama"}`;
    expect(tokens.map((r) => [r.labels?.gen_ai_token_type, r.expr])).toEqual([
      [
        'input',
        `sum(((${x('vllm:prompt_tokens_total')} - ${x('vllm:prompt_tokens_total')} offset 1m) >= 0) / 60 or rate(${x('vllm:prompt_tokens_total')}[1m]))`,
      ],
      [
        'output',
        `sum(((${x('vllm:generation_tokens_total')} - ${x('vllm:generation_tokens_total')} offset 1m) >= 0) / 60 or rate(${x('vllm:generation_tokens_total')}[1m]))`,
      ],
    ]);
  });

  it('count tenants over whole windows of at least an hour, so shares outlast a pause in traffic', () => {
    const [llama, qwen, tgi] = card.deployments;
    if (!llama || !qwen || !tgi) throw new Error('no deployment');
    expect([llama, qwen, tgi].map(tenantWindowSeconds)).toEqual([3600, 3600, 3600]);
    expect(tenantWindowSeconds({ windowSeconds: 7000 })).toBe(7000);
    expect(tenantWindowSeconds({ windowSeconds: 1000 })).toBe(4000);
    const tenants = deploymentRecordingDefinitions(llama).find(
      (r) => r.record === RECORDING_RULE.tenantSelfhostedCostPerHour,
    );
    expect(tenants?.expr).toContain(
      'sum by (tenant) (((gen_ai_client_inference_usage_input_tokens_total{gen_ai_request_model="llama-3.1-8b"} - gen_ai_client_inference_usage_input_tokens_total{gen_ai_request_model="llama-3.1-8b"} offset 1h) >= 0) or gen_ai_client_inference_usage_input_tokens_total{gen_ai_request_model="llama-3.1-8b"})',
    );
  });

  it('use utilization series first and running requests ÷ batch_size otherwise', () => {
    const qwen = card.deployments[1];
    if (!qwen) throw new Error('no deployment');
    const busy = deploymentRecordingDefinitions(qwen).find(
      (r) => r.record === RECORDING_RULE.deploymentBusyRatio,
    );
    expect(busy?.expr).toBe(
      'avg(DCGM_FI_DEV_GPU_UTIL{job="dcgm",Hostname=~"gpu-.*"}) / 100 or avg(hw_gpu_utilization{job="dcgm",Hostname=~"gpu-.*"}) or clamp_max(sum(sglang:num_running_reqs{job="sglang",instance!="canary"}) / 16, 1)',
    );
  });

  it('give a deployment without a server only its cost and utilization, and one without GPUs nothing', () => {
    const [, , , gpusOnly, capacityOnly] = card.deployments;
    if (!gpusOnly || !capacityOnly) throw new Error('no deployment');
    expect(deploymentRecordingDefinitions(gpusOnly).map((r) => r.record)).toEqual([
      RECORDING_RULE.deploymentCostPerHour,
      RECORDING_RULE.deploymentBusyRatio,
      RECORDING_RULE.deploymentIdleCostPerHour,
    ]);
    expect(deploymentAlertDefinitions(gpusOnly).map((a) => a.alert)).toEqual([DEPLOYMENT_ALERT.idle]);
    expect(deploymentRecordingDefinitions(capacityOnly)).toEqual([]);
    expect(generateDeploymentRules(card.deployments).map((f) => f.path)).toEqual([
      'rules/burnrate-deployment-llama-chat.rules.yml',
      'rules/burnrate-deployment-qwen-spot.rules.yml',
      'rules/burnrate-deployment-mistral-tgi.rules.yml',
      'rules/burnrate-deployment-batch-gpus.rules.yml',
    ]);
  });

  it('refuse two deployments whose names give one rule file, naming both', () => {
    const a = card.deployments[0];
    if (!a) throw new Error('no deployment');
    expect(() => generateDeploymentRules([a, { ...a, name: 'Llama.Chat' }])).toThrow(RulesError);
    expect(() => generateDeploymentRules([a, { ...a, name: 'Llama.Chat' }])).toThrow(
      'deployments[1].name: "Llama.Chat" gives the rule file name of "llama-chat"',
    );
  });

  it('are part of renderArtifacts, rules and promtool tests alike', () => {
    const paths = renderArtifacts(card).map((f) => f.path);
    expect(paths).toContain('rules/burnrate-deployment-llama-chat.rules.yml');
    expect(paths).toContain('tests/burnrate-deployment-llama-chat.test.yml');
  });
});

describe('generated deployment promtool tests', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('pass `promtool check rules` and `promtool test rules` for vLLM, SGLang, TGI and GPU-only deployments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-deployment-promtool-'));
    dirs.push(dir);
    const files = [
      ...generateDeploymentRules(card.deployments),
      ...generateDeploymentPromtoolTests(card.deployments),
    ];
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    // Each alert of a deployment with a server is expected to fire in some scenario (so the tests are not vacuous).
    for (const t of generateDeploymentPromtoolTests(card.deployments).slice(0, 2)) {
      const firing = t.document.tests.flatMap((g) =>
        (g.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      );
      expect(new Set(firing)).toEqual(new Set([DEPLOYMENT_ALERT.idle, DEPLOYMENT_ALERT.overCapacity]));
    }
    const rules = files.filter((f) => f.path.startsWith('rules/')).map((f) => join(dir, f.path));
    await run('promtool', ['check', 'rules', ...rules]);
    const tests = files.filter((f) => f.path.startsWith('tests/')).map((f) => join(dir, f.path));
    expect(tests).toHaveLength(4);
    const results = await Promise.all(
      tests.map((t) =>
        run('promtool', ['test', 'rules', t]).then(
          (r) => ({ t, ok: true, out: r.stdout }),
          (e: { stdout?: string; stderr?: string }) => ({ t, ok: false, out: `${e.stdout}${e.stderr}` }),
        ),
      ),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 120_000);
});
