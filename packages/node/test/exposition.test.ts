import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { withAttributes } from '@burnrate/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBurnrate } from '../src/index.js';
import { parseExposition } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

/** Runs Prometheus' own `promtool check metrics` on an exposition; resolves to its exit code and output. */
function promtoolCheck(exposition: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(exposition);
  });
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const HOSTILE = [
  'quote " and backslash \\ and newline \n end',
  '}{ braces =, commas',
  'ünïcödé ✓ 日本語',
  'x'.repeat(5_000),
  '',
];

describe('no caller input can make the /metrics exposition invalid', () => {
  it('passes promtool check metrics with hostile attribute values, static attributes and model names', async () => {
    const br = await setupBurnrate({
      prometheus: { port: 0 },
      priceCard: { providers: { '127.0.0.1': 'openai' } },
      // The fine-tune names are unpriced on purpose; their warnings are not the subject here.
      logger: { warn: () => {} },
      attributes: { service: 'svc "quoted"\n' },
      cardinality: { allow: ['feature', 'tenant', 'user', 'team.name', 'route-path'] },
    });
    try {
      const client = br.instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }));
      for (const value of HOSTILE) {
        await withAttributes(
          { feature: value, tenant: value, user: 'ada@example.com', 'team.name': value, 'route-path': value },
          () =>
            client.chat.completions.create({
              model: `ft:gpt-4o-mini:org "x"\n${value.slice(0, 20)}`,
              messages: [{ role: 'user', content: 'hi' }],
              max_tokens: 5,
            }),
        );
      }
      br.recorder.gpu.track({ gpu: 'H100 "80GB"\n', workload: HOSTILE[0] }, () => 1);
      br.recorder.network.add(10, { scope: HOSTILE[1] });
      const text = await (await fetch(br.metricsUrl as string)).text();
      const check = await promtoolCheck(text);
      expect(check).toEqual({ code: 0, output: '' });
      const samples = parseExposition(text);
      // The email passed as `user` never became a label value.
      expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes('ada@example.com')))).toBe(
        false,
      );
      expect(
        samples.some((s) => s.labels['team_name'] !== undefined && s.labels['route_path'] !== undefined),
      ).toBe(true);
    } finally {
      await br.shutdown();
    }
  });

  it('refuses, before serving anything, the keys that would have made Prometheus reject the scrape', async () => {
    const port = await freePort();
    for (const key of ['0start', 'le', 'ü']) {
      await expect(setupBurnrate({ prometheus: { port }, attributes: { [key]: 'x' } })).rejects.toThrow(
        new RegExp(`^attributes: "${key}"`),
      );
    }
    // Nothing was left listening on the port.
    const br = await setupBurnrate({ prometheus: { port } });
    expect(br.metricsUrl).toBe(`http://127.0.0.1:${port}/metrics`);
    await br.shutdown();
  });
});
