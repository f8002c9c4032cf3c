/**
 * bedrock: instrument an `@aws-sdk/client-bedrock-runtime` client, make Converse calls that share a
 * cached system prompt (the first writes the cache, the second reads it), a ConverseStream, an
 * InvokeModel with a Meta Llama body and an InvokeModelWithResponseStream with an Anthropic body
 * through an inference-profile ARN, and print the tokens and dollars burnrate measured and the
 * `/metrics` lines it serves.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx bedrock/main.ts`
 * Against the local simulator by default; set BEDROCK_LIVE=1 (with AWS credentials and a region in
 * the environment) to call Bedrock itself.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type SystemContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { formatUsd } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { instrumentBedrock, type LlmUsageRecord, withAttributes } from '@burnrate/sdk';

// The local simulator, unless BEDROCK_LIVE=1 asks for the real service (credentials from the usual AWS chain).
const live = process.env['BEDROCK_LIVE'] === '1';
const sim = live ? undefined : await startSimulator();
const endpoint = sim ? new URL(sim.url).origin : undefined;
const client = new BedrockRuntimeClient(
  sim
    ? {
        endpoint,
        region: 'us-east-1',
        // The simulator checks no signature; the client still signs every request, so it needs some.
        credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' },
      }
    : {},
);
console.log(`backend: ${sim ? `local simulator at ${endpoint}` : 'Amazon Bedrock'}`);

// Bedrock calls are recorded with gen_ai.provider.name aws.bedrock, which the catalog prices as `aws`:
// no provider mapping is needed, even against the simulator.
const burnrate = await setupBurnrate({ prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) } });
const cost = burnrate.costs;
const calls: LlmUsageRecord[] = [];
burnrate.recorder.addProcessor({ onUsage: (r) => void (r.kind === 'llm' && calls.push(r)) });

const bedrock = instrumentBedrock(client, { recorder: burnrate.recorder });

// Bedrock caches up to explicit cachePoint blocks, and only prefixes of 1024+ tokens.
const policy = Array.from(
  { length: 200 },
  (_, i) => `Policy ${i}: refunds within 30 days, cite the section.`,
);
const system: SystemContentBlock[] = [{ text: policy.join(' ') }, { cachePoint: { type: 'default' } }];
const haiku = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const profileArn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${haiku}`;

await withAttributes({ feature: 'support', tenant: 'acme' }, async () => {
  // Writes the system prompt to the cache (cacheWriteInputTokens)...
  await bedrock.send(
    new ConverseCommand({
      modelId: haiku,
      system,
      messages: [{ role: 'user', content: [{ text: 'Where is my order?' }] }],
      inferenceConfig: { maxTokens: 24 },
    }),
  );
  // ...and reads it (cacheReadInputTokens): Bedrock's inputTokens leave both out; burnrate adds them back.
  await bedrock.send(
    new ConverseCommand({
      modelId: haiku,
      system,
      messages: [{ role: 'user', content: [{ text: 'Can I return a damaged item?' }] }],
      inferenceConfig: { maxTokens: 24 },
    }),
  );
  // A stream: its usage arrives in the last event, `metadata`.
  const stream = await bedrock.send(
    new ConverseStreamCommand({
      modelId: 'amazon.nova-lite-v1:0',
      messages: [{ role: 'user', content: [{ text: 'Stream a haiku about invoices.' }] }],
      inferenceConfig: { maxTokens: 17 },
    }),
  );
  let text = '';
  for await (const event of stream.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
  console.log(`stream: ${text.split(' ').length} words`);
  // InvokeModel takes the model's own body; burnrate reads the usage the family reports.
  await bedrock.send(
    new InvokeModelCommand({
      modelId: 'meta.llama3-1-8b-instruct-v1:0',
      contentType: 'application/json',
      body: JSON.stringify({ prompt: 'Summarize our refund policy in one line.', max_gen_len: 20 }),
    }),
  );
  // An inference-profile ARN is priced as the model it routes to.
  const chunks = await bedrock.send(
    new InvokeModelWithResponseStreamCommand({
      modelId: profileArn,
      contentType: 'application/json',
      body: JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 15,
        messages: [{ role: 'user', content: 'One tip for cutting LLM costs?' }],
      }),
    }),
  );
  for await (const _chunk of chunks.body ?? []) {
    // drain: the usage is in the message_delta chunk
  }
});

console.log('\ncalls (as burnrate recorded them; input includes cache reads and writes):');
for (const c of calls) {
  const priced = cost.priceLlmCall(c);
  const usd = priced.kind === 'priced' ? `$${priced.usd.toFixed(7)}` : `unpriced (${priced.reason})`;
  const kind = `${c.operation}${c.streaming ? ' (stream)' : ''}`;
  console.log(
    `  ${kind.padEnd(22)} ${(c.responseModel ?? c.requestModel).padEnd(44)} input ${String(c.usage.input).padStart(4)} (cache read ${String(c.usage.cacheRead).padStart(4)}, cache write ${String(c.usage.cacheWrite).padStart(4)})  output ${String(c.usage.output).padStart(3)}  ${usd}`,
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
  const ledger = sim.ledger();
  const t = ledger.reported.totals;
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
  summary['ledgerByModel'] = Object.fromEntries(
    Object.entries(ledger.reported.models).map(([m, v]) => [
      m,
      { input: v.input, cacheRead: v.cached_input, cacheWrite: v.cache_write, output: v.output },
    ]),
  );
}
console.log(`summary: ${JSON.stringify(summary)}`);

client.destroy();
await burnrate.shutdown();
await sim?.close();
