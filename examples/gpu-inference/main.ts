/**
 * gpu-inference: what a self-hosted model costs per token. A second OpenAI-compatible endpoint (the
 * self-hosted model, e.g. vLLM) is instrumented with `providerName: 'self-hosted'` and priced at an
 * explicit $0 per token; its GPUs are held with `recorder.gpu.reserve()`, so their cost accrues while
 * held, and cost per 1M tokens = GPU dollars ÷ tokens served. A nightly batch job on spot GPUs is
 * measured with `recorder.gpu.track()`. A manual clock simulates hours of GPU time in a second.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx gpu-inference/main.ts`
 * API calls go to the local simulator unless OPENAI_API_KEY / OPENAI_BASE_URL are set; the self-hosted
 * model is a second simulator unless SELF_HOSTED_BASE_URL points at your server.
 */
import { formatReport, formatUsd, type PriceCardInput } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { createManualClock } from '@burnrate/sdk';
import OpenAI from 'openai';

const API_MODEL = 'gpt-4o-mini';
const SELF_MODEL = 'llama-3.1-8b-instruct';
const EMBED_MODEL = 'bge-large-en-v1.5';
const HOURS_SERVED = 8;
const SELF_REQUESTS_PER_HOUR = 25;
const API_REQUESTS_PER_HOUR = 5;
const HOUR_MS = 3_600_000;

const real = Boolean(process.env['OPENAI_BASE_URL'] || process.env['OPENAI_API_KEY']);
const apiSim = real ? undefined : await startSimulator();
const apiClient = new OpenAI(apiSim ? { baseURL: apiSim.url, apiKey: 'sk-simulator' } : {});
const selfUrl = process.env['SELF_HOSTED_BASE_URL'];
const selfSim = selfUrl ? undefined : await startSimulator();
const selfClient = new OpenAI({ baseURL: selfUrl ?? selfSim?.url, apiKey: 'unused' });
console.log(`API:         ${apiSim ? `local simulator at ${apiSim.url}` : apiClient.baseURL}`);
console.log(`self-hosted: ${selfSim ? `local simulator at ${selfSim.url}` : selfUrl} serving ${SELF_MODEL}`);

// Time is simulated: the recorder (GPU-seconds) and the cost processor (report period) read this
// clock, and the program advances it by hand.
const clock = createManualClock(Date.UTC(2026, 10, 16, 8, 0, 0));
console.log(
  `clock:       simulated — a manual clock starting ${new Date(clock.now()).toISOString()}, advanced by hand\n`,
);

const priceCard: PriceCardInput = {
  // Self-hosted models cost GPU time, not tokens: an explicit $0, so they are priced, not "unpriced".
  models: { [SELF_MODEL]: { input: 0, output: 0 }, [EMBED_MODEL]: { input: 0, output: 0 } },
  // No reserved prices ship with burnrate; this is a 1-year commitment for an L4 (on-demand $0.80/h).
  gpu: { l4: { reserved: 0.5 } },
  // The API simulator reports its host as the provider; price it from the OpenAI catalog.
  providers: apiSim ? { [new URL(apiSim.url).hostname]: 'openai' } : {},
};

// One clock for the recorder and the cost processor: setup hands the recorder's clock to it.
const burnrate = await setupBurnrate({
  clock,
  priceCard,
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
});
const cost = burnrate.costs;
const api = burnrate.instrumentOpenAI(apiClient);
const selfHosted = burnrate.instrumentOpenAI(selfClient, { providerName: 'self-hosted' });
const { gpu } = burnrate.recorder;

const scrape = async () => (await fetch(burnrate.metricsUrl as string)).text();
const lines = (text: string, metric: string) => text.split('\n').filter((l) => l.startsWith(`${metric}{`));

// 1. The model server holds 2 reserved L4s for as long as it runs.
const releaseL4 = gpu.reserve({
  gpu: 'l4',
  count: 2,
  market: 'reserved',
  model: SELF_MODEL,
  workload: 'inference',
});
console.log('reserved 2 × L4 (reserved market) for the model server; while held:');
for (const l of lines(await scrape(), 'burnrate_gpu_hourly_cost_usd')) console.log(`  ${l}`);

// 2. A working day: traffic to both the self-hosted model and the API model, one simulated hour at a time.
for (let hour = 0; hour < HOURS_SERVED; hour++) {
  for (let i = 0; i < SELF_REQUESTS_PER_HOUR; i++) {
    await selfHosted.chat.completions.create({
      model: SELF_MODEL,
      messages: [{ role: 'user', content: `Summarize support ticket #${hour * 100 + i}.` }],
      max_tokens: 200,
    });
  }
  for (let i = 0; i < API_REQUESTS_PER_HOUR; i++) {
    await api.chat.completions.create({
      model: API_MODEL,
      messages: [{ role: 'user', content: `Summarize support ticket #${hour * 100 + i}.` }],
      max_tokens: 200,
    });
  }
  clock.advance(HOUR_MS);
}
releaseL4();
console.log(`\nserved ${HOURS_SERVED} simulated hours of traffic, then released the L4s`);

// 3. A nightly batch job: embed documents on 4 spot A100s for 90 simulated minutes.
const embedded = await gpu.track(
  { gpu: 'a100-80gb', count: 4, market: 'spot', workload: 'batch_embed', attributes: { team: 'search' } },
  async () => {
    let tokens = 0;
    for (let batch = 0; batch < 20; batch++) {
      const docs = Array.from(
        { length: 16 },
        (_, i) => `Knowledge-base article ${batch * 16 + i}: returns and refunds.`,
      );
      const res = await selfHosted.embeddings.create({ model: EMBED_MODEL, input: docs });
      tokens += res.usage.prompt_tokens;
    }
    clock.advance(90 * 60_000);
    return tokens;
  },
);
console.log(`batch_embed: 4 × A100-80GB spot for 90 simulated minutes, ${embedded} tokens embedded\n`);

await burnrate.forceFlush();
const text = await scrape();
console.log('GPU-seconds (/metrics):');
for (const l of lines(text, 'burnrate_gpu_time_total')) console.log(`  ${l}`);

const report = cost.report();
const gpuSpend = (g: string, market: string) => report.gpus.find((x) => x.gpu === g && x.market === market);
const l4 = gpuSpend('l4', 'reserved');
const a100 = gpuSpend('a100-80gb', 'spot');
const model = (provider: string, name: string) =>
  report.models.find((m) => m.provider === provider && m.model.startsWith(name));
const self = model('self-hosted', SELF_MODEL);
const apiSpend = report.models.find((m) => m.provider !== 'self-hosted');
if (!l4 || !a100 || !self || !apiSpend) throw new Error('expected GPU and model spend in the report');

const selfTokens = self.inputTokens + self.outputTokens;
const selfPer1M = (l4.usd / selfTokens) * 1e6;
const apiTokens = apiSpend.inputTokens + apiSpend.outputTokens;
const apiPer1M = (apiSpend.usd / apiTokens) * 1e6;
const l4PerHour = 2 * l4.usdPerHour;
const breakEvenTokensPerHour = l4PerHour / (apiPer1M / 1e6);

console.log('\nGPU cost:');
console.log(
  `  l4 reserved         ${(l4.gpuSeconds / 3600).toFixed(2)} GPU-hours × $${l4.usdPerHour.toFixed(2)} = ${formatUsd(l4.usd)}`,
);
console.log(
  `  a100-80gb spot      ${(a100.gpuSeconds / 3600).toFixed(2)} GPU-hours × $${a100.usdPerHour.toFixed(2)} = ${formatUsd(a100.usd)}`,
);
console.log('\ncost per 1M tokens:');
console.log(
  `  self-hosted ${SELF_MODEL}: ${formatUsd(l4.usd)} ÷ ${selfTokens} tokens × 1e6 = ${formatUsd(selfPer1M)} per 1M tokens`,
);
console.log(
  `  API ${apiSpend.model}: ${formatUsd(apiSpend.usd)} ÷ ${apiTokens} tokens × 1e6 = ${formatUsd(apiPer1M)} per 1M tokens`,
);
console.log(
  `  the reserved L4s (${formatUsd(l4PerHour)}/h) beat the API only above ~${Math.round(breakEvenTokensPerHour).toLocaleString('en-US')} tokens/hour; they served ${Math.round(selfTokens / HOURS_SERVED).toLocaleString('en-US')}/hour,`,
);
console.log(
  '  so at this traffic the API is cheaper: batch more requests onto the GPUs or hold fewer of them',
);
console.log(
  `  batch_embed on spot: ${formatUsd(a100.usd)}, ${formatUsd(report.savings.byStrategy['spot'] ?? 0)} less than on-demand A100s`,
);
console.log(`\n${formatReport(report)}\n`);

const summary: Record<string, unknown> = {
  simulatedHours: (clock.now() - Date.UTC(2026, 10, 16, 8, 0, 0)) / HOUR_MS,
  gpuSeconds: { l4Reserved: l4.gpuSeconds, a100Spot: a100.gpuSeconds },
  gpuUsd: { l4Reserved: l4.usd, a100Spot: a100.usd },
  savingsUsd: report.savings.byStrategy,
  selfHosted: { requests: self.calls, tokens: selfTokens, usdPer1M: selfPer1M },
  embeddedTokens: embedded,
  api: { requests: apiSpend.calls, tokens: apiTokens, usd: apiSpend.usd },
  totalUsd: report.totalUsd,
};
if (selfSim) {
  const served = selfSim.ledger().served.totals;
  console.log(
    `self-hosted simulator ledger: ${served.requests} requests, ${served.input} input + ${served.output} output tokens`,
  );
  summary['selfHostedLedger'] = {
    requests: served.requests,
    input: served.input,
    output: served.output,
    embeddings: served.embeddings,
  };
}
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await apiSim?.close();
await selfSim?.close();
