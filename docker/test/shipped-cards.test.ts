import { readFileSync } from 'node:fs';
import { createCostProcessor } from '@burnrate/cost-processor';
import { identifyServer, type LlmUsageRecord } from '@burnrate/sdk';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness/replica.js';
import { parseYaml } from './harness/yaml.js';

interface Compose {
  services: Record<string, { environment?: Record<string, string> }>;
}

/** A gpt-4o-mini chat call as the wrapper records it for a client pointed at `baseURL`. */
function callTo(baseURL: string): LlmUsageRecord {
  const server = identifyServer(baseURL);
  return {
    kind: 'llm',
    timeMs: 0,
    attributes: {},
    provider: server.provider,
    operation: 'chat',
    requestModel: 'gpt-4o-mini',
    usage: { input: 1_000_000, cacheRead: 0, cacheWrite: 0, output: 1_000_000, reasoning: 0 },
    usageSource: 'provider',
    durationS: 1,
    streaming: false,
  };
}

describe('the shipped price cards price the hosts their demos really call', () => {
  it('the docker compose app, calling the simulator service, is priced at OpenAI catalog prices', () => {
    const compose = parseYaml(readFileSync(`${REPO_ROOT}docker/docker-compose.yml`, 'utf8')) as Compose;
    const app = Object.values(compose.services).find((s) => s.environment?.['BURNRATE_OPENAI_BASE_URL']);
    const env = app?.environment ?? {};
    const baseURL = env['BURNRATE_OPENAI_BASE_URL'] as string;
    expect(baseURL).toBe('http://simulator:8787/v1');
    const card = (env['BURNRATE_PRICE_CARD'] as string).replace(/^\/app\//, REPO_ROOT);
    const result = createCostProcessor({ priceCard: card, logger: { warn: () => {} } }).priceLlmCall(
      callTo(baseURL),
    );
    // gpt-4o-mini: $0.15 per 1M input, $0.60 per 1M output.
    expect(result.kind === 'priced' ? result.usd : result).toBeCloseTo(0.75, 12);
  });

  it('the local demo, calling the simulator on 127.0.0.1, is priced at OpenAI catalog prices', () => {
    const result = createCostProcessor({
      priceCard: `${REPO_ROOT}examples/demo/price-card.yaml`,
      logger: { warn: () => {} },
    }).priceLlmCall(callTo('http://127.0.0.1:41234/v1'));
    expect(result.kind === 'priced' ? result.usd : result).toBeCloseTo(0.75, 12);
  });
});
