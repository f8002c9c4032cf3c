/**
 * `pnpm bench`: what burnrate costs on the hot path, as ratios against baselines measured in the
 * same run — the raw OpenTelemetry counter for recording, the bare openai client for calls. The
 * client runs over an in-process `fetch` returning canned responses, so the wrapper's CPU cost is
 * not hidden behind network time.
 */
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import OpenAI from 'openai';
import { Bench } from 'tinybench';
import { createUsageRecorder, instrumentOpenAI, type LlmCall, withAttributes } from '../src/index.js';

class NullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const completion = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null },
  ],
  usage: {
    prompt_tokens: 12,
    completion_tokens: 2,
    total_tokens: 14,
    prompt_tokens_details: { cached_tokens: 0 },
  },
});
const chunks = Array.from({ length: 20 }, (_, i) =>
  JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }],
  }),
);
const usageChunk = JSON.stringify({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [],
  usage: { prompt_tokens: 12, completion_tokens: 20, total_tokens: 32 },
});

const fakeFetch = async (_url: unknown, init?: { body?: unknown }): Promise<Response> => {
  const body = JSON.parse(String(init?.body ?? '{}')) as {
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
  };
  if (!body.stream) return new Response(completion, { headers: { 'content-type': 'application/json' } });
  const frames = [...chunks, ...(body.stream_options?.include_usage ? [usageChunk] : [])];
  const sse = `${frames.map((f) => `data: ${f}\n\n`).join('')}data: [DONE]\n\n`;
  return new Response(sse, { headers: { 'content-type': 'text/event-stream' } });
};

const meterProvider = new MeterProvider({ readers: [new NullReader()] });
const recorder = createUsageRecorder({ meterProvider });
const rawCounter = meterProvider.getMeter('raw').createCounter('raw.tokens');
const rawAttrs = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o-mini',
  feature: 'search',
};
const call: LlmCall = {
  provider: 'openai',
  operation: 'chat',
  requestModel: 'gpt-4o-mini',
  responseModel: 'gpt-4o-mini-2024-07-18',
  usage: { input: 12, cacheRead: 0, cacheWrite: 0, output: 2, reasoning: 0 },
  usageSource: 'provider',
  durationS: 0.2,
  streaming: false,
};

const opts = {
  apiKey: 'sk-bench',
  baseURL: 'http://bench.invalid/v1',
  fetch: fakeFetch as unknown as typeof fetch,
};
const bare = new OpenAI(opts);
const wrapped = instrumentOpenAI(new OpenAI(opts), { recorder });
const req = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

async function drain(s: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of s) {
    // consume
  }
}

const bench = new Bench({ time: 1500, warmup: true });
bench
  .add('raw OTel Counter.add ×5 (baseline)', () => {
    for (let i = 0; i < 5; i++) rawCounter.add(12, rawAttrs);
  })
  .add('recorder.recordLlm (5 counters + histogram + guard)', () =>
    withAttributes({ feature: 'search' }, () => recorder.recordLlm(call)),
  )
  .add('bare client: chat.completions.create (baseline)', async () => {
    await bare.chat.completions.create(req);
  })
  .add('instrumented client: chat.completions.create', async () => {
    await wrapped.chat.completions.create(req);
  })
  .add('bare client: 20-chunk stream (baseline)', async () => {
    await drain(await bare.chat.completions.create({ ...req, stream: true }));
  })
  .add('instrumented client: 20-chunk stream', async () => {
    await drain(await wrapped.chat.completions.create({ ...req, stream: true }));
  });

await bench.run();

const mean = (name: string): number => {
  const t = bench.getTask(name)?.result;
  if (!t || !('latency' in t)) throw new Error(`no result for ${name}`);
  return (t as { latency: { mean: number } }).latency.mean * 1000; // ms → µs
};
const rows = [
  [
    'recording one call',
    'raw OTel Counter.add ×5 (baseline)',
    'recorder.recordLlm (5 counters + histogram + guard)',
  ],
  [
    'non-streaming call',
    'bare client: chat.completions.create (baseline)',
    'instrumented client: chat.completions.create',
  ],
  ['streaming call', 'bare client: 20-chunk stream (baseline)', 'instrumented client: 20-chunk stream'],
] as const;
console.log('case                 baseline µs   burnrate µs   ratio   added µs');
for (const [label, base, ours] of rows) {
  const b = mean(base);
  const o = mean(ours);
  console.log(
    `${label.padEnd(20)} ${b.toFixed(2).padStart(11)} ${o.toFixed(2).padStart(13)} ${(o / b).toFixed(2).padStart(7)} ${(o - b).toFixed(2).padStart(10)}`,
  );
}
await meterProvider.shutdown();
