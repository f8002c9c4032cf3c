import { createOpenAI } from '@ai-sdk/openai';
import { METRIC } from '@burnrate/semconv';
import { embed, generateText, streamText, wrapEmbeddingModel, wrapLanguageModel } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  burnrateEmbeddingMiddleware,
  burnrateMiddleware,
  createUsageRecorder,
  type LlmUsageRecord,
} from '../../src/index.js';
import { type RecorderFixture, recorderFixture } from '../helpers/ai-sdk-fixture.js';
import { privateMeter, total } from '../helpers/metrics.js';

describe('an AI SDK model wrapped by burnrateMiddleware twice', () => {
  let f: RecorderFixture;
  let openai: ReturnType<typeof createOpenAI>;
  beforeEach(async () => {
    f = await recorderFixture();
    openai = createOpenAI({ baseURL: f.sim.url, apiKey: 'x' });
  });
  afterEach(() => f.close());

  it('records a generateText call once when the wrapped model is wrapped again', async () => {
    const inner = wrapLanguageModel({
      model: openai.chat('gpt-4o-mini'),
      middleware: burnrateMiddleware({ recorder: f.recorder, attributes: { layer: 'inner' } }),
    });
    const outer = wrapLanguageModel({
      model: inner,
      middleware: burnrateMiddleware({ recorder: f.recorder, attributes: { layer: 'outer' } }),
    });
    await generateText({ model: outer, prompt: 'hi', maxOutputTokens: 7 });
    const totals = f.sim.ledger().served.totals;
    expect(totals.requests).toBe(1);
    // The inner middleware, next to the provider, is the one that records.
    expect(f.records.map((r) => r.attributes['layer'])).toEqual(['inner']);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(7);
  });

  it('records a call once when one middleware object is listed twice', async () => {
    const mw = burnrateMiddleware({ recorder: f.recorder });
    const model = wrapLanguageModel({ model: openai.chat('gpt-4o-mini'), middleware: [mw, mw] });
    await generateText({ model, prompt: 'hi', maxOutputTokens: 4 });
    const s = streamText({ model, prompt: 'hi', maxOutputTokens: 5 });
    await s.text;
    expect(f.sim.ledger().served.totals.requests).toBe(2);
    expect(f.records.map((r) => [r.streaming, r.usage.output])).toEqual([
      [false, 4],
      [true, 5],
    ]);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(9);
  });

  it('keeps concurrent calls apart: 20 parallel calls through a double wrap give 20 records that match the ledger', async () => {
    const mw = burnrateMiddleware({ recorder: f.recorder });
    const model = wrapLanguageModel({
      model: wrapLanguageModel({ model: openai.chat('gpt-4o-mini'), middleware: mw }),
      middleware: mw,
    });
    const bare = wrapLanguageModel({
      model: openai.chat('gpt-4o'),
      middleware: burnrateMiddleware({ recorder: f.recorder }),
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? generateText({ model, prompt: `question ${i}`, maxOutputTokens: 1 + i })
          : streamText({ model: i % 4 === 1 ? bare : model, prompt: `question ${i}`, maxOutputTokens: 1 + i })
              .text,
      ),
    );
    const ledger = f.sim.ledger().served;
    expect(ledger.totals.requests).toBe(20);
    expect(f.records).toHaveLength(20);
    const byModel = (m: string) => f.records.filter((r: LlmUsageRecord) => r.requestModel === m);
    for (const m of ['gpt-4o-mini', 'gpt-4o']) {
      expect(byModel(m)).toHaveLength(ledger.models[m]?.requests ?? -1);
      expect(byModel(m).reduce((s, r) => s + r.usage.input, 0)).toBe(ledger.models[m]?.input);
      expect(byModel(m).reduce((s, r) => s + r.usage.output, 0)).toBe(ledger.models[m]?.output);
    }
    expect(await total(f.reader, METRIC.outputTokens)).toBe(ledger.totals.output);
  });

  it('records an embedding call once through a double-wrapped embedding model', async () => {
    const mw = burnrateEmbeddingMiddleware({ recorder: f.recorder });
    const model = wrapEmbeddingModel({
      model: wrapEmbeddingModel({ model: openai.embedding('text-embedding-3-small'), middleware: mw }),
      middleware: mw,
    });
    await embed({ model, value: 'refund policy' });
    expect(f.records).toHaveLength(1);
    expect(await total(f.reader, METRIC.inputTokens)).toBe(f.sim.ledger().served.totals.embeddings);
  });

  it('records a failed call once through a double wrap', async () => {
    const mw = burnrateMiddleware({ recorder: f.recorder });
    const model = wrapLanguageModel({ model: openai.chat('gpt-4o-mini'), middleware: [mw, mw, mw] });
    await generateText({ model, prompt: 'hi', maxRetries: 0, headers: { 'x-burnrate-fault': '500' } }).catch(
      () => {},
    );
    expect(f.records.map((r) => r.errorType)).toEqual(['APICallError']);
  });

  it('lets each of two recorders record the call once: deduplication is per recorder', async () => {
    const { meterProvider, reader } = privateMeter();
    const other: LlmUsageRecord[] = [];
    const second = createUsageRecorder({
      meterProvider,
      processors: [{ onUsage: (r) => void (r.kind === 'llm' && other.push(r)) }],
    });
    const model = wrapLanguageModel({
      model: openai.chat('gpt-4o-mini'),
      middleware: [
        burnrateMiddleware({ recorder: f.recorder }),
        burnrateMiddleware({ recorder: second }),
        burnrateMiddleware({ recorder: f.recorder }),
      ],
    });
    await generateText({ model, prompt: 'hi', maxOutputTokens: 3 });
    expect(f.records).toHaveLength(1);
    expect(other).toHaveLength(1);
    expect(await total(reader, METRIC.outputTokens)).toBe(3);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(3);
    await second.shutdown();
  });
});
