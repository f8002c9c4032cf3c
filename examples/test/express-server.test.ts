import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AskServer, startServer } from '../express-server/app.js';
import { exampleEnv, parseMetrics, REPO_ROOT } from './run-example.js';

// gpt-4o-mini: $0.15 / $0.60 per 1M input / output tokens (@pydantic/genai-prices 0.1.8).
const usd = (input: number, output: number) => (input * 0.15 + output * 0.6) / 1e6;

interface AskReply {
  answer: string;
  model: string;
  usage: { input: number; output: number };
}

async function ask(server: AskServer, question: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ question }),
  });
  return { status: res.status, body: (await res.json()) as AskReply & { error?: string } };
}

describe('examples/express-server', () => {
  let server: AskServer;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    // startServer reads OPENAI_* to choose its backend; the test always uses the local simulator.
    for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL']) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
    server = await startServer(0);
  });
  afterAll(async () => {
    await server?.close();
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  });

  it('answers /ask and serves, on its own port, token and dollar metrics attributed to the tenant in the headers', async () => {
    const a1 = await ask(server, 'Where is my order?', { 'x-tenant': 'acme', 'x-user': 'alice' });
    const a2 = await ask(server, 'Can I change the delivery address?', {
      'x-tenant': 'acme',
      'x-user': 'bob',
    });
    const g1 = await ask(server, 'Do you ship to Norway?', { 'x-tenant': 'globex', 'x-feature': 'shipping' });
    for (const r of [a1, a2, g1]) {
      expect(r.status).toBe(200);
      expect(r.body.model).toBe('gpt-4o-mini-2024-07-18');
      expect(r.body.usage.output).toBe(64);
      expect(r.body.answer.length).toBeGreaterThan(0);
    }

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = parseMetrics(await res.text());
    const sum = (name: string, labels: Record<string, string>) =>
      samples
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((total, s) => total + s.value, 0);

    const acmeInput = a1.body.usage.input + a2.body.usage.input;
    expect(sum('gen_ai_client_inference_usage_input_tokens_total', { tenant: 'acme' })).toBe(acmeInput);
    expect(sum('gen_ai_client_inference_usage_output_tokens_total', { tenant: 'acme' })).toBe(128);
    expect(sum('gen_ai_client_inference_usage_output_tokens_total', { tenant: 'acme', user: 'bob' })).toBe(
      64,
    );
    expect(
      sum('gen_ai_client_inference_usage_output_tokens_total', {
        tenant: 'globex',
        feature: 'shipping',
        service: 'ask-service',
      }),
    ).toBe(64);
    expect(sum('burnrate_cost_usd_total', { tenant: 'acme', burnrate_cost_component: 'api' })).toBeCloseTo(
      usd(acmeInput, 128),
      12,
    );
    expect(sum('burnrate_cost_usd_total', { tenant: 'globex' })).toBeCloseTo(
      usd(g1.body.usage.input, 64),
      12,
    );

    // The simulator billed exactly what the metrics show.
    const ledger = server.simulator?.ledger().reported.totals;
    expect(ledger?.input).toBe(acmeInput + g1.body.usage.input);
    expect(sum('gen_ai_client_inference_usage_input_tokens_total', {})).toBe(ledger?.input);
  });

  it('rejects an /ask without a question with 400 and makes no LLM call', async () => {
    const before = server.simulator?.ledger().reported.totals.requests;
    const r = await ask(server, '', { 'x-tenant': 'acme' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('body must be JSON with a non-empty "question" string');
    expect(server.simulator?.ledger().reported.totals.requests).toBe(before);
  });

  it('main.ts serves until SIGINT, then shuts down and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/express-server/main.ts'], {
      cwd: REPO_ROOT,
      env: exampleEnv({ PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('close', () => reject(new Error(`exited before listening:\n${stdout}\n${stderr}`)));
    });
    const reply = await fetch(`${url}/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant': 'acme' },
      body: JSON.stringify({ question: 'Where is my order?' }),
    });
    expect(reply.status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^burnrate_cost_usd_total\{.*tenant="acme".*\} \S+$/m);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('SIGINT: shutting down\nstopped\n');
    expect(stderr).toBe('');
  });
});
