import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countTextTokens, type Simulator, startSimulator } from '../src/index.js';
import {
  AUDIO_BYTES_PER_SECOND,
  AUDIO_TOKENS_PER_SECOND,
  SPEECH_BYTES_PER_CHARACTER,
} from '../src/routes/audio.js';
import { TOOL_CALLS_PER_RESPONSE } from '../src/routes/built-in-tools.js';
import { GPT_IMAGE_OUTPUT_TOKENS, INPUT_IMAGE_TOKENS } from '../src/routes/images.js';
import { clientFor } from './helpers.js';

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator();
  client = clientFor(sim);
});
beforeEach(() => sim.resetLedger());
afterAll(() => sim.close());

const audio = (seconds: number, name = 'clip.mp3') =>
  toFile(Buffer.alloc(seconds * AUDIO_BYTES_PER_SECOND, 1), name, { type: 'audio/mpeg' });

describe('images', () => {
  it('answers a gpt-image-1 generation with token usage from the published per-image output tokens', async () => {
    const prompt = 'a lighthouse at dusk';
    const res = await client.images.generate({
      model: 'gpt-image-1',
      prompt,
      n: 2,
      size: '1024x1536',
      quality: 'high',
    });
    expect(res.data).toHaveLength(2);
    expect(res.usage).toEqual({
      input_tokens: countTextTokens(prompt),
      input_tokens_details: { text_tokens: countTextTokens(prompt), image_tokens: 0 },
      output_tokens: 2 * 6240,
      output_tokens_details: { image_tokens: 2 * 6240, text_tokens: 0 },
      total_tokens: countTextTokens(prompt) + 2 * 6240,
    });
    const served = sim.ledger().served;
    expect(served.models['gpt-image-1']).toMatchObject({
      requests: 1,
      input: countTextTokens(prompt),
      output: 12480,
    });
    expect(served.units.models['gpt-image-1']).toEqual({ images: 2 });
  });

  it('answers a DALL·E 3 generation with images and no usage, and counts the images', async () => {
    const res = await client.images.generate({
      model: 'dall-e-3',
      prompt: 'a fox',
      quality: 'hd',
      size: '1792x1024',
    });
    expect(res.data).toHaveLength(1);
    expect(res.usage).toBeUndefined();
    expect(sim.ledger().served.units.totals).toEqual({ images: 1 });
  });

  it('parses a multipart edit and counts its input images as image tokens', async () => {
    const png = await toFile(Buffer.from('png-bytes'), 'in.png', { type: 'image/png' });
    const png2 = await toFile(Buffer.from('png-bytes-2'), 'in2.png', { type: 'image/png' });
    const prompt = 'add a hat';
    const res = await client.images.edit({
      model: 'gpt-image-1',
      image: [png, png2],
      prompt,
      quality: 'low',
    });
    expect(res.usage?.input_tokens_details.image_tokens).toBe(2 * INPUT_IMAGE_TOKENS);
    expect(res.usage?.input_tokens).toBe(countTextTokens(prompt) + 2 * INPUT_IMAGE_TOKENS);
    expect(res.usage?.output_tokens).toBe(GPT_IMAGE_OUTPUT_TOKENS['low']?.['1024x1024']);
  });
});

describe('audio', () => {
  it('returns speech as audio bytes and counts the characters of the input', async () => {
    const input = 'Hello, world — ünïcode ✓';
    const res = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(bytes.length).toBe([...input].length * SPEECH_BYTES_PER_CHARACTER);
    expect(sim.ledger().served.units.models['tts-1']).toEqual({ characters: [...input].length });
  });

  it('reports whisper-1 transcriptions as duration usage in seconds of the uploaded audio', async () => {
    const res = await client.audio.transcriptions.create({ model: 'whisper-1', file: await audio(7) });
    expect((res as { usage?: unknown }).usage).toEqual({ type: 'duration', seconds: 7 });
    expect(sim.ledger().served.units.models['whisper-1']).toEqual({ audio_seconds: 7 });
  });

  it('reports gpt-4o-transcribe as token usage with audio tokens per second', async () => {
    const res = await client.audio.transcriptions.create({
      model: 'gpt-4o-transcribe',
      file: await audio(3),
    });
    const usage = (res as { usage?: { type: string; input_tokens: number; output_tokens: number } }).usage;
    expect(usage).toMatchObject({
      type: 'tokens',
      input_tokens: 3 * AUDIO_TOKENS_PER_SECOND,
      input_token_details: { text_tokens: 0, audio_tokens: 3 * AUDIO_TOKENS_PER_SECOND },
    });
    expect(sim.ledger().served.models['gpt-4o-transcribe']).toMatchObject({
      input: 3 * AUDIO_TOKENS_PER_SECOND,
      output: usage?.output_tokens,
    });
  });

  it('answers a translation without a usage object, as the real API does, with duration in verbose_json', async () => {
    const plain = await client.audio.translations.create({ model: 'whisper-1', file: await audio(2) });
    expect(plain).not.toHaveProperty('usage');
    const verbose = await client.audio.translations.create({
      model: 'whisper-1',
      file: await audio(4),
      response_format: 'verbose_json',
    });
    expect((verbose as { duration?: number }).duration).toBe(4);
    expect(sim.ledger().served.units.models['whisper-1']).toEqual({ audio_seconds: 6 });
  });
});

describe('responses with built-in tools and in the background', () => {
  it('adds a fixed number of tool-call items per built-in tool and counts them in the ledger', async () => {
    const res = await client.responses.create({
      model: 'gpt-4.1',
      input: 'look it up',
      tools: [
        { type: 'web_search' },
        { type: 'file_search', vector_store_ids: ['vs_1'] },
        { type: 'code_interpreter', container: { type: 'auto' } },
      ],
    });
    const types = res.output.map((o) => o.type);
    expect(types.filter((t) => t === 'web_search_call')).toHaveLength(
      TOOL_CALLS_PER_RESPONSE['web_search'] ?? -1,
    );
    expect(types.filter((t) => t === 'file_search_call')).toHaveLength(1);
    expect(types.filter((t) => t === 'code_interpreter_call')).toHaveLength(2);
    expect(types.at(-1)).toBe('message');
    expect(sim.ledger().served.units.totals).toEqual({
      tool_calls: { web_search: 2, file_search: 1, code_interpreter: 2 },
      containers: 1,
    });
  });

  it('queues a background response, then answers in_progress and completed with usage on later retrieves', async () => {
    const created = await client.responses.create({ model: 'gpt-4.1', input: 'long job', background: true });
    expect(created.status).toBe('queued');
    expect(created.usage).toBeNull();
    expect(sim.ledger().reported.totals.requests).toBe(0);
    const first = await client.responses.retrieve(created.id);
    expect(first.status).toBe('in_progress');
    const done = await client.responses.retrieve(created.id);
    expect(done.status).toBe('completed');
    const again = await client.responses.retrieve(created.id);
    const ledger = sim.ledger();
    expect(done.usage?.input_tokens).toBe(ledger.served.totals.input);
    expect(again.usage).toEqual(done.usage);
    expect(ledger.reported.totals).toEqual(ledger.served.totals);
  });

  it('answers a retrieve of an unknown response id with 404', async () => {
    await expect(client.responses.retrieve('resp_nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('compacts a conversation and reports its token usage', async () => {
    const res = await client.responses.compact({ model: 'gpt-5', input: 'a long conversation to compact' });
    expect(res.object).toBe('response.compaction');
    expect(res.usage.input_tokens).toBe(sim.ledger().served.totals.input);
    expect(res.usage.output_tokens).toBe(16);
  });
});
