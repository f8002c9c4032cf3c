import { startSimulator } from '@burnrate/llm-simulator';
import { ATTR, METRIC } from '@burnrate/semconv';
import OpenAI, { toFile } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsageRecorder, instrumentOpenAI } from '../../src/index.js';
import {
  points,
  privateMeter,
  sumWhere,
  throwingMeterProvider,
  throwingProcessor,
  total,
} from '../helpers/metrics.js';
import { type OpenAIFixture, openaiFixture } from '../helpers/openai-fixture.js';

/** Bytes of uploaded audio per second in the simulator (a 128 kbit/s MP3). */
const AUDIO_BYTES_PER_SECOND = 16_000;
const audio = (seconds: number) =>
  toFile(Buffer.alloc(seconds * AUDIO_BYTES_PER_SECOND, 1), 'clip.mp3', { type: 'audio/mpeg' });

describe('instrumentOpenAI: images', () => {
  let f: OpenAIFixture;
  beforeEach(async () => {
    f = await openaiFixture();
  });
  afterEach(() => f.close());

  it('counts a gpt-image-1 generation as tokens with image tokens split out, and its images by size and quality', async () => {
    const res = await f.client.images.generate({
      model: 'gpt-image-1',
      prompt: 'a lighthouse at dusk',
      n: 2,
      size: '1024x1536',
      quality: 'high',
    });
    expect(res.data).toHaveLength(2);
    const served = f.sim.ledger().served;
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(served.totals.output);
    expect(served.totals.output).toBe(2 * 6240);
    const images = await points(f.reader, METRIC.images);
    expect(images).toHaveLength(1);
    expect(images[0]?.value).toBe(served.units.totals.images);
    expect(images[0]?.attributes).toMatchObject({
      [ATTR.imageSize]: '1024x1536',
      [ATTR.imageQuality]: 'high',
      [ATTR.operationName]: 'image_generation',
      [ATTR.requestModel]: 'gpt-image-1',
    });
    expect(f.records[0]?.usage).toMatchObject({ outputImage: 2 * 6240, input: res.usage?.input_tokens });
    expect(f.records[0]?.units).toEqual({ images: [{ count: 2, size: '1024x1536', quality: 'high' }] });
  });

  it('counts DALL·E images by the size and quality requested, with no token series', async () => {
    await f.client.images.generate({ model: 'dall-e-3', prompt: 'a fox', quality: 'hd', size: '1792x1024' });
    await f.client.images.generate({ model: 'dall-e-2', prompt: 'a cat', n: 3 });
    const images = await points(f.reader, METRIC.images);
    expect(
      sumWhere(images, {
        [ATTR.requestModel]: 'dall-e-3',
        [ATTR.imageQuality]: 'hd',
        [ATTR.imageSize]: '1792x1024',
      }),
    ).toBe(1);
    expect(
      sumWhere(images, {
        [ATTR.requestModel]: 'dall-e-2',
        [ATTR.imageQuality]: 'standard',
        [ATTR.imageSize]: '1024x1024',
      }),
    ).toBe(3);
    expect(sumWhere(images)).toBe(f.sim.ledger().served.units.totals.images);
    expect(await points(f.reader, METRIC.inputTokens)).toEqual([]);
    expect(f.records.map((r) => r.usageSource)).toEqual(['provider', 'provider']);
  });

  it('meters a multipart images.edit with its input images as image tokens', async () => {
    const png = await toFile(Buffer.from('png'), 'a.png', { type: 'image/png' });
    const png2 = await toFile(Buffer.from('png2'), 'b.png', { type: 'image/png' });
    const res = await f.client.images.edit({
      model: 'gpt-image-1',
      image: [png, png2],
      prompt: 'add a hat',
      quality: 'low',
    });
    expect(res.usage?.input_tokens_details.image_tokens).toBe(646);
    expect(f.records[0]).toMatchObject({
      operation: 'image_edit',
      usage: { inputImage: 646, input: res.usage?.input_tokens },
    });
    expect(await total(f.reader, METRIC.inputTokens)).toBe(f.sim.ledger().served.totals.input);
  });

  it('counts DALL·E 2 variations per image at the default size', async () => {
    const png = await toFile(Buffer.from('png'), 'a.png', { type: 'image/png' });
    const res = await f.client.images.createVariation({ image: png, n: 2 });
    expect(res.data).toHaveLength(2);
    const [p] = await points(f.reader, METRIC.images);
    expect(p?.value).toBe(f.sim.ledger().served.units.models['dall-e-2']?.images);
    expect(p?.attributes).toMatchObject({
      [ATTR.operationName]: 'image_variation',
      [ATTR.requestModel]: 'dall-e-2',
      [ATTR.imageSize]: '1024x1024',
      [ATTR.imageQuality]: 'standard',
    });
  });

  it('meters a streamed generation from its completed events and passes every event through', async () => {
    const stream = await f.client.images.generate({
      model: 'gpt-image-1',
      prompt: 'two birds',
      n: 2,
      stream: true,
    });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    expect(types).toEqual([
      'image_generation.partial_image',
      'image_generation.completed',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    const served = f.sim.ledger().served;
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(served.totals.output);
    expect(await total(f.reader, METRIC.images)).toBe(2);
    expect(f.records[0]?.streaming).toBe(true);
  });

  it('records a rejected generation as a failed call with the client’s own error class', async () => {
    const call = f.client.images.generate(
      { model: 'dall-e-3', prompt: 'a fox' },
      { headers: { 'x-burnrate-fault': '429' } },
    );
    await expect(call).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(f.records[0]).toMatchObject({
      errorType: 'RateLimitError',
      served: false,
      usageSource: 'missing',
    });
    expect(await points(f.reader, METRIC.images)).toEqual([]);
  });
});

describe('instrumentOpenAI: audio', () => {
  let f: OpenAIFixture;
  beforeEach(async () => {
    f = await openaiFixture();
  });
  afterEach(() => f.close());

  it('returns speech bytes unchanged and counts the characters of the input', async () => {
    const input = 'Hello, world — ünïcode ✓';
    const res = await f.client.audio.speech.create({ model: 'tts-1-hd', voice: 'alloy', input });
    const mine = Buffer.from(await res.arrayBuffer());
    const bare = Buffer.from(
      await (await f.bare.audio.speech.create({ model: 'tts-1-hd', voice: 'alloy', input })).arrayBuffer(),
    );
    expect(mine.equals(bare)).toBe(true);
    const [p] = await points(f.reader, METRIC.characters);
    expect(p?.value).toBe([...input].length);
    expect(2 * (p?.value ?? 0)).toBe(f.sim.ledger().served.units.models['tts-1-hd']?.characters);
    expect(p?.attributes[ATTR.operationName]).toBe('speech');
    expect(await points(f.reader, METRIC.inputTokens)).toEqual([]);
  });

  it('counts whisper-1 transcription seconds from the duration usage', async () => {
    const res = await f.client.audio.transcriptions.create({ model: 'whisper-1', file: await audio(7) });
    expect(res.text.length).toBeGreaterThan(0);
    expect(await total(f.reader, METRIC.audioDuration)).toBe(7);
    expect(f.sim.ledger().served.units.models['whisper-1']).toEqual({ audio_seconds: 7 });
    expect(f.records[0]).toMatchObject({ operation: 'transcription', units: { audioSeconds: 7 } });
  });

  it('counts gpt-4o-transcribe tokens with the audio tokens split out, streaming or not', async () => {
    await f.client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await audio(3) });
    const stream = await f.client.audio.transcriptions.create({
      model: 'gpt-4o-mini-transcribe',
      file: await audio(5),
      stream: true,
    });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    expect(types.at(-1)).toBe('transcript.text.done');
    const served = f.sim.ledger().served;
    expect(await total(f.reader, METRIC.inputTokens)).toBe(served.totals.input);
    expect(await total(f.reader, METRIC.outputTokens)).toBe(served.totals.output);
    expect(f.records.map((r) => r.usage.inputAudio)).toEqual([30, 50]);
  });

  it('counts translation seconds from verbose_json and records a plain translation as usage missing', async () => {
    await f.client.audio.translations.create({
      model: 'whisper-1',
      file: await audio(4),
      response_format: 'verbose_json',
    });
    await f.client.audio.translations.create({ model: 'whisper-1', file: await audio(2) });
    expect(await total(f.reader, METRIC.audioDuration)).toBe(4);
    expect(f.records.map((r) => [r.operation, r.usageSource])).toEqual([
      ['translation', 'provider'],
      ['translation', 'missing'],
    ]);
  });
});

describe('instrumentOpenAI: images and audio when telemetry fails', () => {
  it('returns every result unchanged when the processor and the meter throw', async () => {
    const sim = await startSimulator();
    const recorder = createUsageRecorder({
      meterProvider: throwingMeterProvider(),
      processors: [throwingProcessor],
    });
    const client = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
      recorder,
    });
    try {
      const img = await client.images.generate({ model: 'gpt-image-1', prompt: 'x' });
      expect(img.usage?.output_tokens).toBe(1056);
      const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'abc' });
      expect((await speech.arrayBuffer()).byteLength).toBe(3 * 40);
      const text = await client.audio.transcriptions.create({ model: 'whisper-1', file: await audio(1) });
      expect(text.text.length).toBeGreaterThan(0);
      await expect(
        client.audio.speech.create(
          { model: 'tts-1', voice: 'alloy', input: 'a' },
          { headers: { 'x-burnrate-fault': '500' } },
        ),
      ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    } finally {
      await recorder.shutdown();
      await sim.close();
    }
  });

  it('keeps counting on a private meter beside a throwing processor', async () => {
    const sim = await startSimulator();
    const { meterProvider, reader } = privateMeter();
    const recorder = createUsageRecorder({ meterProvider, processors: [throwingProcessor] });
    const client = instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }), {
      recorder,
    });
    try {
      await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'four' });
      expect(await total(reader, METRIC.characters)).toBe(4);
    } finally {
      await recorder.shutdown();
      await sim.close();
    }
  });
});
