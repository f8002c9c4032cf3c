import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  countPromptTokens,
  countTextTokens,
  FAULT_HEADER,
  type LedgerSnapshot,
  type Simulator,
  startSimulator,
  type TokenTally,
} from '../src/index.js';
import { clientFor, longText } from './helpers.js';

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator();
  client = clientFor(sim);
});
beforeEach(() => {
  sim.resetLedger();
  sim.resetPromptCache();
});
afterAll(async () => {
  await sim.close();
});

type Seen = Omit<TokenTally, 'requests'> & { model: string };

const longSystem = longText(120);

function chatSeen(model: string, usage: OpenAI.CompletionUsage): Seen {
  return {
    model,
    input: usage.prompt_tokens,
    cached_input: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cache_write: 0,
    output: usage.completion_tokens,
    reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    embeddings: 0,
  };
}

function responsesSeen(model: string, usage: OpenAI.Responses.ResponseUsage): Seen {
  return {
    model,
    input: usage.input_tokens,
    cached_input: usage.input_tokens_details.cached_tokens,
    cache_write: 0,
    output: usage.output_tokens,
    reasoning: usage.output_tokens_details.reasoning_tokens,
    embeddings: 0,
  };
}

/** One mixed call; resolves to the usage the client saw, or null when it saw none. */
async function mixedCall(i: number): Promise<Seen | null> {
  const model = ['gpt-4o-mini', 'o3', 'gpt-5'][i % 3]!;
  const messages = [
    ...(i % 4 === 0 ? [{ role: 'system' as const, content: longSystem }] : []),
    { role: 'user' as const, content: `Question number ${i}: what does call ${i} cost?` },
  ];
  switch (i % 7) {
    case 0: {
      const r = await client.chat.completions.create({ model, messages });
      return chatSeen(model, r.usage!);
    }
    case 1: {
      const stream = await client.chat.completions.create({
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) usage = chunk.usage ?? usage;
      return chatSeen(model, usage!);
    }
    case 2: {
      const r = await client.responses.create({ model, input: messages });
      return responsesSeen(model, r.usage!);
    }
    case 3: {
      const stream = client.responses.stream({ model, input: messages });
      for await (const _ of stream) {
        // drain
      }
      return responsesSeen(model, (await stream.finalResponse()).usage!);
    }
    case 4: {
      const input = [`document ${i}`, `another document about item ${i}`];
      const r = await client.embeddings.create({ model: 'text-embedding-3-small', input });
      return {
        model: 'text-embedding-3-small',
        input: r.usage.prompt_tokens,
        cached_input: 0,
        cache_write: 0,
        output: 0,
        reasoning: 0,
        embeddings: r.usage.prompt_tokens,
      };
    }
    case 5: {
      const stream = await client.chat.completions.create({ model, messages, stream: true });
      for await (const _ of stream) {
        // drain: no usage is sent without include_usage
      }
      return null;
    }
    default: {
      await client.chat.completions
        .create({ model, messages }, { headers: { [FAULT_HEADER]: '429' } })
        .catch(() => undefined);
      return null;
    }
  }
}

function sumByModel(seen: readonly Seen[]): Record<string, TokenTally> {
  const out: Record<string, TokenTally> = {};
  for (const s of seen) {
    const t = out[s.model] ?? {
      requests: 0,
      input: 0,
      cached_input: 0,
      cache_write: 0,
      output: 0,
      reasoning: 0,
      embeddings: 0,
    };
    out[s.model] = t;
    t.requests += 1;
    t.input += s.input;
    t.cached_input += s.cached_input;
    t.cache_write += s.cache_write;
    t.output += s.output;
    t.reasoning += s.reasoning;
    t.embeddings += s.embeddings;
  }
  return out;
}

describe('the ledger', () => {
  it('reports exactly the usage the client saw across 50 concurrent mixed calls', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => mixedCall(i)));
    const seen = results.filter((r): r is Seen => r !== null);
    const ledger = sim.ledger();
    const expected = sumByModel(seen);
    expect(ledger.reported.models).toEqual(expected);
    const totals = Object.values(expected).reduce(
      (acc, t) => {
        for (const key of Object.keys(acc) as (keyof TokenTally)[]) acc[key] += t[key];
        return acc;
      },
      { requests: 0, input: 0, cached_input: 0, cache_write: 0, output: 0, reasoning: 0, embeddings: 0 },
    );
    expect(ledger.reported.totals).toEqual(totals);
    expect(ledger.reported.totals.requests).toBe(36);
    expect(ledger.reported.totals.cached_input).toBeGreaterThan(0);
    expect(ledger.reported.totals.reasoning).toBeGreaterThan(0);
    expect(ledger.errors).toEqual({ '429': 7 });
    expect(ledger.served.totals.requests).toBe(43);
    expect(ledger.requests).toHaveLength(50);
  });

  it('serves streams without include_usage without reporting them, and bills them exactly', async () => {
    const messages = [{ role: 'user' as const, content: 'A stream nobody meters.' }];
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const ledger = sim.ledger();
    expect(ledger.reported.totals.requests).toBe(0);
    expect(ledger.served.models['gpt-4o-mini']).toEqual({
      requests: 1,
      input: countPromptTokens(messages),
      cached_input: 0,
      cache_write: 0,
      output: countTextTokens(text),
      reasoning: 0,
      embeddings: 0,
    });
  });

  it('logs each request under the x-request-id the client received', async () => {
    const { data, request_id } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    const [entry] = sim.ledger().requests;
    expect(entry).toEqual({
      requestId: request_id,
      endpoint: '/v1/chat/completions',
      model: 'gpt-4o',
      stream: false,
      status: 200,
      outcome: 'ok',
      faults: [],
      usage: {
        input: data.usage?.prompt_tokens,
        cached_input: 0,
        cache_write: 0,
        output: data.usage?.completion_tokens,
        reasoning: 0,
        embeddings: 0,
      },
      usageReported: true,
    });
  });

  it('serves the same ledger as JSON at GET /_burnrate/ledger and empties it on DELETE', async () => {
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'ledger over http' });
    const base = sim.url.replace(/\/v1$/, '');
    const response = await fetch(`${base}/_burnrate/ledger`);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as LedgerSnapshot;
    expect(body).toEqual(sim.ledger());
    expect(body.reported.models['text-embedding-3-small']?.embeddings).toBe(
      countTextTokens('ledger over http'),
    );
    await fetch(`${base}/_burnrate/ledger`, { method: 'DELETE' });
    expect(sim.ledger().served.totals.requests).toBe(0);
  });

  it('answers unknown routes with an OpenAI-shaped 404 counted in errors', async () => {
    const response = await fetch(`${sim.url}/nope`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'unknown_url' },
    });
    expect(sim.ledger().errors).toEqual({ '404': 1 });
  });

  it('keeps each simulator instance’s ledger separate', async () => {
    const other = await startSimulator();
    try {
      await clientFor(other).embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
      expect(other.ledger().served.totals.requests).toBe(1);
      expect(sim.ledger().served.totals.requests).toBe(0);
    } finally {
      await other.close();
    }
  });
});
