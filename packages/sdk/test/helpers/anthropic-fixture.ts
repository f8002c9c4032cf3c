import Anthropic from '@anthropic-ai/sdk';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import {
  createUsageRecorder,
  instrumentAnthropic,
  type LlmUsageRecord,
  type UsageRecorder,
} from '../../src/index.js';
import { privateMeter, type TestReader } from './metrics.js';

/** A simulator, a private meter, an instrumented Anthropic client and a bare one beside it. */
export interface AnthropicFixture {
  sim: Simulator;
  reader: TestReader;
  recorder: UsageRecorder;
  client: Anthropic;
  bare: Anthropic;
  records: LlmUsageRecord[];
  close(): Promise<void>;
}

/** Starts a simulator and instruments a fresh Anthropic client against it; `close()` stops everything. */
export async function anthropicFixture(): Promise<AnthropicFixture> {
  const sim = await startSimulator();
  const { meterProvider, reader } = privateMeter();
  const records: LlmUsageRecord[] = [];
  const recorder = createUsageRecorder({
    meterProvider,
    processors: [{ onUsage: (r) => r.kind === 'llm' && records.push(r) }],
  });
  const client = instrumentAnthropic(
    new Anthropic({ baseURL: sim.anthropicUrl, apiKey: 'sk-ant-test', maxRetries: 0 }),
    { recorder },
  );
  const bare = new Anthropic({ baseURL: sim.anthropicUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
  return {
    sim,
    reader,
    recorder,
    client,
    bare,
    records,
    async close() {
      await recorder.shutdown();
      await sim.close();
    },
  };
}

/** A system prompt well over 1024 tokens, marked as a cache breakpoint. */
export function cachedSystem(ttl?: '5m' | '1h'): Anthropic.TextBlockParam[] {
  return [
    {
      type: 'text',
      text: Array.from(
        { length: 400 },
        (_, i) => `Rule ${i}: answer concisely and cite the policy section.`,
      ).join(' '),
      cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' },
    },
  ];
}
