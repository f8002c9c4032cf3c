/**
 * anthropic: wrap an `@anthropic-ai/sdk` client, make two calls that share a cached system prompt (the
 * first writes the cache, the second reads it) and one streamed with `messages.stream()`, and print
 * the tokens and dollars burnrate measured and the `/metrics` lines it serves.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx anthropic/main.ts`
 * Against the local simulator by default; set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL) for a real endpoint.
 */
import Anthropic from '@anthropic-ai/sdk';
import { formatUsd } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { type LlmUsageRecord, withAttributes } from '@burnrate/sdk';

// The local simulator, unless ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY point at a real endpoint.
const real = Boolean(process.env['ANTHROPIC_BASE_URL'] || process.env['ANTHROPIC_API_KEY']);
const sim = real ? undefined : await startSimulator();
const client = new Anthropic(sim ? { baseURL: sim.anthropicUrl, apiKey: 'sk-ant-simulator' } : {});
console.log(`backend: ${sim ? `local simulator at ${sim.anthropicUrl}` : client.baseURL}`);

// The simulator reports its host as the provider, so the card maps that host to Anthropic's prices.
const burnrate = await setupBurnrate({
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
  priceCard: { providers: sim ? { [new URL(sim.anthropicUrl).hostname]: 'anthropic' } : {} },
});
const cost = burnrate.costs;
const calls: LlmUsageRecord[] = [];
burnrate.recorder.addProcessor({ onUsage: (r) => void (r.kind === 'llm' && calls.push(r)) });

const claude = burnrate.instrumentAnthropic(client);

// Anthropic caches only up to explicit `cache_control` breakpoints, and only prefixes of 1024+ tokens.
const policy = Array.from(
  { length: 200 },
  (_, i) => `Policy ${i}: refunds within 30 days, cite the section.`,
);
const system: Anthropic.TextBlockParam[] = [
  { type: 'text', text: policy.join(' '), cache_control: { type: 'ephemeral' } },
];
const model = 'claude-sonnet-4-0';

await withAttributes({ feature: 'support', tenant: 'acme' }, async () => {
  // Writes the system prompt to the cache (cache_creation_input_tokens).
  await claude.messages.create({
    model,
    max_tokens: 24,
    system,
    messages: [{ role: 'user', content: 'Where is my order?' }],
  });
  // Reads it (cache_read_input_tokens): Anthropic's input_tokens leave both out; burnrate adds them back.
  await claude.messages.create({
    model,
    max_tokens: 24,
    system,
    messages: [{ role: 'user', content: 'Can I return a damaged item?' }],
  });
  // The streaming helper goes through messages.create, so it is metered too.
  const final = await claude.messages
    .stream({
      model,
      max_tokens: 17,
      system,
      messages: [{ role: 'user', content: 'Stream a haiku about invoices.' }],
    })
    .finalMessage();
  console.log(`stream: final message with ${final.usage.output_tokens} output tokens`);
});

console.log('\ncalls (as burnrate recorded them; input includes cache reads and writes):');
for (const c of calls) {
  const priced = cost.priceLlmCall(c);
  const usd = priced.kind === 'priced' ? `$${priced.usd.toFixed(7)}` : `unpriced (${priced.reason})`;
  console.log(
    `  ${(c.streaming ? 'chat (stream)' : 'chat').padEnd(13)} ${(c.responseModel ?? c.requestModel).padEnd(26)} input ${String(c.usage.input).padStart(4)} (cache read ${String(c.usage.cacheRead).padStart(4)}, cache write ${String(c.usage.cacheWrite).padStart(4)})  output ${String(c.usage.output).padStart(3)}  ${usd}`,
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

const summary: Record<string, unknown> = {
  calls: calls.length,
  input: sumOf('gen_ai_client_inference_usage_input_tokens_total'),
  cacheRead: sumOf('gen_ai_client_inference_usage_cache_read_input_tokens_total'),
  cacheWrite: sumOf('gen_ai_client_inference_usage_cache_write_input_tokens_total'),
  output: sumOf('gen_ai_client_inference_usage_output_tokens_total'),
  usd: report.totalUsd,
  scrapedUsd: sumOf('burnrate_cost_usd_total'),
};
if (sim) {
  const t = sim.ledger().reported.totals;
  console.log(
    `\nsimulator ledger: ${t.input} input (${t.cached_input} cache read, ${t.cache_write} cache write) + ${t.output} output tokens`,
  );
  summary['ledger'] = {
    requests: t.requests,
    input: t.input,
    cacheRead: t.cached_input,
    cacheWrite: t.cache_write,
    output: t.output,
  };
}
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await sim?.close();
