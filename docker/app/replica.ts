/**
 * A small LLM service instrumented with burnrate, used as the docker compose demo app and as the
 * replicas of the end-to-end test: it calls an OpenAI-compatible server (the simulator) through an
 * instrumented `openai` client, prices every call with the cost-processor, and serves `/metrics`.
 *
 * Environment:
 * - `BURNRATE_OPENAI_BASE_URL` (required): e.g. `http://127.0.0.1:8787/v1`
 * - `BURNRATE_PRICE_CARD`: price card path (default: defaults only)
 * - `BURNRATE_METRICS_HOST` / `BURNRATE_METRICS_PORT`: `/metrics` address (default 127.0.0.1:9464; port 0 picks one)
 * - `BURNRATE_CALLS`: stop calling after this many calls (default: run until stopped)
 * - `BURNRATE_PACE_MS`: pause between calls (default 1000)
 * - `BURNRATE_WAIT_FOR_GO=1`: wait for a line `go` on stdin before the first call
 *
 * Prints `metrics <url>` once `/metrics` is served and `done <n>` after the last call.
 */
import { createInterface } from 'node:readline';
import { setupBurnrate } from '@burnrate/node';
import { withAttributes } from '@burnrate/sdk';
import OpenAI from 'openai';

const env = process.env;
const baseURL = env['BURNRATE_OPENAI_BASE_URL'];
if (!baseURL) {
  process.stderr.write('replica: set BURNRATE_OPENAI_BASE_URL\n');
  process.exit(2);
}
const calls = env['BURNRATE_CALLS'] ? Number(env['BURNRATE_CALLS']) : Number.POSITIVE_INFINITY;
const paceMs = Number(env['BURNRATE_PACE_MS'] ?? 1000);
// The chat model: an API model by default; the self-hosted replica of the compose file calls the
// model its vLLM server serves.
const chatModel = env['BURNRATE_CHAT_MODEL'] ?? 'gpt-4o-mini';

const burnrate = await setupBurnrate({
  prometheus: {
    host: env['BURNRATE_METRICS_HOST'] ?? '127.0.0.1',
    port: Number(env['BURNRATE_METRICS_PORT'] ?? 9464),
  },
  serviceName: 'burnrate-demo',
  priceCard: env['BURNRATE_PRICE_CARD'],
});
const openai = burnrate.instrumentOpenAI(new OpenAI({ baseURL, apiKey: 'sk-simulator', maxRetries: 0 }));
process.stdout.write(`metrics ${burnrate.metricsUrl}\n`);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  void burnrate.shutdown().finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

if (env['BURNRATE_WAIT_FOR_GO'] === '1') {
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => {
    lines.on('line', (l) => {
      if (l.trim() === 'go') resolve();
    });
  });
  lines.close();
}

const features = ['search', 'chat', 'summarize'] as const;
const tenants = ['acme', 'globex'] as const;
const SYSTEM = Array.from({ length: 300 }, (_, i) => `Policy ${i}: be brief, cite the source.`).join(' ');

/** One call of the workload; the kind rotates so every metric path is exercised. */
async function call(i: number): Promise<void> {
  const attrs = {
    feature: features[i % features.length] ?? 'chat',
    tenant: tenants[i % tenants.length] ?? 'acme',
  };
  await withAttributes(attrs, async () => {
    if (i % 3 === 0) {
      await openai.chat.completions.create({
        model: chatModel,
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: `question ${i}` },
        ],
        max_tokens: 20 + (i % 7),
      });
    } else if (i % 3 === 1) {
      const stream = await openai.chat.completions.create({
        model: chatModel,
        messages: [{ role: 'user', content: `stream ${i}` }],
        max_tokens: 12,
        stream: true,
      });
      for await (const _ of stream) {
        // drain
      }
    } else {
      await openai.embeddings.create({
        model: 'text-embedding-3-small',
        input: [`document ${i}`, 'alpha beta'],
      });
    }
  });
}

let done = 0;
while (!stopping && done < calls) {
  try {
    await call(done);
  } catch (err) {
    process.stderr.write(
      `replica: call ${done} failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
  done += 1;
  if (done < calls) await new Promise((r) => setTimeout(r, paceMs));
}
if (Number.isFinite(calls)) process.stdout.write(`done ${done}\n`);
