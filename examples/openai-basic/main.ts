/**
 * openai-basic: wrap an openai client, make a plain, a streaming and an embeddings call, and print
 * the tokens and dollars burnrate measured and the `/metrics` lines it serves.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx openai-basic/main.ts`
 * Against the local simulator by default; set OPENAI_API_KEY (and OPENAI_BASE_URL) for a real endpoint.
 */
import { formatUsd } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { type LlmUsageRecord, withAttributes } from '@burnrate/sdk';
import OpenAI from 'openai';

// The local simulator, unless OPENAI_BASE_URL / OPENAI_API_KEY point at a real endpoint.
const real = Boolean(process.env['OPENAI_BASE_URL'] || process.env['OPENAI_API_KEY']);
const sim = real ? undefined : await startSimulator();
const client = new OpenAI(sim ? { baseURL: sim.url, apiKey: 'sk-simulator' } : {});
console.log(`backend: ${sim ? `local simulator at ${sim.url}` : client.baseURL}`);

// One MeterProvider with a Prometheus endpoint on 127.0.0.1 (BURNRATE_PORT, default: a free port).
// setupBurnrate's cost processor prices every call from the catalog and records the dollar metrics
// next to the tokens. The simulator reports its host as the provider, so the card maps it to OpenAI.
const burnrate = await setupBurnrate({
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
  priceCard: { providers: sim ? { [new URL(sim.url).hostname]: 'openai' } : {} },
});
const cost = burnrate.costs;
// A processor of our own, to print what burnrate recorded for each call.
const calls: LlmUsageRecord[] = [];
burnrate.recorder.addProcessor({ onUsage: (r) => void (r.kind === 'llm' && calls.push(r)) });

const openai = burnrate.instrumentOpenAI(client);

await withAttributes({ feature: 'support', tenant: 'acme' }, async () => {
  await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Where is my order?' }],
    max_tokens: 24,
  });

  // No stream_options here: burnrate asks for usage and hides the extra usage chunk from this loop.
  const stream = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Stream a haiku about invoices.' }],
    max_tokens: 17,
    stream: true,
  });
  let chunks = 0;
  for await (const chunk of stream) chunks += chunk.choices.length > 0 ? 1 : 0;
  console.log(`stream: ${chunks} chunks, every one with a choice (no usage chunk reached the caller)`);

  await openai.embeddings.create({
    model: 'text-embedding-3-small',
    input: 'refund policy for damaged items',
  });
});

console.log('\ncalls (as burnrate recorded them):');
for (const c of calls) {
  const priced = cost.priceLlmCall(c);
  // Single calls cost fractions of a cent: print them to the micro-dollar.
  const usd = priced.kind === 'priced' ? `$${priced.usd.toFixed(7)}` : `unpriced (${priced.reason})`;
  console.log(
    `  ${(c.streaming ? `${c.operation} (stream)` : c.operation).padEnd(15)} ${(c.responseModel ?? c.requestModel).padEnd(24)} input ${String(c.usage.input).padStart(3)}  output ${String(c.usage.output).padStart(3)}  ${usd}  usage: ${c.usageSource}`,
  );
}

const report = cost.report();
console.log(
  `\ntotal: ${report.queries} calls, ${report.tokens.input} input + ${report.tokens.output} output tokens = ${formatUsd(report.totalUsd)} (${Object.keys(report.bySource).join(', ')} prices, @pydantic/genai-prices ${report.priceCard.catalogVersion})`,
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
  const reported = sim.ledger().reported.totals;
  console.log(
    `\nsimulator ledger: ${reported.input} input + ${reported.output} output tokens reported to the client`,
  );
  summary['ledger'] = { requests: reported.requests, input: reported.input, output: reported.output };
}
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await sim?.close();
