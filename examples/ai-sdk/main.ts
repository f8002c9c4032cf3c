/**
 * ai-sdk: meter the Vercel AI SDK with burnrate's middleware — generateText, streamText and
 * embedMany through `wrapLanguageModel` / `wrapEmbeddingModel` — and print the tokens and dollars
 * burnrate measured and the `/metrics` lines it serves.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx ai-sdk/main.ts`
 * Against the local simulator by default; set OPENAI_API_KEY (and OPENAI_BASE_URL) for a real endpoint.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { formatUsd } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import {
  burnrateEmbeddingMiddleware,
  burnrateMiddleware,
  type LlmUsageRecord,
  withAttributes,
} from '@burnrate/sdk';
import { embedMany, generateText, streamText, wrapEmbeddingModel, wrapLanguageModel } from 'ai';

// The local simulator, unless OPENAI_BASE_URL / OPENAI_API_KEY point at a real endpoint.
const real = Boolean(process.env['OPENAI_BASE_URL'] || process.env['OPENAI_API_KEY']);
const sim = real ? undefined : await startSimulator();
const openai = sim ? createOpenAI({ baseURL: sim.url, apiKey: 'sk-simulator' }) : createOpenAI({});
console.log(`backend: ${sim ? `local simulator at ${sim.url}` : 'OpenAI'}`);

// The middleware names the provider from the model (`openai.responses` → openai), not from the host,
// so the catalog prices these calls as OpenAI's with no provider mapping in the card.
const burnrate = await setupBurnrate({ prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) } });
const cost = burnrate.costs;
const calls: LlmUsageRecord[] = [];
burnrate.recorder.addProcessor({ onUsage: (r) => void (r.kind === 'llm' && calls.push(r)) });

const middleware = burnrateMiddleware({ recorder: burnrate.recorder });
const chat = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware });
const embedder = wrapEmbeddingModel({
  model: openai.embedding('text-embedding-3-small'),
  middleware: burnrateEmbeddingMiddleware({ recorder: burnrate.recorder }),
});

await withAttributes({ feature: 'support', tenant: 'acme' }, async () => {
  const answer = await generateText({ model: chat, prompt: 'Where is my order?', maxOutputTokens: 24 });
  console.log(`generateText: ${answer.usage.outputTokens} output tokens`);

  const stream = streamText({
    model: wrapLanguageModel({ model: openai.chat('gpt-4o-mini'), middleware }),
    prompt: 'Stream a haiku about invoices.',
    maxOutputTokens: 17,
  });
  let parts = 0;
  for await (const _ of stream.textStream) parts += 1;
  console.log(`streamText: ${parts} text parts, usage from the finish part`);

  const vectors = await embedMany({ model: embedder, values: ['refund policy', 'damaged items'] });
  console.log(`embedMany: ${vectors.embeddings.length} vectors`);
});

console.log('\ncalls (as burnrate recorded them):');
for (const c of calls) {
  const priced = cost.priceLlmCall(c);
  const usd = priced.kind === 'priced' ? `$${priced.usd.toFixed(7)}` : `unpriced (${priced.reason})`;
  console.log(
    `  ${(c.streaming ? `${c.operation} (stream)` : c.operation).padEnd(15)} ${c.provider.padEnd(7)} ${(c.responseModel ?? c.requestModel).padEnd(24)} input ${String(c.usage.input).padStart(3)}  output ${String(c.usage.output).padStart(3)}  ${usd}`,
  );
}

const report = cost.report();
console.log(
  `\ntotal: ${report.queries} calls, ${report.tokens.input} input + ${report.tokens.output} output tokens = ${formatUsd(report.totalUsd)}`,
);

const metrics = await (await fetch(burnrate.metricsUrl as string)).text();
console.log(`\n${burnrate.metricsUrl} (token and dollar counters):`);
const lines = metrics
  .split('\n')
  .filter((l) => /^(gen_ai_client_inference_usage_\w+_total|burnrate_cost_usd_total)\{/.test(l));
for (const l of lines) console.log(`  ${l}`);
const scrapedUsd = lines
  .filter((l) => l.startsWith('burnrate_cost_usd_total{'))
  .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

const summary: Record<string, unknown> = {
  calls: report.queries,
  input: report.tokens.input,
  output: report.tokens.output,
  usd: report.totalUsd,
  scrapedUsd,
};
if (sim) {
  const served = sim.ledger().served;
  const byModel: Record<string, { input: number; output: number }> = {};
  for (const [m, t] of Object.entries(served.models)) byModel[m] = { input: t.input, output: t.output };
  summary['ledger'] = { requests: served.totals.requests, models: byModel };
}
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await sim?.close();
