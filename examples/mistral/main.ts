/**
 * mistral: wrap a `@mistralai/mistralai` client, make a chat call, a streamed chat (Mistral puts the
 * usage on the last chunk without being asked), a Codestral fill-in-the-middle completion and an
 * embedding, then print the tokens and dollars burnrate measured and the `/metrics` lines it serves.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx mistral/main.ts`
 * Against the local simulator by default; set MISTRAL_API_KEY for the real Mistral API (costs real money).
 */
import { formatUsd } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { instrumentMistral, type LlmUsageRecord, withAttributes } from '@burnrate/sdk';
import { Mistral } from '@mistralai/mistralai';

const apiKey = process.env['MISTRAL_API_KEY'];
const sim = apiKey ? undefined : await startSimulator();
// The Mistral client appends `/v1/chat/completions` (and so on) to its server URL itself.
const client = new Mistral(sim ? { apiKey: 'simulator', serverURL: sim.anthropicUrl } : { apiKey });
console.log(`backend: ${sim ? `local simulator at ${sim.anthropicUrl}` : 'Mistral API'}`);

// A Mistral client's calls carry gen_ai.provider.name mistral_ai, priced from the catalog's Mistral
// prices whatever the host, so the card needs no provider mapping.
const burnrate = await setupBurnrate({
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
  priceCard: {},
});
const cost = burnrate.costs;
const calls: LlmUsageRecord[] = [];
burnrate.recorder.addProcessor({ onUsage: (r) => void (r.kind === 'llm' && calls.push(r)) });

const mistral = instrumentMistral(client, { recorder: burnrate.recorder });

await withAttributes({ feature: 'coding', tenant: 'acme' }, async () => {
  await mistral.chat.complete({
    model: 'mistral-small-latest',
    messages: [{ role: 'user', content: 'Summarize our refund policy.' }],
  });
  const stream = await mistral.chat.stream({
    model: 'mistral-small-latest',
    messages: [{ role: 'user', content: 'Stream a haiku about invoices.' }],
  });
  let events = 0;
  for await (const _event of stream) events++;
  console.log(`stream: ${events} events`);
  const fim = await mistral.fim.complete({
    model: 'codestral-latest',
    prompt: 'function totalCost(calls) {\n',
    suffix: '\n}',
  });
  console.log(`fim: ${fim.usage.completionTokens} completion tokens`);
  await mistral.embeddings.create({ model: 'mistral-embed', inputs: ['refund policy', 'shipping times'] });
});

console.log('\ncalls (as burnrate recorded them):');
for (const c of calls) {
  const priced = cost.priceLlmCall(c);
  const usd = priced.kind === 'priced' ? `$${priced.usd.toFixed(7)}` : `unpriced (${priced.reason})`;
  console.log(
    `  ${`${c.operation}${c.streaming ? ' (stream)' : ''}`.padEnd(22)} ${(c.responseModel ?? c.requestModel).padEnd(21)} input ${String(c.usage.input).padStart(3)}  output ${String(c.usage.output).padStart(3)}  ${usd}`,
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
  .filter((l) =>
    /^(gen_ai_client_inference_usage_(input|output)_tokens_total|burnrate_cost_usd_total)\{/.test(l),
  );
for (const l of lines) console.log(`  ${l}`);
const sumOf = (name: string, model?: string): number =>
  lines
    .filter((l) => l.startsWith(`${name}{`) && (!model || l.includes(`gen_ai_request_model="${model}"`)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
const byModel: Record<string, Record<string, number>> = {};
for (const model of ['mistral-small-latest', 'codestral-latest', 'mistral-embed']) {
  byModel[model] = {
    input: sumOf('gen_ai_client_inference_usage_input_tokens_total', model),
    output: sumOf('gen_ai_client_inference_usage_output_tokens_total', model),
  };
}

const summary: Record<string, unknown> = {
  calls: calls.length,
  input: sumOf('gen_ai_client_inference_usage_input_tokens_total'),
  output: sumOf('gen_ai_client_inference_usage_output_tokens_total'),
  usd: report.totalUsd,
  scrapedUsd: sumOf('burnrate_cost_usd_total'),
  byModel,
};
if (sim) {
  const t = sim.ledger().served.totals;
  console.log(`\nsimulator ledger: ${t.requests} requests, ${t.input} input + ${t.output} output tokens`);
  summary['ledger'] = { requests: t.requests, input: t.input, output: t.output };
}
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await sim?.close();
