import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import type { LlmUsageRecord } from '@burnrate/sdk';
import OpenAI from 'openai';

const MODEL = 'gpt-4o-mini';
const real = Boolean(process.env['OPENAI_BASE_URL'] || process.env['OPENAI_API_KEY']);
// Paced at 2 ms per chunk like a (very fast) real model, so the aborted stream (200 chunks, 400 ms) stops early.
const sim = real ? undefined : await startSimulator({ latency: { chunkIntervalMs: 2 } });
const client = new OpenAI(sim ? { baseURL: sim.url, apiKey: 'sk-simulator' } : {});
console.log(`backend: ${sim ? `local simulator at ${sim.url}` : client.baseURL}\n`);

const burnrate = await setupBurnrate({
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
  priceCard: { providers: sim ? { [new URL(sim.url).hostname]: 'openai' } : {} },
});
const cost = burnrate.costs;
const records: LlmUsageRecord[] = [];
burnrate.recorder.addProcessor({ onUsage: (r) => void (r.kind === 'llm' && records.push(r)) });
const openai = burnrate.instrumentOpenAI(client);

interface CallResult {
  name: string;
  records: number;
  source: string;
  input: number;
  output: number;
  usd: number | null;
  error?: string;
}
const results: CallResult[] = [];

/** Runs one scenario, prints what the caller saw and what burnrate recorded for it. */
async function scenario(name: string, run: () => Promise<string>): Promise<void> {
  const before = records.length;
  const saw = await run();
  const mine = records.slice(before);
  const r = mine[0];
  if (!r) throw new Error(`${name}: burnrate recorded nothing`);
  const priced = r.usageSource === 'missing' ? undefined : cost.priceLlmCall(r);
  const usd = priced?.kind === 'priced' ? priced.usd : null;
  results.push({
    name,
    records: mine.length,
    source: r.usageSource,
    input: r.usage.input,
    output: r.usage.output,
    usd,
    ...(r.errorType !== undefined && { error: r.errorType }),
  });
  const tokens =
    r.usageSource === 'missing' ? 'tokens unknown' : `${r.usage.input} in / ${r.usage.output} out`;
  const dollars = usd === null ? 'unpriced (usage missing)' : `$${usd.toFixed(7)}`;
  console.log(`${name}\n  caller saw: ${saw}`);
  console.log(
    `  burnrate:   ${mine.length} record, usage ${r.usageSource}, ${tokens}, ${dollars}${r.errorType ? `, error.type ${r.errorType}` : ''}\n`,
  );
}

const messages = (q: string) => [{ role: 'user' as const, content: q }];

await scenario('1. stream, no include_usage', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    messages: messages('Summarize our refund policy.'),
    max_tokens: 40,
    stream: true,
  });
  let chunks = 0;
  let withoutChoices = 0;
  for await (const chunk of stream) {
    chunks += 1;
    if (chunk.choices.length === 0) withoutChoices += 1;
  }
  return `${chunks} chunks, ${withoutChoices} without choices (the usage chunk burnrate asked for stays hidden)`;
});

await scenario('2. stream, include_usage: true', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    messages: messages('Summarize our shipping policy.'),
    max_tokens: 40,
    stream: true,
    stream_options: { include_usage: true },
  });
  let usage = 'none';
  for await (const chunk of stream) {
    if (chunk.usage) usage = `${chunk.usage.prompt_tokens} in / ${chunk.usage.completion_tokens} out`;
  }
  return `its own usage chunk: ${usage}`;
});

await scenario('3. stream split with tee()', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    messages: messages('Draft a reply to a late-delivery complaint.'),
    max_tokens: 40,
    stream: true,
  });
  const [left, right] = stream.tee();
  const read = async (s: typeof left) => {
    let text = '';
    for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  };
  const [a, b] = await Promise.all([read(left), read(right)]);
  return `two branches, ${a === b ? 'identical' : 'DIFFERENT'} text of ${a.split(' ').length} words each (recorded once)`;
});

await scenario('4. stream, include_usage: false (caller opted out)', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    messages: messages('List three warehouse locations.'),
    max_tokens: 40,
    stream: true,
    stream_options: { include_usage: false },
  });
  let chunks = 0;
  for await (const _ of stream) chunks += 1;
  return `${chunks} chunks; burnrate respects the opt-out and invents no numbers`;
});

await scenario('5. stream aborted after the first chunk', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    messages: messages('Write a long essay on invoices.'),
    max_tokens: 800,
    stream: true,
  });
  let chunks = 0;
  for await (const _ of stream) {
    chunks += 1;
    stream.controller.abort();
  }
  return `${chunks} chunk, then controller.abort()`;
});

await scenario('6. Responses API stream', async () => {
  const stream = await openai.responses.create({
    model: MODEL,
    input: 'Classify this ticket: "my parcel arrived broken".',
    max_output_tokens: 24,
    stream: true,
  });
  const types = new Set<string>();
  for await (const event of stream) types.add(event.type);
  return `${types.size} event types, ending with response.completed (usage on it): ${types.has('response.completed')}`;
});

const report = cost.report();
const scrape = await (await fetch(burnrate.metricsUrl as string)).text();
const unpricedLine = scrape.split('\n').find((l) => l.startsWith('burnrate_unpriced_usage_total{'));
const pricedCount = results.filter((r) => r.usd !== null).length;
console.log(
  `priced: $${report.totalUsd.toFixed(7)} for ${pricedCount} of ${report.queries + report.failedCalls} streams`,
);
console.log(`unpriced: ${unpricedLine ?? 'none'}`);

const summary: Record<string, unknown> = { calls: results, totalUsd: report.totalUsd };
if (sim) {
  const ledger = sim.ledger();
  console.log(
    `simulator ledger: served ${ledger.served.totals.input} in / ${ledger.served.totals.output} out (billed), reported to the client ${ledger.reported.totals.input} in / ${ledger.reported.totals.output} out, ${ledger.clientAborts} client abort(s)`,
  );
  summary['ledger'] = {
    served: { input: ledger.served.totals.input, output: ledger.served.totals.output },
    reported: { input: ledger.reported.totals.input, output: ledger.reported.totals.output },
    clientAborts: ledger.clientAborts,
  };
}
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await sim?.close();
