import { createCostProcessor } from '@burnrate/cost-processor';
import { type LatencyConfig, type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { GoogleGenAI } from '@google/genai';
import {
  createUsageRecorder,
  instrumentGoogleGenAI,
  type LlmUsageRecord,
  type UsageProcessor,
  type UsageRecorder,
} from '../../src/index.js';
import { privateMeter, type TestReader } from '../helpers/metrics.js';

/** A simulator, a private meter with a cost processor, an instrumented Gemini client and a bare one. */
export interface GeminiFixture {
  sim: Simulator;
  reader: TestReader;
  recorder: UsageRecorder;
  client: GoogleGenAI;
  bare: GoogleGenAI;
  records: LlmUsageRecord[];
  warnings: string[];
  close(): Promise<void>;
}

/** Options of {@link geminiFixture}. */
export interface GeminiFixtureOptions {
  /** Vertex AI (express mode, API key) instead of the Gemini API. Default false. */
  vertexai?: boolean;
  /** Extra processors, after the cost processor and the record collector. Default none. */
  processors?: UsageProcessor[];
  /** Simulator pacing. Default none. */
  latency?: LatencyConfig;
}

/** Starts a simulator and instruments a fresh `GoogleGenAI` client against it; `close()` stops everything. */
export async function geminiFixture(options: GeminiFixtureOptions = {}): Promise<GeminiFixture> {
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
  const make = (): GoogleGenAI =>
    new GoogleGenAI({
      apiKey: 'test-key',
      ...(options.vertexai ? { vertexai: true } : {}),
      httpOptions: { baseUrl: sim.anthropicUrl },
    });
  const client = instrumentGoogleGenAI(make(), { recorder });
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
 * Published Gemini API prices, USD per 1M tokens (ai.google.dev/gemini-api/docs/pricing, standard
 * tier, text, prompts ≤ 200k tokens): input, cached input (implicit caching), output (thinking
 * included). The genai-prices catalog must agree.
 */
export const GEMINI_PRICES: Readonly<Record<string, { input: number; cached: number; output: number }>> = {
  'gemini-2.5-flash': { input: 0.3, cached: 0.03, output: 2.5 },
  'gemini-2.0-flash': { input: 0.1, cached: 0.025, output: 0.4 },
  'gemini-embedding-001': { input: 0.15, cached: 0.15, output: 0 },
};

/** The dollars of one model's ledger tally at {@link GEMINI_PRICES}. */
export function publishedUsd(
  model: string,
  t: { input: number; cached_input: number; output: number },
): number {
  const p = GEMINI_PRICES[model];
  if (!p) throw new Error(`no published price for ${model} in the test`);
  return ((t.input - t.cached_input) * p.input + t.cached_input * p.cached + t.output * p.output) / 1_000_000;
}

/** A prompt long enough (> 1024 tokens) for the simulator's implicit cache. */
export const LONG_PROMPT = Array.from(
  { length: 400 },
  (_, i) => `Rule ${i}: answer concisely and cite the policy section.`,
).join(' ');
