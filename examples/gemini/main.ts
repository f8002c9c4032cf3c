/**
 * gemini: wrap a `@google/genai` client, make a thinking-model call, a call with automatic function
 * calling (two model requests inside one `generateContent`), a stream, and two calls that share a long
 * prompt (the second is served partly from Gemini's implicit cache), then print the tokens and dollars
 * burnrate measured and the `/metrics` lines it serves.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx gemini/main.ts`
 * Against the local simulator by default; set GEMINI_API_KEY for the real Gemini API (costs real money).
 */
import { formatUsd } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { instrumentGoogleGenAI, type LlmUsageRecord, withAttributes } from '@burnrate/sdk';
import { type CallableTool, type FunctionCall, GoogleGenAI } from '@google/genai';

const apiKey = process.env['GEMINI_API_KEY'];
const sim = apiKey ? undefined : await startSimulator();
// The simulator serves Gemini's REST paths (`/v1beta/models/{model}:generateContent`) at its root URL.
const client = new GoogleGenAI(
  sim ? { apiKey: 'simulator', httpOptions: { baseUrl: sim.anthropicUrl } } : { apiKey: apiKey as string },
);
console.log(`backend: ${sim ? `local simulator at ${sim.anthropicUrl}` : 'Gemini API'}`);

// A Gemini client's calls carry gen_ai.provider.name gcp.gemini, priced from the catalog's Google
// prices whatever the host, so the card needs no provider mapping.
const burnrate = await setupBurnrate({
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
  priceCard: {},
});
const cost = burnrate.costs;
const calls: LlmUsageRecord[] = [];
burnrate.recorder.addProcessor({ onUsage: (r) => void (r.kind === 'llm' && calls.push(r)) });

const gemini = instrumentGoogleGenAI(client, { recorder: burnrate.recorder });

/** A callable tool: with one, generateContent runs the function-calling loop itself. */
const weather: CallableTool = {
  tool: async () => ({
    functionDeclarations: [
      {
        name: 'getWeather',
        description: 'Current weather in a city.',
        parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ],
  }),
  callTool: async (functionCalls: FunctionCall[]) =>
    functionCalls.map((c) => ({ functionResponse: { name: c.name ?? '', response: { celsius: 21 } } })),
};

// Implicit caching serves a repeated prompt prefix of 1024+ tokens at the cached-input price.
const handbook = Array.from(
  { length: 200 },
  (_, i) => `Rule ${i}: refunds within 30 days, cite the section.`,
);

await withAttributes({ feature: 'assistant', tenant: 'acme' }, async () => {
  // A thinking model: thoughtsTokenCount is billed as output, on top of candidatesTokenCount.
  await gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Plan a budget review.' });
  // Automatic function calling: the client calls the model, runs getWeather, calls the model again.
  const answer = await gemini.models.generateContent({
    model: 'gemini-2.5-flash',
    contents: 'What is the weather in Paris?',
    config: { tools: [weather] },
  });
  console.log(
    `function calling: ${answer.automaticFunctionCallingHistory?.length ?? 0} turns in the history`,
  );
  const stream = await gemini.models.generateContentStream({
    model: 'gemini-2.0-flash',
    contents: 'Stream a haiku about invoices.',
  });
  let chunks = 0;
  for await (const _chunk of stream) chunks++;
  console.log(`stream: ${chunks} chunks`);
  for (const q of ['Where is my order?', 'Can I return a damaged item?']) {
    await gemini.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [{ role: 'user', parts: [{ text: handbook.join(' ') }, { text: q }] }],
    });
  }
});

console.log('\ncalls (as burnrate recorded them; input includes cached input, output includes thoughts):');
for (const c of calls) {
  const priced = cost.priceLlmCall(c);
  const usd = priced.kind === 'priced' ? `$${priced.usd.toFixed(7)}` : `unpriced (${priced.reason})`;
  console.log(
    `  ${(c.streaming ? 'stream' : 'generate').padEnd(8)} ${(c.responseModel ?? c.requestModel).padEnd(17)} input ${String(c.usage.input).padStart(4)} (cached ${String(c.usage.cacheRead).padStart(4)})  output ${String(c.usage.output).padStart(3)} (thoughts ${String(c.usage.reasoning).padStart(2)})  ${usd}`,
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
const sumOf = (name: string): number =>
  lines
    .filter((l) => l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

/** One model's scraped token counters. */
const modelSum = (name: string, model: string): number =>
  lines
    .filter((l) => l.startsWith(`${name}{`) && l.includes(`gen_ai_request_model="${model}"`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
const byModel: Record<string, Record<string, number>> = {};
for (const model of ['gemini-2.5-flash', 'gemini-2.0-flash']) {
  byModel[model] = {
    input: modelSum('gen_ai_client_inference_usage_input_tokens_total', model),
    cacheRead: modelSum('gen_ai_client_inference_usage_cache_read_input_tokens_total', model),
    output: modelSum('gen_ai_client_inference_usage_output_tokens_total', model),
  };
}

const summary: Record<string, unknown> = {
  calls: calls.length,
  input: sumOf('gen_ai_client_inference_usage_input_tokens_total'),
  cacheRead: sumOf('gen_ai_client_inference_usage_cache_read_input_tokens_total'),
  output: sumOf('gen_ai_client_inference_usage_output_tokens_total'),
  reasoning: sumOf('gen_ai_client_inference_usage_reasoning_output_tokens_total'),
  usd: report.totalUsd,
  scrapedUsd: sumOf('burnrate_cost_usd_total'),
  byModel,
};
if (sim) {
  const t = sim.ledger().served.totals;
  console.log(
    `\nsimulator ledger: ${t.requests} requests, ${t.input} input (${t.cached_input} cached) + ${t.output} output tokens (${t.reasoning} thoughts)`,
  );
  summary['ledger'] = {
    requests: t.requests,
    input: t.input,
    cacheRead: t.cached_input,
    output: t.output,
    reasoning: t.reasoning,
  };
}
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await sim?.close();
