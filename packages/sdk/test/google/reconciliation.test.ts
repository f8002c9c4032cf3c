import { createCostProcessor } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { ATTR, COST_METRIC, METRIC } from '@burnrate/semconv';
import { type FunctionCall, GoogleGenAI } from '@google/genai';
import { Mistral } from '@mistralai/mistralai';
import { describe, expect, it } from 'vitest';
import {
  createUsageRecorder,
  instrumentGoogleGenAI,
  instrumentMistral,
  type LlmUsageRecord,
} from '../../src/index.js';
import { privateMeter, total } from '../helpers/metrics.js';
import { MISTRAL_PRICES } from '../mistral/mistral-fixture.js';
import { GEMINI_PRICES } from './gemini-fixture.js';

async function drain<T>(it: AsyncIterable<T>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

describe('reconciliation: 100 concurrent mixed Gemini and Mistral calls', () => {
  it('meters every token kind per model exactly as the simulator ledger served it, and prices it at published prices', async () => {
    const sim = await startSimulator();
    const { meterProvider, reader } = privateMeter();
    const records: LlmUsageRecord[] = [];
    const logger = { warn: () => {} };
    const recorder = createUsageRecorder({
      meterProvider,
      logger,
      processors: [createCostProcessor({ logger }), { onUsage: (r) => r.kind === 'llm' && records.push(r) }],
    });
    const gemini = instrumentGoogleGenAI(
      new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: sim.anthropicUrl } }),
      { recorder },
    );
    const mistral = instrumentMistral(new Mistral({ apiKey: 'k', serverURL: sim.anthropicUrl }), {
      recorder,
    });
    const tool = {
      tool: async () => ({
        functionDeclarations: [
          {
            name: 'lookup',
            parametersJsonSchema: { type: 'object', properties: { id: { type: 'string' } } },
          },
        ],
      }),
      callTool: async (calls: FunctionCall[]) =>
        calls.map((c) => ({ functionResponse: { name: c.name ?? '', response: { ok: true } } })),
    };
    const messages = (i: number) => [{ role: 'user' as const, content: `Question number ${i} about costs.` }];
    const call = async (i: number): Promise<void> => {
      const fault = i % 10 === 9 ? ':fault=429' : '';
      switch (i % 7) {
        case 0:
          await gemini.models.generateContent({ model: `gemini-2.5-flash${fault}`, contents: `Prompt ${i}` });
          return;
        case 1:
          await drain(
            await gemini.models.generateContentStream({
              model: `gemini-2.0-flash${fault}`,
              contents: `Stream ${i}`,
            }),
          );
          return;
        case 2:
          await gemini.models.generateContent({
            model: `gemini-2.5-flash${fault}`,
            contents: `Look up record ${i}`,
            config: { tools: [tool] },
          });
          return;
        case 3:
          await mistral.chat.complete({ model: `mistral-small-latest${fault}`, messages: messages(i) });
          return;
        case 4:
          await drain(
            await mistral.chat.stream({ model: `mistral-small-latest${fault}`, messages: messages(i) }),
          );
          return;
        case 5:
          await mistral.fim.complete({ model: `codestral-latest${fault}`, prompt: `def f${i}(x):` });
          return;
        default:
          await mistral.embeddings.create({
            model: `mistral-embed${fault}`,
            inputs: [`doc ${i}`, `another ${i}`],
          });
      }
    };
    try {
      const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => call(i)));
      const rejected = results.filter((r) => r.status === 'rejected').length;
      const ledger = sim.ledger();
      expect(rejected).toBe(10);
      expect(ledger.errors).toEqual({ '429': 10 });
      expect(records.filter((r) => r.served === false)).toHaveLength(10);
      // 90 calls served, and each successful function-calling call made two requests.
      const functionCalling = Array.from({ length: 100 }, (_, i) => i).filter(
        (i) => i % 7 === 2 && i % 10 !== 9,
      );
      expect(functionCalling).toHaveLength(12);
      expect(ledger.served.totals.requests).toBe(90 + 12);
      expect(records.filter((r) => r.served !== false)).toHaveLength(90 + 12);

      let expectedUsd = 0;
      for (const [model, t] of Object.entries(ledger.served.models)) {
        const where = { [ATTR.requestModel]: model };
        expect([model, await total(reader, METRIC.inputTokens, where)]).toEqual([model, t.input]);
        expect([model, await total(reader, METRIC.cacheReadTokens, where)]).toEqual([model, t.cached_input]);
        expect([model, await total(reader, METRIC.outputTokens, where)]).toEqual([model, t.output]);
        expect([model, await total(reader, METRIC.reasoningTokens, where)]).toEqual([model, t.reasoning]);
        const g = GEMINI_PRICES[model];
        const m = MISTRAL_PRICES[model];
        if (g)
          expectedUsd +=
            ((t.input - t.cached_input) * g.input + t.cached_input * g.cached + t.output * g.output) / 1e6;
        else if (m) expectedUsd += (t.input * m.input + t.output * m.output) / 1e6;
        else throw new Error(`no published price for ${model}`);
      }
      expect(ledger.served.totals.reasoning).toBeGreaterThan(0);
      expect(Math.abs((await total(reader, COST_METRIC.cost)) - expectedUsd)).toBeLessThan(1e-9);
    } finally {
      await recorder.shutdown();
      await sim.close();
    }
  });
});
