import { connect } from 'node:http2';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.js';
import { longText } from './helpers.js';

/** One decoded event-stream message. */
interface EventMessage {
  headers: Record<string, string>;
  payload: unknown;
}

/**
 * Decodes AWS event-stream bytes, checking each prelude and message CRC32 (written here from the
 * format's description, independently of the simulator's encoder).
 */
function decodeEventStream(bytes: Buffer): EventMessage[] {
  const out: EventMessage[] = [];
  let at = 0;
  while (at < bytes.length) {
    const total = bytes.readUInt32BE(at);
    const headersLength = bytes.readUInt32BE(at + 4);
    expect(bytes.readUInt32BE(at + 8)).toBe(crc32(bytes.subarray(at, at + 8)));
    expect(bytes.readUInt32BE(at + total - 4)).toBe(crc32(bytes.subarray(at, at + total - 4)));
    const headers: Record<string, string> = {};
    let h = at + 12;
    while (h < at + 12 + headersLength) {
      const nameLength = bytes.readUInt8(h);
      const name = bytes.subarray(h + 1, h + 1 + nameLength).toString('utf8');
      expect(bytes.readUInt8(h + 1 + nameLength)).toBe(7);
      const valueLength = bytes.readUInt16BE(h + 2 + nameLength);
      headers[name] = bytes.subarray(h + 4 + nameLength, h + 4 + nameLength + valueLength).toString('utf8');
      h += 4 + nameLength + valueLength;
    }
    const payload = bytes.subarray(at + 12 + headersLength, at + total - 4).toString('utf8');
    out.push({ headers, payload: JSON.parse(payload) });
    at += total;
  }
  return out;
}

/** The decoded model events of an InvokeModelWithResponseStream body (base64 `bytes` of each chunk). */
function chunksOf(messages: EventMessage[]): Record<string, unknown>[] {
  return messages.map((m) => {
    expect(m.headers[':event-type']).toBe('chunk');
    const bytes = (m.payload as { bytes: string }).bytes;
    return JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')) as Record<string, unknown>;
  });
}

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';

describe('simulator: Bedrock runtime', () => {
  let sim: Simulator;
  let origin: string;
  beforeEach(async () => {
    sim = await startSimulator();
    origin = new URL(sim.url).origin;
  });
  afterEach(() => sim.close());

  const post = (modelId: string, op: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${origin}/model/${encodeURIComponent(modelId)}/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  const converseBody = (text: string, cached = false) => ({
    ...(cached ? { system: [{ text: longText(200) }, { cachePoint: { type: 'default' } }] } : {}),
    messages: [{ role: 'user', content: [{ text }] }],
  });

  it("answers Converse with Bedrock's usage, inputTokens without the cache, and the ledger's input with it", async () => {
    const first = (await (await post(`us.${HAIKU}`, 'converse', converseBody('first', true))).json()) as {
      usage: Record<string, number>;
      stopReason: string;
      metrics: { latencyMs: number };
    };
    const second = (await (await post(`us.${HAIKU}`, 'converse', converseBody('second', true))).json()) as {
      usage: Record<string, number>;
    };
    expect(first.stopReason).toBe('end_turn');
    expect(first.metrics.latencyMs).toBe(0);
    expect(first.usage['cacheWriteInputTokens']).toBeGreaterThan(1024);
    expect(second.usage['cacheReadInputTokens']).toBe(first.usage['cacheWriteInputTokens']);
    for (const u of [first.usage, second.usage]) {
      expect(u['totalTokens']).toBe(
        (u['inputTokens'] ?? 0) +
          (u['cacheReadInputTokens'] ?? 0) +
          (u['cacheWriteInputTokens'] ?? 0) +
          (u['outputTokens'] ?? 0),
      );
    }
    const t = sim.ledger().served.models[`us.${HAIKU}`];
    expect(t).toMatchObject({
      requests: 2,
      input:
        (first.usage['totalTokens'] ?? 0) -
        (first.usage['outputTokens'] ?? 0) +
        (second.usage['totalTokens'] ?? 0) -
        (second.usage['outputTokens'] ?? 0),
      cache_write: first.usage['cacheWriteInputTokens'],
      cached_input: second.usage['cacheReadInputTokens'],
      output: (first.usage['outputTokens'] ?? 0) + (second.usage['outputTokens'] ?? 0),
    });
  });

  it('streams Converse as AWS event-stream messages ending with metadata, and logs it as a stream', async () => {
    const res = await post('amazon.nova-lite-v1:0', 'converse-stream', {
      ...converseBody('stream'),
      inferenceConfig: { maxTokens: 10 },
    });
    expect(res.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const messages = decodeEventStream(Buffer.from(await res.arrayBuffer()));
    expect(messages.map((m) => m.headers[':event-type'])).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    for (const m of messages) {
      expect([m.headers[':message-type'], m.headers[':content-type']]).toEqual(['event', 'application/json']);
    }
    expect(messages[5]?.payload).toEqual({ stopReason: 'max_tokens' });
    const usage = (messages[6]?.payload as { usage: Record<string, number> } | undefined)?.usage ?? {};
    expect(usage['outputTokens']).toBe(10);
    const t = sim.ledger();
    expect(t.served.models['amazon.nova-lite-v1:0']).toMatchObject({
      input: usage['inputTokens'],
      output: 10,
    });
    expect(t.reported.totals.requests).toBe(1);
    expect(t.requests[0]?.stream).toBe(true);
  });

  it('answers InvokeModel in each family body with the token-count headers the service sends', async () => {
    const cases: [string, unknown, (b: Record<string, unknown>) => [number, number]][] = [
      [
        HAIKU,
        {
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 50,
          messages: [{ role: 'user', content: 'hi' }],
        },
        (b) => {
          const u = b['usage'] as Record<string, number>;
          return [u['input_tokens'] ?? -1, u['output_tokens'] ?? -1];
        },
      ],
      [
        'meta.llama3-1-8b-instruct-v1:0',
        { prompt: 'hello llama', max_gen_len: 50 },
        (b) => [b['prompt_token_count'] as number, b['generation_token_count'] as number],
      ],
      [
        'amazon.nova-lite-v1:0',
        { schemaVersion: 'messages-v1', messages: [{ role: 'user', content: [{ text: 'hi' }] }] },
        (b) => {
          const u = b['usage'] as Record<string, number>;
          return [u['inputTokens'] ?? -1, u['outputTokens'] ?? -1];
        },
      ],
      [
        'amazon.titan-text-express-v1',
        { inputText: 'hello titan' },
        (b) => [
          b['inputTextTokenCount'] as number,
          (b['results'] as { tokenCount: number }[])[0]?.tokenCount ?? -1,
        ],
      ],
    ];
    for (const [model, body, read] of cases) {
      const res = await post(model, 'invoke', body);
      expect(res.status).toBe(200);
      const [input, output] = read((await res.json()) as Record<string, unknown>);
      expect([
        res.headers.get('x-amzn-bedrock-input-token-count'),
        res.headers.get('x-amzn-bedrock-output-token-count'),
      ]).toEqual([String(input), String(output)]);
      expect(sim.ledger().served.models[model]).toMatchObject({
        input,
        output,
        cached_input: 0,
        cache_write: 0,
      });
    }
  });

  it("streams InvokeModel as chunk events of the model's own events, the last with the invocation metrics", async () => {
    const res = await post(HAIKU, 'invoke-with-response-stream', {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'stream it' }],
    });
    const events = chunksOf(decodeEventStream(Buffer.from(await res.arrayBuffer())));
    expect(events[0]?.['type']).toBe('message_start');
    expect(events.at(-2)?.['type']).toBe('message_delta');
    const last = events.at(-1) as Record<string, unknown>;
    expect(last['type']).toBe('message_stop');
    const metrics = last['amazon-bedrock-invocationMetrics'] as Record<string, number>;
    const t = sim.ledger().served.models[HAIKU];
    expect([metrics['inputTokenCount'], metrics['outputTokenCount']]).toEqual([t?.input, t?.output]);
    expect((events.at(-2)?.['usage'] as { output_tokens: number } | undefined)?.output_tokens).toBe(
      t?.output,
    );
  });

  it('reads URL-encoded ARNs as model ids and keys the ledger by the id as sent', async () => {
    const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${HAIKU}`;
    const res = await post(arn, 'invoke', {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'arn' }],
    });
    const body = (await res.json()) as { model: string; stop_reason: string };
    expect([body.model, body.stop_reason]).toEqual(['claude-3-5-haiku-20241022', 'max_tokens']);
    expect(Object.keys(sim.ledger().served.models)).toEqual([arn]);
  });

  it('answers a 429 fault as a Bedrock ThrottlingException with x-amzn-errortype', async () => {
    const res = await post(`${HAIKU}:fault=429`, 'converse', converseBody('throttle'));
    expect(res.status).toBe(429);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^ThrottlingException:/);
    expect(await res.json()).toEqual({ message: 'Too many requests, please wait before trying again.' });
    expect(sim.ledger().errors).toEqual({ '429': 1 });
  });

  it('answers a bad body as a ValidationException', async () => {
    const res = await post('meta.llama3-1-8b-instruct-v1:0', 'invoke', { max_gen_len: 5 });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^ValidationException:/);
    expect(((await res.json()) as { message: string }).message).toContain('prompt');
  });

  it('answers cleartext HTTP/2 on the same port, as the Bedrock runtime client speaks by default', async () => {
    const session = connect(origin);
    const req = session.request({
      ':method': 'POST',
      ':path': `/model/${encodeURIComponent('amazon.nova-lite-v1:0')}/converse`,
      'content-type': 'application/json',
    });
    req.end(JSON.stringify(converseBody('over h2c')));
    const chunks: Buffer[] = [];
    const status = await new Promise<number>((resolve, reject) => {
      let code = 0;
      req.on('response', (headers) => {
        code = Number(headers[':status']);
      });
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => resolve(code));
      req.on('error', reject);
    });
    session.close();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { usage: { outputTokens: number } };
    expect(status).toBe(200);
    expect(sim.ledger().served.models['amazon.nova-lite-v1:0']?.output).toBe(body.usage.outputTokens);
  });

  it('cuts a stream off after half its messages, billed in the ledger but not reported', async () => {
    const res = await post('amazon.nova-lite-v1:0', 'converse-stream', converseBody('cut me'), {
      'x-burnrate-fault': 'cutoff',
    });
    await expect(res.arrayBuffer()).rejects.toThrow();
    const ledger = sim.ledger();
    expect([ledger.cutoffs, ledger.served.totals.requests, ledger.reported.totals.requests]).toEqual([
      1, 1, 0,
    ]);
  });
});
