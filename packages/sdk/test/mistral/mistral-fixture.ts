import { createCostProcessor } from '@burnrate/cost-processor';
import { type LatencyConfig, type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { Mistral } from '@mistralai/mistralai';
import {
  createUsageRecorder,
  instrumentMistral,
  type LlmUsageRecord,
  type UsageProcessor,
  type UsageRecorder,
} from '../../src/index.js';
import { privateMeter, type TestReader } from '../helpers/metrics.js';

/** A simulator, a private meter with a cost processor, an instrumented Mistral client and a bare one. */
export interface MistralFixture {
  sim: Simulator;
  reader: TestReader;
  recorder: UsageRecorder;
  client: Mistral;
  bare: Mistral;
  records: LlmUsageRecord[];
  warnings: string[];
  close(): Promise<void>;
}

/** Options of {@link mistralFixture}. */
export interface MistralFixtureOptions {
  /** Extra processors, after the cost processor and the record collector. Default none. */
  processors?: UsageProcessor[];
  /** Simulator pacing. Default none. */
  latency?: LatencyConfig;
}

/** Starts a simulator and instruments a fresh `Mistral` client against it; `close()` stops everything. */
export async function mistralFixture(options: MistralFixtureOptions = {}): Promise<MistralFixture> {
  const sim = await startSimulator(options.latency ? { latency: options.latency } : {});
  const { meterProvider, reader } = privateMeter();
  const records: LlmUsageRecord[] = [];
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m) };
  const recorder = createUsageRecorder({
    meterProvider,
    logger,
    processors: [
      createCostProcessor({ logger }),
      { onUsage: (r) => r.kind === 'llm' && records.push(r) },
      ...(options.processors ?? []),
    ],
  });
  // The Mistral client appends `/v1/...` to its server URL itself.
  const make = (): Mistral => new Mistral({ apiKey: 'test-key', serverURL: sim.anthropicUrl });
  const client = instrumentMistral(make(), { recorder });
  return {
    sim,
    reader,
    recorder,
    client,
    bare: make(),
    records,
    warnings,
    async close() {
      await recorder.shutdown();
      await sim.close();
    },
  };
}

/**
 * Published Mistral prices, USD per 1M tokens (mistral.ai/pricing): input, output. The genai-prices
 * catalog must agree (`mistral-small-latest`, `codestral` for `codestral-latest`, `mistral-embed`).
 */
export const MISTRAL_PRICES: Readonly<Record<string, { input: number; output: number }>> = {
  'mistral-small-latest': { input: 0.1, output: 0.3 },
  'codestral-latest': { input: 0.3, output: 0.9 },
  'mistral-embed': { input: 0.1, output: 0 },
};

/** The dollars of one model's ledger tally at {@link MISTRAL_PRICES}. */
export function publishedUsd(model: string, t: { input: number; output: number }): number {
  const p = MISTRAL_PRICES[model];
  if (!p) throw new Error(`no published price for ${model} in the test`);
  return (t.input * p.input + t.output * p.output) / 1_000_000;
}
