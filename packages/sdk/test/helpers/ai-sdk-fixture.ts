import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import {
  createUsageRecorder,
  type LlmUsageRecord,
  type UsageProcessor,
  type UsageRecorder,
} from '../../src/index.js';
import { privateMeter, type TestReader } from './metrics.js';

/** A simulator, a private meter and a recorder whose LLM records are kept in order. */
export interface RecorderFixture {
  sim: Simulator;
  reader: TestReader;
  recorder: UsageRecorder;
  records: LlmUsageRecord[];
  close(): Promise<void>;
}

/** Starts a simulator and a recorder on a private meter; `extra` processors run after the record keeper. */
export async function recorderFixture(extra: UsageProcessor[] = []): Promise<RecorderFixture> {
  // A short retry-after, so the clients' own retries of a 429 take milliseconds, not seconds.
  const sim = await startSimulator({ faults: { retryAfterMs: 1 } });
  const { meterProvider, reader } = privateMeter();
  const records: LlmUsageRecord[] = [];
  const recorder = createUsageRecorder({
    meterProvider,
    processors: [{ onUsage: (r) => void (r.kind === 'llm' && records.push(r)) }, ...extra],
    // Warnings about a throwing processor are expected in some tests; keep stderr clean.
    logger: { warn: () => {} },
  });
  return {
    sim,
    reader,
    recorder,
    records,
    async close() {
      await recorder.shutdown();
      await sim.close();
    },
  };
}
