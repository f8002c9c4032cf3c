import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import OpenAI from 'openai';
import {
  createUsageRecorder,
  instrumentOpenAI,
  type LlmUsageRecord,
  type UsageRecorder,
} from '../../src/index.js';
import { privateMeter, type TestReader } from './metrics.js';

/** A simulator, a private meter, an instrumented client and a bare one beside it. */
export interface OpenAIFixture {
  sim: Simulator;
  reader: TestReader;
  recorder: UsageRecorder;
  client: OpenAI;
  bare: OpenAI;
  records: LlmUsageRecord[];
  close(): Promise<void>;
}

/** Starts a simulator and instruments a fresh client against it; `close()` stops everything. */
export async function openaiFixture(options: { includeUsage?: boolean } = {}): Promise<OpenAIFixture> {
  const sim = await startSimulator();
  const { meterProvider, reader } = privateMeter();
  const records: LlmUsageRecord[] = [];
  const recorder = createUsageRecorder({
    meterProvider,
    processors: [{ onUsage: (r) => r.kind === 'llm' && records.push(r) }],
  });
  const client = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
    recorder,
    ...(options.includeUsage !== undefined && { includeUsage: options.includeUsage }),
  });
  const bare = new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 });
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

/** A prompt long enough (>1024 tokens) for the prompt cache. */
export const LONG_SYSTEM_PROMPT = Array.from(
  { length: 400 },
  (_, i) => `Rule ${i}: answer concisely and cite the policy section.`,
).join(' ');
