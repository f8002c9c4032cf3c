import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.js';
import { clientFor } from './helpers.js';

const MODEL = 'llama-3.1-8b';
const started: Simulator[] = [];

afterEach(async () => {
  for (const s of started.splice(0)) await s.close();
});

async function start(options: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
  const sim = await startSimulator(options);
  started.push(sim);
  return sim;
}

/** The samples of an exposition, keyed by series text as written (`name{labels}`). */
async function scrape(sim: Simulator): Promise<Map<string, number>> {
  const res = await fetch(sim.metricsUrl ?? '');
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const labels = (extra = ''): string => `{engine="0",model_name="${MODEL}"${extra}}`;

describe('the simulator as a vLLM server', () => {
  it('exports its model at zero before any request, as vLLM does', async () => {
    const sim = await start({ vllm: { model: MODEL } });
    const m = await scrape(sim);
    expect(m.get(`vllm:prompt_tokens_total${labels()}`)).toBe(0);
    expect(m.get(`vllm:generation_tokens_total${labels()}`)).toBe(0);
    expect(m.get(`vllm:num_requests_running${labels()}`)).toBe(0);
    expect(m.get(`vllm:request_prefill_time_seconds_count${labels()}`)).toBe(0);
  });

  it('counts exactly the tokens the ledger served, and prefill and decode time from its token rates', async () => {
    const sim = await start({
      vllm: { model: MODEL, prefillTokensPerSecond: 1024, decodeTokensPerSecond: 64 },
    });
    const client = clientFor(sim);
    await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    await client.chat.completions.create({
      model: MODEL,
      max_tokens: 40,
      messages: [{ role: 'user', content: 'Tell me about GPUs and what they cost per hour.' }],
    });
    const stream = await client.chat.completions.create({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'Stream a short answer.' }],
    });
    for await (const _ of stream) {
      // drain
    }
    // Another model is served but is not this vLLM's.
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const served = sim.ledger().served.models[MODEL];
    const perRequest = sim.ledger().requests.filter((r) => r.model === MODEL);
    expect(served?.requests).toBe(3);
    const m = await scrape(sim);
    expect(m.get(`vllm:prompt_tokens_total${labels()}`)).toBe(served?.input);
    expect(m.get(`vllm:generation_tokens_total${labels()}`)).toBe(served?.output);
    expect(m.get(`vllm:request_success_total${labels(',finished_reason="stop"')}`)).toBe(3);
    expect(m.get(`vllm:request_prefill_time_seconds_sum${labels()}`)).toBe((served?.input ?? 0) / 1024);
    expect(m.get(`vllm:request_decode_time_seconds_sum${labels()}`)).toBe((served?.output ?? 0) / 64);
    expect(m.get(`vllm:request_prefill_time_seconds_count${labels()}`)).toBe(3);
    expect(m.get(`vllm:e2e_request_latency_seconds_sum${labels()}`)).toBe(
      perRequest.reduce((s, r) => s + (r.usage?.input ?? 0) / 1024 + (r.usage?.output ?? 0) / 64, 0),
    );
    const decodes = perRequest.map((r) => (r.usage?.output ?? 0) / 64);
    expect(m.get(`vllm:request_decode_time_seconds_bucket${labels(',le="0.5"')}`)).toBe(
      decodes.filter((d) => d <= 0.5).length,
    );
    expect(m.get(`vllm:request_decode_time_seconds_bucket${labels(',le="+Inf"')}`)).toBe(3);
    expect([...m.keys()].some((k) => k.includes('gpt-4o-mini'))).toBe(false);
  });

  it('reports the requests in flight as running and in the KV cache, and none once they end', async () => {
    const sim = await start({ vllm: { model: MODEL, maxNumSeqs: 4 }, latency: { chunkIntervalMs: 40 } });
    const client = clientFor(sim);
    const streams = await Promise.all(
      [1, 2].map(() =>
        client.chat.completions.create({
          model: MODEL,
          stream: true,
          max_tokens: 200,
          messages: [{ role: 'user', content: 'A long streamed answer, please.' }],
        }),
      ),
    );
    const during = await scrape(sim);
    expect(during.get(`vllm:num_requests_running${labels()}`)).toBe(2);
    expect(during.get(`vllm:kv_cache_usage_perc${labels()}`)).toBe(0.5);
    for (const s of streams) s.controller.abort();
    // The aborted streams end on the server side: poll for it, bounded.
    let running = -1;
    for (let i = 0; i < 200 && running !== 0; i++) {
      running = (await scrape(sim)).get(`vllm:num_requests_running${labels()}`) ?? -1;
      if (running !== 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(running).toBe(0);
  });

  it('labels each requested model under its own name when no model is given', async () => {
    const sim = await start({ vllm: {} });
    await clientFor(sim).chat.completions.create({
      model: 'qwen-2.5',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const m = await scrape(sim);
    expect(m.get('vllm:prompt_tokens_total{engine="0",model_name="qwen-2.5"}')).toBe(
      sim.ledger().served.models['qwen-2.5']?.input,
    );
  });

  it('serves no /metrics without the vllm option', async () => {
    const sim = await start({});
    expect(sim.metricsUrl).toBeUndefined();
    const res = await fetch(`${sim.anthropicUrl}/metrics`);
    expect(res.status).toBe(404);
  });
});
