import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPriceCard, PriceCardError, parsePriceCard } from '../src/index.js';
import { parseLabelSelector } from '../src/price-card/label-selector.js';

const base = {
  name: 'llama-chat',
  model: 'llama-3.1-8b',
  batch_size: 8,
  utilization_target: 0.7,
};

function issuesOf(card: unknown): string[] {
  try {
    loadPriceCard(card as never);
  } catch (e) {
    if (e instanceof PriceCardError) return e.issues.map((i) => `${i.path}: ${i.expected}, got ${i.got}`);
    throw e;
  }
  return [];
}

describe('deployments with gpu and server', () => {
  it('prices the GPUs from the default table for the market and normalizes the selector', () => {
    const card = loadPriceCard({
      deployments: [
        {
          ...base,
          gpu: { model: 'L4', count: 2, market: 'spot' },
          server: { engine: 'vllm', selector: '{ job = \'vllm-llama\' , instance=~"gpu-.*" }' },
        },
      ],
    });
    const d = card.deployments[0];
    expect(d?.gpu).toEqual({ model: 'l4', count: 2, market: 'spot', usdPerGpuHour: 0.38, origin: 'default' });
    expect(d?.server).toEqual({
      engine: 'vllm',
      selector: '{job="vllm-llama",instance=~"gpu-.*"}',
      matchers: [
        { label: 'job', op: '=', value: 'vllm-llama' },
        { label: 'instance', op: '=~', value: 'gpu-.*' },
      ],
    });
    expect(d?.alerts).toEqual({ idleShare: 0.5, idleFor: '1h', capacityFor: '15m' });
  });

  it('takes the card gpu price over the default and on_demand when no market is given', () => {
    const card = loadPriceCard({
      gpu: { l4: { on_demand: 0.7 } },
      deployments: [
        {
          ...base,
          gpu: { model: 'L4', count: 1 },
          alerts: { idle_share: 0.3, idle_for: '30m', capacity_for: '5m' },
        },
      ],
    });
    expect(card.deployments[0]?.gpu).toEqual({
      model: 'l4',
      count: 1,
      market: 'on_demand',
      usdPerGpuHour: 0.7,
      origin: 'card',
    });
    expect(card.deployments[0]?.alerts).toEqual({ idleShare: 0.3, idleFor: '30m', capacityFor: '5m' });
  });

  it('refuses an engine it has no rules for, naming the field, the value and the fix', () => {
    const card = {
      deployments: [
        { ...base, gpu: { model: 'L4', count: 1 }, server: { engine: 'ollama', selector: '{job="x"}' } },
      ],
    };
    expect(() => loadPriceCard(card as never)).toThrow(
      /deployments\[0\]\.server\.engine: expected vllm, sglang or tgi, got "ollama" — fix: write engine: vllm/,
    );
  });

  it('refuses a selector that is not a matcher list', () => {
    for (const selector of [
      'job="vllm"',
      'vllm:prompt_tokens_total{job="x"}',
      '{job=vllm}',
      '{}',
      '{job="a" x="b"}',
    ]) {
      const issues = issuesOf({
        deployments: [{ ...base, gpu: { model: 'L4', count: 1 }, server: { engine: 'vllm', selector } }],
      });
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^deployments\[0\]\.server\.selector: expected a label selector such as/);
    }
  });

  it('refuses a GPU without a price for its market, a count that is not a whole number, and a server without gpu or model', () => {
    expect(
      issuesOf({ deployments: [{ ...base, gpu: { model: 'L4', count: 1, market: 'reserved' } }] }),
    ).toEqual([expect.stringMatching(/^deployments\[0\]\.gpu\.model: expected a GPU with a reserved price/)]);
    expect(issuesOf({ deployments: [{ ...base, gpu: { model: 'L4', count: 1.5 } }] })).toEqual([
      'deployments[0].gpu.count: expected a whole number of GPUs ≥ 1, got 1.5',
    ]);
    expect(
      issuesOf({
        deployments: [
          {
            name: 'x',
            batch_size: 1,
            utilization_target: 1,
            server: { engine: 'tgi', selector: '{job="tgi"}' },
          },
        ],
      }),
    ).toEqual([
      'deployments[0].gpu: expected the GPUs the server runs on, got nothing',
      'deployments[0].model: expected the request model the server serves, got nothing',
    ]);
    expect(issuesOf({ deployments: [{ ...base, alerts: { idle_for: '1 hour' } }] })).toEqual([
      'deployments[0].alerts.idle_for: expected a duration such as 1h, got "1 hour"',
    ]);
  });

  it("reads the GPUs' own utilization selector and refuses one that does not parse", () => {
    const card = loadPriceCard({
      deployments: [{ ...base, gpu: { model: 'H100', count: 8, selector: '{job="dcgm"}' } }],
    });
    expect(card.deployments[0]?.gpu?.selector).toBe('{job="dcgm"}');
    expect(card.deployments[0]?.gpu?.usdPerGpuHour).toBe(6.88);
    expect(
      issuesOf({ deployments: [{ ...base, gpu: { model: 'H100', count: 8, selector: 'dcgm' } }] }),
    ).toEqual([
      'deployments[0].gpu.selector: expected a label selector such as {job="dcgm"} (expected a label selector in braces such as {job="vllm-llama"}), got "dcgm"',
    ]);
  });

  it('parses escapes and every operator', () => {
    expect(parseLabelSelector('{a!="x\\"y", b!~"z|w", c="l"}')).toEqual({
      matchers: [
        { label: 'a', op: '!=', value: 'x"y' },
        { label: 'b', op: '!~', value: 'z|w' },
        { label: 'c', op: '=', value: 'l' },
      ],
    });
  });

  it('loads the example of docs/self-hosted.md as the card it describes', () => {
    const doc = readFileSync(new URL('../../../docs/self-hosted.md', import.meta.url), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const d = parsePriceCard(yaml, 'docs/self-hosted.md').deployments[0];
    expect(d?.gpu).toMatchObject({ model: 'l4', count: 2, market: 'on_demand', usdPerGpuHour: 0.8 });
    expect(d?.server?.selector).toBe('{job="vllm-llama"}');
    expect(d?.alerts).toEqual({ idleShare: 0.5, idleFor: '1h', capacityFor: '15m' });
  });
});
