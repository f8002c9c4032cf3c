/**
 * `pnpm bench`: what burnrate costs on the hot path, as ratios against baselines measured in the
 * same run — the raw OpenTelemetry counter and the recorder without the cost processor for recording,
 * the bare openai client for calls. The client runs over an in-process `fetch` returning canned
 * responses, so the wrapper's CPU cost is not hidden behind network time.
 *
 * Lives at the root, not in @burnrate/sdk: it measures the sdk with @burnrate/cost-processor, which
 * depends on the sdk, and a dev dependency back would make the workspace graph a cycle.
 *
 * Method: each pair is timed in alternated blocks (baseline, subject, subject, baseline, ...) of
 * about 100 ms, so drift and noise on a shared machine hit both sides alike; the ratio is the median
 * of the per-round ratios of ns per call. No thresholds are asserted; the targets are printed.
 */
import { createCostProcessor } from '@burnrate/cost-processor';
import { createUsageRecorder, instrumentOpenAI, type LlmCall, withAttributes } from '@burnrate/sdk';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import OpenAI from 'openai';

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
const silent = { warn(): void {} };
const recorder = createUsageRecorder({ meterProvider, logger: silent });
// Catalog prices (gpt-4o-mini from genai-prices), the default card: the path most calls take.
const costed = createUsageRecorder({
  meterProvider,
  logger: silent,
  processors: [createCostProcessor({ logger: silent })],
});
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
const caller = { feature: 'search' };

const opts = {
  apiKey: 'sk-bench',
  baseURL: 'https://api.openai.com/v1',
  fetch: fakeFetch as unknown as typeof fetch,
};
const bare = new OpenAI(opts);
const wrapped = instrumentOpenAI(new OpenAI(opts), { recorder });
const wrappedCosted = instrumentOpenAI(new OpenAI(opts), { recorder: costed });
const req = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

async function drain(s: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of s) {
    // consume
  }
}

type Op = () => unknown;

/** ns per call of `op` over `n` calls (awaiting each result when `async`). */
async function timeBlock(op: Op, n: number, async: boolean): Promise<number> {
  const start = process.hrtime.bigint();
  if (async) for (let i = 0; i < n; i++) await op();
  else for (let i = 0; i < n; i++) op();
  return Number(process.hrtime.bigint() - start) / n;
}

/** How many calls of `op` take about `ms`. */
async function calibrate(op: Op, async: boolean, ms: number): Promise<number> {
  let n = 16;
  for (;;) {
    const ns = (await timeBlock(op, n, async)) * n;
    if (ns > 20e6 || n > 1 << 24) return Math.max(16, Math.round((n * ms * 1e6) / ns));
    n *= 4;
  }
}

interface Row {
  label: string;
  baseline: string;
  baseUs: number;
  oursUs: number;
  ratio: number;
  minRatio: number;
  maxRatio: number;
  target?: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Alternated blocks of `base` and `ours`; the median of per-round ratios. */
async function compare(
  label: string,
  baseline: string,
  base: Op,
  ours: Op,
  options: { async?: boolean; target?: number; rounds?: number } = {},
): Promise<Row> {
  const async = options.async ?? false;
  const rounds = options.rounds ?? 8;
  // Warm both paths (JIT, caches, the price memo) before anything is timed.
  await timeBlock(base, 2000, async);
  await timeBlock(ours, 2000, async);
  const n = await calibrate(base, async, 100);
  const m = await calibrate(ours, async, 100);
  const ratios: number[] = [];
  const baseNs: number[] = [];
  const oursNs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['b', 'o', 'o', 'b'] : ['o', 'b', 'b', 'o'];
    let b = 0;
    let o = 0;
    for (const side of order) {
      if (side === 'b') b += await timeBlock(base, n, async);
      else o += await timeBlock(ours, m, async);
    }
    baseNs.push(b / 2);
    oursNs.push(o / 2);
    ratios.push(o / b);
  }
  const row: Row = {
    label,
    baseline,
    baseUs: median(baseNs) / 1000,
    oursUs: median(oursNs) / 1000,
    ratio: median(ratios),
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
  };
  if (options.target !== undefined) row.target = options.target;
  return row;
}

const recordPlain = (): void => withAttributes(caller, () => recorder.recordLlm(call));
const recordCosted = (): void => withAttributes(caller, () => costed.recordLlm(call));

const rows: Row[] = [];
rows.push(
  await compare(
    'recordLlm (sdk)',
    'raw Counter.add ×5',
    () => {
      for (let i = 0; i < 5; i++) rawCounter.add(12, rawAttrs);
    },
    recordPlain,
  ),
);
rows.push(
  await compare('recordLlm + cost processor', 'recordLlm (sdk)', recordPlain, recordCosted, { target: 1.5 }),
);
rows.push(
  await compare(
    'wrapped chat.completions.create',
    'bare client',
    () => bare.chat.completions.create(req),
    () => wrapped.chat.completions.create(req),
    { async: true },
  ),
);
rows.push(
  await compare(
    'wrapped chat + cost processor',
    'bare client',
    () => bare.chat.completions.create(req),
    () => wrappedCosted.chat.completions.create(req),
    { async: true },
  ),
);
rows.push(
  await compare(
    'wrapped 20-chunk stream + cost',
    'bare 20-chunk stream',
    async () => drain(await bare.chat.completions.create({ ...req, stream: true })),
    async () => drain(await wrappedCosted.chat.completions.create({ ...req, stream: true })),
    { async: true },
  ),
);

console.log(
  `node ${process.version}, ${process.platform} ${process.arch}; ratio = median of 8 alternated rounds`,
);
console.log('');
console.log(
  `${'case'.padEnd(34)} ${'baseline'.padEnd(22)} ${'base µs'.padStart(9)} ${'ours µs'.padStart(9)} ${'ratio (min–max)'.padStart(20)} ${'added µs'.padStart(9)}  target`,
);
for (const r of rows) {
  const range = `${r.ratio.toFixed(2)} (${r.minRatio.toFixed(2)}–${r.maxRatio.toFixed(2)})`;
  const target =
    r.target === undefined ? '' : `≤ ${r.target.toFixed(2)}× ${r.ratio <= r.target ? 'met' : 'MISSED'}`;
  console.log(
    `${r.label.padEnd(34)} ${r.baseline.padEnd(22)} ${r.baseUs.toFixed(2).padStart(9)} ${r.oursUs.toFixed(2).padStart(9)} ${range.padStart(20)} ${(r.oursUs - r.baseUs).toFixed(2).padStart(9)}  ${target}`,
  );
}
await meterProvider.shutdown();
