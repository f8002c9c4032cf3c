/**
 * End to end for a self-hosted deployment: real Prometheus, loaded with the rules `renderArtifacts`
 * generates from a card with a vLLM deployment, scrapes the simulator acting as that vLLM server and
 * an instrumented app (a real PrometheusExporter) calling it for two tenants. The recorded cost per
 * 1M tokens by direction, idle cost and tenants' shares must equal what this test computes from the
 * card's GPU price and the simulator's ledger: all traffic falls inside one window of the rules, after
 * a window in which Prometheus saw the engine's counters at zero.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEPLOYMENT_ALERT, renderArtifacts } from '@burnrate/rules';
import { ENGINE_METRICS, LABEL, PROM, RECORDING_RULE } from '@burnrate/semconv';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPriceCard } from '../../packages/cost-processor/src/index.js';
import { type Simulator, startSimulator } from '../../packages/llm-simulator/src/index.js';
import { createUsageRecorder, instrumentOpenAI, withAttributes } from '../../packages/sdk/src/index.js';
import { type PromSample, type RunningPrometheus, startPrometheus, waitFor } from './harness/index.js';

const MODEL = 'llama-3.1-8b';
const WINDOW_SECONDS = 45;
const BATCH_SIZE = 4;
const GPU_COUNT = 2;
/** The simulator's modelled engine speeds (its defaults), tokens per second. */
const PREFILL_TPS = 8192;
const DECODE_TPS = 128;

const card = loadPriceCard({
  deployments: [
    {
      name: 'llama-chat',
      model: MODEL,
      batch_size: BATCH_SIZE,
      utilization_target: 0.7,
      window_seconds: WINDOW_SECONDS,
      gpu: { model: 'L4', count: GPU_COUNT, market: 'on_demand' },
      server: { engine: 'vllm', selector: '{job="vllm-llama"}' },
    },
  ],
});

/** Relative difference, for float rounding only. */
function close(actual: number | undefined, expected: number): boolean {
  return actual !== undefined && Math.abs(actual - expected) <= Math.abs(expected) * 1e-9;
}

describe('a self-hosted vLLM deployment priced by real Prometheus from the generated rules', () => {
  let sim: Simulator;
  let prom: RunningPrometheus;
  let app: Server;
  let meterProvider: MeterProvider;
  let held: Promise<unknown> | undefined;
  const tenantTokens: Record<string, number> = {};

  beforeAll(
    async () => {
      sim = await startSimulator({ vllm: { model: MODEL } });
      const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
      meterProvider = new MeterProvider({ readers: [exporter] });
      app = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
      await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
      const appPort = (app.address() as AddressInfo).port;
      const files = new Map(
        renderArtifacts(card)
          .filter((f) => f.path.startsWith('rules/'))
          .map((f) => [f.path, f.content] as const),
      );
      prom = await startPrometheus({
        config: [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          'rule_files: ["rules/*.yml"]',
          'scrape_configs:',
          `  - { job_name: vllm-llama, static_configs: [{ targets: ["127.0.0.1:${sim.port}"] }] }`,
          `  - { job_name: app, static_configs: [{ targets: ["127.0.0.1:${appPort}"] }] }`,
          '',
        ].join('\n'),
        files,
      });

      // The rules take the exact difference over the window once the engine has a window of history:
      // let Prometheus see its counters at zero for a whole window before any traffic (bounded poll).
      await waitFor(
        async () =>
          (
            await prom.query(
              `${ENGINE_METRICS.vllm.inputTokens.name}{job="vllm-llama"} offset ${WINDOW_SECONDS + 1}s`,
            )
          ).length === 1,
        { what: 'a window of the engine series at zero', timeoutMs: (WINDOW_SECONDS + 30) * 1000 },
      );
      const recorder = createUsageRecorder({ meterProvider });
      const client = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
        recorder,
      });
      const served = (): number => {
        const t = sim.ledger().served.models[MODEL];
        return (t?.input ?? 0) + (t?.output ?? 0);
      };
      const calls: Record<string, Array<{ content: string; max_tokens: number; stream: boolean }>> = {
        acme: [
          {
            content: 'Summarize our refund policy for a customer who bought a GPU last week.',
            max_tokens: 120,
            stream: false,
          },
          { content: 'Write a haiku about idle GPUs.', max_tokens: 40, stream: true },
          { content: 'List three ways to batch inference requests.', max_tokens: 90, stream: false },
        ],
        globex: [{ content: 'Hello!', max_tokens: 25, stream: false }],
      };
      for (const [tenant, list] of Object.entries(calls)) {
        const before = served();
        await withAttributes({ tenant }, async () => {
          for (const c of list) {
            const messages = [{ role: 'user' as const, content: c.content }];
            if (c.stream) {
              const stream = await client.chat.completions.create({
                model: MODEL,
                messages,
                max_tokens: c.max_tokens,
                stream: true,
              });
              for await (const _ of stream) {
                // drain
              }
            } else {
              await client.chat.completions.create({ model: MODEL, messages, max_tokens: c.max_tokens });
            }
          }
        });
        tenantTokens[tenant] = served() - before;
      }
      // One request in flight (not metered by the app): the engine has 1 of its batch of 4 running.
      held = fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-burnrate-fault': 'slow-first-chunk:600000' },
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'wait' }] }),
      }).catch(() => undefined);
    },
    (WINDOW_SECONDS + 90) * 1000,
  );

  afterAll(async () => {
    await prom?.stop();
    await meterProvider?.shutdown();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    await sim?.close();
    await held;
  });

  /** Every query of one check is evaluated at the same instant, so all values come from one rule evaluation. */
  let at = 0;
  async function recorded(rule: string): Promise<PromSample[]> {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(rule)}&time=${at}`);
    const body = (await res.json()) as {
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  it('charges the whole GPU cost to the tokens served, split by prefill and decode time, with idle cost and tenant shares to the ledger', async () => {
    const ledger = sim.ledger().served.models[MODEL];
    if (!ledger) throw new Error('the simulator served nothing');
    expect(sim.ledger().reported.models[MODEL]).toEqual(ledger);
    const input = ledger.input;
    const output = ledger.output;
    // Wait (bounded) until Prometheus has scraped everything and evaluated the rules on it.
    await waitFor(
      async () => {
        at = Date.now() / 1000;
        const [tokens] = await recorded(
          `${RECORDING_RULE.deploymentTokensPerSecond}{${LABEL.tokenType}="output"}`,
        );
        const [busy] = await recorded(RECORDING_RULE.deploymentBusyRatio);
        const tenants = await recorded(RECORDING_RULE.tenantSelfhostedCostPerHour);
        const appTokens = await recorded(`sum(${PROM.inputTokens}) + sum(${PROM.outputTokens})`);
        return (
          close(tokens?.value, output / WINDOW_SECONDS) &&
          busy?.value === 1 / BATCH_SIZE &&
          tenants.length === 2 &&
          appTokens[0]?.value === input + output
        );
      },
      { what: 'the rules to see every served token and the request in flight', timeoutMs: 60_000 },
    );

    // Expected values, from the card's GPU price and the ledger.
    const usdPerGpuHour = card.gpu['l4']?.on_demand?.usdPerHour ?? Number.NaN;
    expect(usdPerGpuHour).toBe(0.8);
    const costPerHour = GPU_COUNT * usdPerGpuHour;
    const prefill = input / PREFILL_TPS;
    const decode = output / DECODE_TPS;
    const windowCost = (costPerHour * WINDOW_SECONDS) / 3600;
    const expectedPer1m = {
      input: ((windowCost * prefill) / (prefill + decode) / input) * 1e6,
      output: ((windowCost * decode) / (prefill + decode) / output) * 1e6,
    };

    const byDirection = async (rule: string): Promise<Record<string, number>> =>
      Object.fromEntries((await recorded(rule)).map((s) => [s.metric[LABEL.tokenType] ?? '', s.value]));
    expect(await recorded(RECORDING_RULE.deploymentCostPerHour)).toEqual([
      {
        metric: {
          __name__: RECORDING_RULE.deploymentCostPerHour,
          burnrate_deployment: 'llama-chat',
          gen_ai_request_model: MODEL,
        },
        value: costPerHour,
      },
    ]);
    const tps = await byDirection(RECORDING_RULE.deploymentTokensPerSecond);
    expect(close(tps['input'], input / WINDOW_SECONDS)).toBe(true);
    expect(close(tps['output'], output / WINDOW_SECONDS)).toBe(true);
    const per1m = await byDirection(RECORDING_RULE.deploymentCostPer1mTokens);
    expect(per1m['input']).toBeCloseTo(expectedPer1m.input, 9);
    expect(per1m['output']).toBeCloseTo(expectedPer1m.output, 9);
    expect(close(per1m['input'], expectedPer1m.input)).toBe(true);
    expect(close(per1m['output'], expectedPer1m.output)).toBe(true);
    // Every dollar of the window lands on a token: cost per 1M × tokens = the window's cost.
    expect(close(((per1m['input'] ?? 0) * input + (per1m['output'] ?? 0) * output) / 1e6, windowCost)).toBe(
      true,
    );

    const [idle] = await recorded(RECORDING_RULE.deploymentIdleCostPerHour);
    expect(close(idle?.value, costPerHour * (1 - 1 / BATCH_SIZE))).toBe(true);

    const tenants = Object.fromEntries(
      (await recorded(RECORDING_RULE.tenantSelfhostedCostPerHour)).map((s) => [
        s.metric[LABEL.tenant],
        s.value,
      ]),
    );
    const all = (tenantTokens['acme'] ?? 0) + (tenantTokens['globex'] ?? 0);
    expect(all).toBe(input + output);
    expect(Object.keys(tenants).sort()).toEqual(['acme', 'globex']);
    for (const t of ['acme', 'globex']) {
      expect(close(tenants[t], (costPerHour * (tenantTokens[t] ?? 0)) / all)).toBe(true);
    }
    expect(close((tenants['acme'] ?? 0) + (tenants['globex'] ?? 0), costPerHour)).toBe(true);

    // Three quarters of $1.60/h idle is past the default half: the idle alert is pending (for: 1h).
    const idleAlert = await waitFor(
      async () => (await prom.alerts()).find((a) => a.labels['alertname'] === DEPLOYMENT_ALERT.idle),
      { what: 'the idle alert to be evaluated', timeoutMs: 30_000 },
    );
    expect(idleAlert.state).toBe('pending');
    expect(idleAlert.labels[LABEL.deployment]).toBe('llama-chat');
    expect(Number(idleAlert.value)).toBeCloseTo(costPerHour * (1 - 1 / BATCH_SIZE), 12);
    expect(
      (await prom.alerts()).filter((a) => a.labels['alertname'] === DEPLOYMENT_ALERT.overCapacity),
    ).toEqual([]);
  }, 90_000);

  it('loads every generated deployment rule and evaluates it without an error', async () => {
    const res = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as {
      data: {
        groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }>;
      };
    };
    const group = res.data.groups.find((g) => g.name === 'burnrate-deployment-llama-chat');
    expect(group?.rules.map((r) => r.name)).toEqual([
      RECORDING_RULE.deploymentCostPerHour,
      RECORDING_RULE.deploymentTokensPerSecond,
      RECORDING_RULE.deploymentTokensPerSecond,
      RECORDING_RULE.deploymentCostPer1mTokens,
      RECORDING_RULE.deploymentCostPer1mTokens,
      RECORDING_RULE.deploymentBusyRatio,
      RECORDING_RULE.deploymentIdleCostPerHour,
      RECORDING_RULE.tenantSelfhostedCostPerHour,
      DEPLOYMENT_ALERT.idle,
      DEPLOYMENT_ALERT.overCapacity,
    ]);
    expect(group?.rules.filter((r) => r.health !== 'ok')).toEqual([]);
  });
});
