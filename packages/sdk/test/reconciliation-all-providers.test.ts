import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenAI } from '@ai-sdk/openai';
import Anthropic from '@anthropic-ai/sdk';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { startSimulator } from '@burnrate/llm-simulator';
import { COST_METRIC, LABEL, METRIC, prometheusName } from '@burnrate/semconv';
import { GoogleGenAI } from '@google/genai';
import { ChatOpenAI } from '@langchain/openai';
import { Mistral } from '@mistralai/mistralai';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
// The cost processor depends on the sdk, so the sdk cannot list it as a dependency; its tests reach it by path.
import { createCostProcessor } from '../../cost-processor/src/index.js';
import {
  BurnrateCallbackHandler,
  burnrateMiddleware,
  createUsageRecorder,
  instrumentAnthropic,
  instrumentBedrock,
  instrumentGoogleGenAI,
  instrumentMistral,
  instrumentOpenAI,
  type LlmUsageRecord,
} from '../src/index.js';

// The AWS SDK warns once about Node 20; it has nothing to do with what is tested here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** One exposition line: name, labels, value. */
interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

function sumOf(series: Series[], name: string, where: Record<string, string> = {}): number {
  return series
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function drain(it: AsyncIterable<unknown> | undefined): Promise<void> {
  for await (const _ of it ?? []);
}

const TOKENS = {
  input: prometheusName(METRIC.inputTokens, 'counter'),
  cacheRead: prometheusName(METRIC.cacheReadTokens, 'counter'),
  cacheWrite: prometheusName(METRIC.cacheWriteTokens, 'counter'),
  output: prometheusName(METRIC.outputTokens, 'counter'),
  reasoning: prometheusName(METRIC.reasoningTokens, 'counter'),
};
const IMAGES = prometheusName(METRIC.images, 'counter');
const COST = prometheusName(COST_METRIC.cost, 'counter');
const UNPRICED = prometheusName(COST_METRIC.unpricedUsage, 'counter');
const UNKNOWN_MODEL = 'gpt-sim-inhouse-unknown';

/** A system prompt well over 1024 tokens, so the simulator's prompt cache reads and writes. */
const LONG_SYSTEM = Array.from(
  { length: 400 },
  (_, i) => `Rule ${i}: answer concisely and cite the policy section.`,
).join(' ');

/** The kinds of call in the mix, one per client and operation burnrate meters. */
const KINDS = [
  'openai.chat',
  'openai.chat.stream',
  'openai.responses',
  'openai.embeddings',
  'anthropic.messages',
  'anthropic.messages.stream',
  'ai.generateText',
  'ai.streamText',
  'langchain.ChatOpenAI',
  'google.generateContent',
  'google.generateContentStream',
  'bedrock.Converse',
  'bedrock.ConverseStream',
  'mistral.chat.complete',
  'mistral.chat.stream',
  'openai.images.generate',
] as const;

describe('reconciliation: 100 concurrent mixed calls across every metered client', () => {
  it('meters every token kind per model, every image and every successful call exactly as the one simulator’s ledger served them, with 429s injected, and /metrics dollars equal the cost report', async () => {
    const sim = await startSimulator({ faults: { rate429: 0.1, seed: 7, retryAfterMs: 1 } });
    const exporter = new PrometheusExporter({ host: '127.0.0.1', preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) };
    const costs = createCostProcessor({ meterProvider, logger });
    const records: LlmUsageRecord[] = [];
    const recorder = createUsageRecorder({
      meterProvider,
      logger,
      processors: [costs, { onUsage: (r) => void (r.kind === 'llm' && records.push(r)) }],
    });

    const openai = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 4 }), {
      recorder,
      // The simulator's address names no provider; say which one it stands in for.
      providerName: 'openai',
    });
    const anthropic = instrumentAnthropic(
      new Anthropic({ baseURL: sim.anthropicUrl, apiKey: 'sk-ant-test', maxRetries: 4 }),
      { recorder, providerName: 'anthropic' },
    );
    const aiOpenAI = createOpenAI({ baseURL: sim.url, apiKey: 'x' });
    const aiModel = (model: string) =>
      wrapLanguageModel({ model: aiOpenAI(model), middleware: burnrateMiddleware({ recorder }) });
    const handler = new BurnrateCallbackHandler({ recorder });
    const langchain = new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'x',
      configuration: { baseURL: sim.url },
      maxRetries: 4,
      maxTokens: 30,
      callbacks: [handler],
    });
    const gemini = instrumentGoogleGenAI(
      new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: sim.anthropicUrl } }),
      { recorder },
    );
    const bedrock = instrumentBedrock(
      new BedrockRuntimeClient({
        endpoint: new URL(sim.url).origin,
        region: 'us-east-1',
        credentials: {
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        },
        maxAttempts: 5,
      }),
      { recorder },
    );
    const mistral = instrumentMistral(new Mistral({ apiKey: 'test-key', serverURL: sim.anthropicUrl }), {
      recorder,
    });

    const call = async (i: number): Promise<void> => {
      const question = `Question number ${i} about the order.`;
      if (i === 99) {
        // The one deliberate unpriced call: a model no catalog knows.
        await openai.chat.completions.create({
          model: UNKNOWN_MODEL,
          max_tokens: 20,
          messages: [{ role: 'user', content: question }],
        });
        return;
      }
      switch (KINDS[i % KINDS.length]) {
        case 'openai.chat':
          await openai.chat.completions.create({
            model: 'gpt-4o-mini',
            max_tokens: 10 + (i % 7),
            messages: [
              { role: 'system', content: LONG_SYSTEM },
              { role: 'user', content: question },
            ],
          });
          return;
        case 'openai.chat.stream':
          await drain(
            await openai.chat.completions.create({
              model: 'o4-mini',
              max_completion_tokens: 300,
              messages: [{ role: 'user', content: question }],
              stream: true,
            }),
          );
          return;
        case 'openai.responses':
          await openai.responses.create({ model: 'gpt-4.1-mini', input: question, max_output_tokens: 40 });
          return;
        case 'openai.embeddings':
          await openai.embeddings.create({ model: 'text-embedding-3-small', input: [question, `doc ${i}`] });
          return;
        case 'anthropic.messages':
          await anthropic.messages.create({
            model: 'claude-sonnet-4-0',
            max_tokens: 64,
            system: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }],
            messages: [{ role: 'user', content: question }],
          });
          return;
        case 'anthropic.messages.stream':
          await anthropic.messages
            .stream({
              model: 'claude-3-5-haiku-latest',
              max_tokens: 48,
              messages: [{ role: 'user', content: question }],
            })
            .finalMessage();
          return;
        case 'ai.generateText':
          await generateText({
            model: aiModel('gpt-4o-mini'),
            prompt: question,
            maxOutputTokens: 16,
            maxRetries: 4,
          });
          return;
        case 'ai.streamText': {
          const result = streamText({
            model: aiModel('gpt-4o'),
            prompt: question,
            maxOutputTokens: 16,
            maxRetries: 4,
          });
          await drain(result.fullStream);
          await result.usage;
          return;
        }
        case 'langchain.ChatOpenAI':
          await langchain.invoke(question);
          return;
        case 'google.generateContent':
          await gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: question });
          return;
        case 'google.generateContentStream':
          await drain(
            await gemini.models.generateContentStream({ model: 'gemini-2.0-flash', contents: question }),
          );
          return;
        case 'bedrock.Converse':
          await bedrock.send(
            new ConverseCommand({
              modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
              system: [{ text: LONG_SYSTEM }, { cachePoint: { type: 'default' } }],
              messages: [{ role: 'user', content: [{ text: question }] }],
            }),
          );
          return;
        case 'bedrock.ConverseStream':
          await drain(
            (
              await bedrock.send(
                new ConverseStreamCommand({
                  modelId: 'amazon.nova-lite-v1:0',
                  messages: [{ role: 'user', content: [{ text: question }] }],
                }),
              )
            ).stream,
          );
          return;
        case 'mistral.chat.complete':
          await mistral.chat.complete({
            model: 'mistral-small-latest',
            messages: [{ role: 'user', content: question }],
          });
          return;
        case 'mistral.chat.stream':
          await drain(
            await mistral.chat.stream({
              model: 'mistral-large-latest',
              messages: [{ role: 'user', content: question }],
            }),
          );
          return;
        case 'openai.images.generate':
          await openai.images.generate(
            Math.floor(i / KINDS.length) % 2 === 0
              ? { model: 'dall-e-3', prompt: `a lighthouse ${i}`, size: '1024x1024' }
              : { model: 'gpt-image-1', prompt: `a fox ${i}`, quality: 'low' },
          );
          return;
        default:
          throw new Error(`no call for ${i}`);
      }
    };

    try {
      const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => call(i)));
      const ledger = sim.ledger();
      const series = parseExposition(await (await fetch(metricsUrl)).text());
      const report = costs.report();

      // The faults happened, and everything else was served.
      expect(ledger.errors['429'] ?? 0).toBeGreaterThan(0);
      expect(Object.keys(ledger.errors)).toEqual(['429']);
      const ok = ledger.requests.filter((r) => r.outcome === 'ok');
      expect(ok.length + (ledger.errors['429'] ?? 0)).toBe(ledger.requests.length);
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(80);
      // A call rejects only with a 429 its client did not retry (or ran out of retries on).
      const rejections = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(rejections.filter((m) => !m.includes('429'))).toEqual([]);

      // Every token kind, in total and per model.
      const t = ledger.served.totals;
      expect({
        input: sumOf(series, TOKENS.input),
        cache_read: sumOf(series, TOKENS.cacheRead),
        cache_write: sumOf(series, TOKENS.cacheWrite),
        output: sumOf(series, TOKENS.output),
        reasoning: sumOf(series, TOKENS.reasoning),
      }).toEqual({
        input: t.input,
        cache_read: t.cached_input,
        cache_write: t.cache_write,
        output: t.output,
        reasoning: t.reasoning,
      });
      for (const [model, m] of Object.entries(ledger.served.models)) {
        const where = { [LABEL.requestModel]: model };
        expect([
          model,
          sumOf(series, TOKENS.input, where),
          sumOf(series, TOKENS.cacheRead, where),
          sumOf(series, TOKENS.cacheWrite, where),
          sumOf(series, TOKENS.output, where),
          sumOf(series, TOKENS.reasoning, where),
        ]).toEqual([model, m.input, m.cached_input, m.cache_write, m.output, m.reasoning]);
      }
      for (const kind of ['input', 'cached_input', 'cache_write', 'output', 'reasoning'] as const) {
        expect([kind, t[kind] > 0]).toEqual([kind, true]);
      }

      // Every provider was metered, and nothing was left out of the counters.
      expect([...new Set(records.map((r) => r.provider))].sort()).toEqual([
        'anthropic',
        'aws.bedrock',
        'gcp.gemini',
        'mistral_ai',
        'openai',
      ]);

      // Images (DALL·E and gpt-image), and the successful calls.
      expect(Object.keys(ledger.served.units.models).sort()).toEqual(['dall-e-3', 'gpt-image-1']);
      expect(sumOf(series, IMAGES)).toBe(ledger.served.units.totals.images);
      expect(records.filter((r) => r.errorType === undefined)).toHaveLength(ok.length);

      // Dollars: /metrics equals the report, and only the deliberate model is unpriced.
      const apiUsd = sumOf(series, COST, { [LABEL.component]: 'api' });
      expect(apiUsd).toBeGreaterThan(0);
      expect(Math.abs(apiUsd - report.components.api.usd)).toBeLessThan(1e-9);
      const unknown = ledger.served.models[UNKNOWN_MODEL];
      expect(unknown?.requests).toBe(1);
      expect(report.unpriced.map((u) => [u.reason, u.subject.endsWith(UNKNOWN_MODEL)])).toEqual([
        ['unknown_model', true],
      ]);
      expect(sumOf(series, UNPRICED)).toBe(
        sumOf(series, UNPRICED, { [LABEL.unpricedReason]: 'unknown_model' }),
      );
      expect(sumOf(series, UNPRICED, { [LABEL.requestModel]: UNKNOWN_MODEL })).toBe(
        (unknown?.input ?? 0) + (unknown?.output ?? 0),
      );
      expect(sumOf(series, COST, { [LABEL.requestModel]: UNKNOWN_MODEL })).toBe(0);
    } finally {
      bedrock.destroy();
      await recorder.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    }
  });
});
