/**
 * openai-basic: wrap an openai client, make a few calls against the local simulator, and print the
 * `/metrics` lines burnrate produced. Run: `pnpm --filter @burnrate/examples exec tsx openai-basic/main.ts`.
 */
import { startSimulator } from '@burnrate/llm-simulator';
import { withAttributes } from '@burnrate/sdk';
import { setupBurnrate } from '@burnrate/sdk/setup';
import OpenAI from 'openai';

const sim = await startSimulator();
const burnrate = await setupBurnrate({ prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) } });
const openai = burnrate.instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-simulator' }));

await withAttributes({ feature: 'support', tenant: 'acme' }, async () => {
  const reply = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Where is my order?' }],
    max_tokens: 24,
  });
  console.log(`chat: ${reply.usage?.prompt_tokens} in, ${reply.usage?.completion_tokens} out`);

  const stream = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Stream a haiku.' }],
    max_tokens: 17,
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  console.log(`stream: ${text.split(' ').length} words (usage metered without include_usage)`);

  const emb = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'refund policy' });
  console.log(`embeddings: ${emb.usage.prompt_tokens} tokens`);
});

const metrics = await (await fetch(burnrate.metricsUrl as string)).text();
console.log(`\n${burnrate.metricsUrl}:`);
console.log(
  metrics
    .split('\n')
    .filter((l) => /^(gen_ai_client_inference_usage|burnrate_)/.test(l))
    .join('\n'),
);
const served = sim.ledger().served.totals;
console.log(`\nsimulator ledger: ${served.input} input tokens, ${served.output} output tokens served`);

await burnrate.shutdown();
await sim.close();
