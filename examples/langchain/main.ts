/**
 * langchain: meter LangChain.js chat models with BurnrateCallbackHandler — an invoke and a stream of
 * ChatOpenAI — and a ChatOpenAI whose openai client is also instrumented, to show that a call seen by
 * both layers is recorded once. Prints the tokens and dollars burnrate measured and the simulator's ledger.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx langchain/main.ts`
 * Against the local simulator by default; set OPENAI_API_KEY (and OPENAI_BASE_URL) for a real endpoint.
 */
import { formatUsd } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { BurnrateCallbackHandler, type LlmUsageRecord, withAttributes } from '@burnrate/sdk';
import { ChatOpenAI, ChatOpenAICompletions } from '@langchain/openai';
import OpenAI from 'openai';

// The local simulator, unless OPENAI_BASE_URL / OPENAI_API_KEY point at a real endpoint.
const real = Boolean(process.env['OPENAI_BASE_URL'] || process.env['OPENAI_API_KEY']);
const sim = real ? undefined : await startSimulator();
const fields = {
  model: 'gpt-4o-mini',
  ...(sim && { apiKey: 'sk-simulator', configuration: { baseURL: sim.url } }),
};
console.log(`backend: ${sim ? `local simulator at ${sim.url}` : 'OpenAI'}`);

// The handler names the provider from LangChain's run metadata (ls_provider: openai); the openai
// wrapper names it from the client's host, so the card maps the simulator's host to OpenAI's prices.
const burnrate = await setupBurnrate({
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
  priceCard: { providers: sim ? { [new URL(sim.url).hostname]: 'openai' } : {} },
});
const cost = burnrate.costs;
const calls: LlmUsageRecord[] = [];
burnrate.recorder.addProcessor({ onUsage: (r) => void (r.kind === 'llm' && calls.push(r)) });

const handler = new BurnrateCallbackHandler({ recorder: burnrate.recorder });
const model = new ChatOpenAI({ ...fields, maxTokens: 24, callbacks: [handler] });

// The same model over an instrumented openai client: both layers see its calls; the client wrapper,
// which reads the provider's raw usage, records them and the handler skips them.
const completions = new ChatOpenAICompletions({ ...fields, maxTokens: 9 });
completions.client = burnrate.instrumentOpenAI(
  new OpenAI(sim ? { baseURL: sim.url, apiKey: 'sk-simulator', maxRetries: 0 } : { maxRetries: 0 }),
);
const layered = new ChatOpenAI({ ...fields, maxTokens: 9, completions, callbacks: [handler] });

await withAttributes({ feature: 'support', tenant: 'acme' }, async () => {
  const answer = await model.invoke('Where is my order?');
  console.log(`invoke: ${answer.usage_metadata?.output_tokens} output tokens`);

  let chunks = 0;
  for await (const _ of await model.stream('Stream a haiku about invoices.')) {
    chunks += 1;
  }
  console.log(`stream: ${chunks} chunks, usage from the usage chunk (streamUsage)`);

  await layered.invoke('Is it shipped yet?');
  console.log('layered invoke: seen by the handler and the instrumented client');
});

console.log('\ncalls (as burnrate recorded them):');
for (const c of calls) {
  const priced = cost.priceLlmCall(c);
  const usd = priced.kind === 'priced' ? `$${priced.usd.toFixed(7)}` : `unpriced (${priced.reason})`;
  console.log(
    `  ${(c.streaming ? `${c.operation} (stream)` : c.operation).padEnd(15)} ${c.provider.padEnd(9)} ${(c.responseModel ?? c.requestModel).padEnd(24)} input ${String(c.usage.input).padStart(3)}  output ${String(c.usage.output).padStart(3)}  ${usd}`,
  );
}

const report = cost.report();
console.log(
  `\ntotal: ${report.queries} calls, ${report.tokens.input} input + ${report.tokens.output} output tokens = ${formatUsd(report.totalUsd)}`,
);

const metrics = await (await fetch(burnrate.metricsUrl as string)).text();
const scrapedUsd = metrics
  .split('\n')
  .filter((l) => l.startsWith('burnrate_cost_usd_total{'))
  .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

const summary: Record<string, unknown> = {
  calls: report.queries,
  input: report.tokens.input,
  output: report.tokens.output,
  usd: report.totalUsd,
  scrapedUsd,
  recordedBy: calls.map((c) => c.provider),
};
if (sim) {
  const served = sim.ledger().served.totals;
  summary['ledger'] = { requests: served.requests, input: served.input, output: served.output };
}
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await sim?.close();
