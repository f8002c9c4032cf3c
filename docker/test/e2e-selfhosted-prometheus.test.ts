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
    {
      name: 'qwen-sglang',
      model: 'qwen-2.5-7b',
      batch_size: 8,
      utilization_target: 0.7,
      window_seconds: WINDOW_SECONDS,
      gpu: { model: 'H100', count: 1, market: 'spot' },
      server: { engine: 'sglang', selector: '{job="sglang-qwen"}' },
    },
  ],
});

/** The values our own SGLang-style server exports once the window at zero has passed. */
const SGLANG = { prompt: 12_000, generation: 3_000, ttftSum: 6, e2eSum: 60, requests: 20, running: 3 };

/** A `/metrics` body in SGLang's names for the given values. */
function sglangMetrics(v: typeof SGLANG): string {
  const m = ENGINE_METRICS.sglang;
  const l = '{model_name="qwen-2.5-7b"}';
  return [
    `${m.inputTokens.name}${l} ${v.prompt}`,
    `${m.outputTokens.name}${l} ${v.generation}`,
    `${m.prefillSeconds.plus.name}${l} ${v.ttftSum}`,
    `${m.requestSeconds.name}${l} ${v.e2eSum}`,
    `${m.requests.name}${l} ${v.requests}`,
    `${m.runningRequests}${l} ${v.running}`,
    '',
  ].join('\n');
}

/** A rule's series of one deployment, with more matchers if given. */
function of(deployment: string, rule: string, extra = ''): string {
  return `${rule}{${LABEL.deployment}="${deployment}"${extra}}`;
}

/** Fails with both values unless they agree to float rounding. */
function expectClose(actual: number | undefined, expected: number, what = ''): void {
  expect(close(actual, expected), `${what} ${actual} vs ${expected}`).toBe(true);
}

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
  let sglang: Server;
  let sglangValues = { ...SGLANG, prompt: 0, generation: 0, ttftSum: 0, e2eSum: 0, requests: 0 };
  const tenantTokens: Record<string, number> = {};

  beforeAll(
    async () => {
      sim = await startSimulator({ vllm: { model: MODEL } });
      const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
      meterProvider = new MeterProvider({ readers: [exporter] });
      app = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
      await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
      const appPort = (app.address() as AddressInfo).port;
      sglang = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(sglangMetrics(sglangValues));
      });
      await new Promise<void>((resolve) => sglang.listen(0, '127.0.0.1', resolve));
      const sglangPort = (sglang.address() as AddressInfo).port;
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
          `  - { job_name: sglang-qwen, static_configs: [{ targets: ["127.0.0.1:${sglangPort}"] }] }`,
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
      // Our own SGLang server now reports the values we chose, all inside the window.
      sglangValues = { ...SGLANG };
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
    await new Promise<void>((resolve) => (sglang ? sglang.close(() => resolve()) : resolve()));
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
          of('llama-chat', RECORDING_RULE.deploymentTokensPerSecond, `,${LABEL.tokenType}="output"`),
        );
        const [busy] = await recorded(of('llama-chat', RECORDING_RULE.deploymentBusyRatio));
        const tenants = await recorded(of('llama-chat', RECORDING_RULE.tenantSelfhostedCostPerHour));
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
      Object.fromEntries(
        (await recorded(of('llama-chat', rule))).map((s) => [s.metric[LABEL.tokenType] ?? '', s.value]),
      );
    expect(await recorded(of('llama-chat', RECORDING_RULE.deploymentCostPerHour))).toEqual([
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
    expectClose(tps['input'], input / WINDOW_SECONDS);
    expectClose(tps['output'], output / WINDOW_SECONDS);
    const per1m = await byDirection(RECORDING_RULE.deploymentCostPer1mTokens);
    expectClose(per1m['input'], expectedPer1m.input);
    expectClose(per1m['output'], expectedPer1m.output);
    // Every dollar of the window lands on a token: cost per 1M × tokens = the window's cost.
    expectClose(((per1m['input'] ?? 0) * input + (per1m['output'] ?? 0) * output) / 1e6, windowCost);

    const [idle] = await recorded(of('llama-chat', RECORDING_RULE.deploymentIdleCostPerHour));
    expectClose(idle?.value, costPerHour * (1 - 1 / BATCH_SIZE));

    const tenants = Object.fromEntries(
      (await recorded(of('llama-chat', RECORDING_RULE.tenantSelfhostedCostPerHour))).map((s) => [
        s.metric[LABEL.tenant],
        s.value,
      ]),
    );
    const all = (tenantTokens['acme'] ?? 0) + (tenantTokens['globex'] ?? 0);
    expect(all).toBe(input + output);
    expect(Object.keys(tenants).sort()).toEqual(['acme', 'globex']);
    for (const t of ['acme', 'globex']) {
      expectClose(tenants[t], (costPerHour * (tenantTokens[t] ?? 0)) / all);
    }
    expectClose((tenants['acme'] ?? 0) + (tenants['globex'] ?? 0), costPerHour);

    // Three quarters of $1.60/h idle is past the default half: the idle alert is pending (for: 1h).
    const idleAlert = await waitFor(
      async () =>
        (await prom.alerts()).find(
          (a) =>
            a.labels['alertname'] === DEPLOYMENT_ALERT.idle && a.labels[LABEL.deployment] === 'llama-chat',
        ),
      { what: 'the idle alert to be evaluated', timeoutMs: 30_000 },
    );
    expect(idleAlert.state).toBe('pending');
    expect(idleAlert.labels[LABEL.deployment]).toBe('llama-chat');
    expect(Number(idleAlert.value)).toBeCloseTo(costPerHour * (1 - 1 / BATCH_SIZE), 12);
    expect(
      (await prom.alerts()).filter((a) => a.labels['alertname'] === DEPLOYMENT_ALERT.overCapacity),
    ).toEqual([]);
  }, 90_000);

  it('prices an SGLang server of our own from the values it exports: per 1M tokens by time share, idle by running ÷ batch_size', async () => {
    const W = WINDOW_SECONDS;
    // Our server's values, read by the rules as the growth over the window (the window ago was zero).
    const prefill = SGLANG.ttftSum / W;
    const decode = SGLANG.e2eSum / W - SGLANG.ttftSum / W;
    const costPerHour = 1 * (card.gpu['h100']?.spot?.usdPerHour ?? Number.NaN);
    expect(costPerHour).toBe(2.4);
    const expected = {
      tokensIn: SGLANG.prompt / W,
      tokensOut: SGLANG.generation / W,
      per1mIn: (((costPerHour / 3600) * prefill) / (prefill + decode) / (SGLANG.prompt / W)) * 1e6,
      per1mOut: (((costPerHour / 3600) * decode) / (prefill + decode) / (SGLANG.generation / W)) * 1e6,
      idle: costPerHour * (1 - SGLANG.running / 8),
    };
    const read = async (): Promise<Record<string, number | undefined>> => {
      at = Date.now() / 1000;
      const one = async (rule: string, extra = ''): Promise<number | undefined> =>
        (await recorded(of('qwen-sglang', rule, extra)))[0]?.value;
      return {
        tokensIn: await one(RECORDING_RULE.deploymentTokensPerSecond, `,${LABEL.tokenType}="input"`),
        tokensOut: await one(RECORDING_RULE.deploymentTokensPerSecond, `,${LABEL.tokenType}="output"`),
        per1mIn: await one(RECORDING_RULE.deploymentCostPer1mTokens, `,${LABEL.tokenType}="input"`),
        per1mOut: await one(RECORDING_RULE.deploymentCostPer1mTokens, `,${LABEL.tokenType}="output"`),
        idle: await one(RECORDING_RULE.deploymentIdleCostPerHour),
      };
    };
    const got = await waitFor(
      async () => {
        const r = await read();
        return close(r['tokensIn'], expected.tokensIn) ? r : undefined;
      },
      { what: 'the SGLang deployment rules to see the chosen values', timeoutMs: 30_000 },
    );
    for (const [k, v] of Object.entries(expected)) expectClose(got[k], v, k);
    // 6 of 60 engine-seconds were prefill: input carries a tenth of the cost.
    expectClose((got['per1mIn'] ?? 0) * (SGLANG.prompt / W), (costPerHour / 3600) * 1e6 * 0.1);
  });

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
