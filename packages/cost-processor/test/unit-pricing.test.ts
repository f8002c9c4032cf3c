import { ATTR, COST_METRIC } from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';
import { loadPriceCard } from '../src/price-card/load-price-card.js';
import { type CostProcessorOptions, createCostProcessor } from '../src/processor/create-cost-processor.js';
import { llm, manualClock, points, testMeter, total } from './helpers.js';

/** OpenAI's published unit prices (platform.openai.com/docs/pricing), per the unit it bills. */
const PUBLISHED = {
  dalle3HdWide: 0.12, // per image, 1792x1024 HD
  dalle2Small: 0.016, // per image, 256x256
  whisperPerMinute: 0.006,
  tts1Per1M: 15,
  ttsHdPer1M: 30,
  webSearchPer1k: 10,
  webSearchPreviewPer1k: 25,
  webSearchPreviewReasoningPer1k: 10,
  fileSearchPer1k: 2.5,
  container4g: 0.12,
  gptImage1: { text: 5, image: 10, output: 40 }, // per 1M tokens
  gpt4oTranscribe: { text: 2.5, audio: 6, output: 10 },
  gpt41: { input: 2, output: 8 },
};

function setup(priceCard: CostProcessorOptions['priceCard'] = {}) {
  const { meterProvider, reader } = testMeter();
  const warnings: string[] = [];
  const processor = createCostProcessor({
    priceCard,
    meterProvider,
    clock: manualClock().now,
    logger: { warn: (m) => warnings.push(m) },
  });
  return { processor, reader, warnings };
}

const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThan(1e-9);

describe('pricing units other than tokens', () => {
  it('prices DALL·E images per image by size and quality, with no token cost', async () => {
    const { processor, reader } = setup();
    processor.onUsage(
      llm(
        'dall-e-3',
        {},
        {
          operation: 'image_generation',
          units: { images: [{ count: 2, size: '1792x1024', quality: 'hd' }] },
        },
      ),
    );
    processor.onUsage(
      llm(
        'dall-e-2',
        {},
        {
          operation: 'image_generation',
          units: { images: [{ count: 5, size: '256x256', quality: 'standard' }] },
        },
      ),
    );
    const cost = await points(reader, COST_METRIC.cost);
    close(total(cost, { [ATTR.requestModel]: 'dall-e-3' }), 2 * PUBLISHED.dalle3HdWide);
    close(total(cost, { [ATTR.requestModel]: 'dall-e-2' }), 5 * PUBLISHED.dalle2Small);
    expect(cost.find((p) => p.attributes[ATTR.requestModel] === 'dall-e-3')?.attributes).toMatchObject({
      [ATTR.costComponent]: 'api',
      [ATTR.priceSource]: 'default',
      [ATTR.pricedModel]: 'dall-e-3',
    });
    const hist = await points(reader, COST_METRIC.requestCost);
    expect(hist.reduce((n, p) => n + (p.histogram?.count ?? 0), 0)).toBe(2);
    close(total(hist), 2 * PUBLISHED.dalle3HdWide + 5 * PUBLISHED.dalle2Small);
    expect(processor.report().queries).toBe(2);
  });

  it('prices whisper-1 per second of audio and tts-1 / tts-1-hd per character', async () => {
    const { processor, reader } = setup();
    processor.onUsage(llm('whisper-1', {}, { operation: 'transcription', units: { audioSeconds: 93 } }));
    processor.onUsage(llm('tts-1', {}, { operation: 'speech', units: { characters: 4321 } }));
    processor.onUsage(llm('tts-1-hd', {}, { operation: 'speech', units: { characters: 1000 } }));
    const cost = await points(reader, COST_METRIC.cost);
    close(total(cost, { [ATTR.requestModel]: 'whisper-1' }), (93 / 60) * PUBLISHED.whisperPerMinute);
    close(total(cost, { [ATTR.requestModel]: 'tts-1' }), (4321 / 1e6) * PUBLISHED.tts1Per1M);
    close(total(cost, { [ATTR.requestModel]: 'tts-1-hd' }), (1000 / 1e6) * PUBLISHED.ttsHdPer1M);
  });

  it('prices gpt-image-1 and gpt-4o-transcribe tokens at their image and audio rates from the catalog, and does not price their units again', async () => {
    const { processor, reader } = setup();
    processor.onUsage(
      llm(
        'gpt-image-1',
        { input: 700, inputImage: 646, output: 4160, outputImage: 4160 },
        { operation: 'image_edit', units: { images: [{ count: 1, size: '1024x1024', quality: 'high' }] } },
      ),
    );
    processor.onUsage(
      llm('gpt-4o-transcribe', { input: 90, inputAudio: 80, output: 30 }, { operation: 'transcription' }),
    );
    const cost = await points(reader, COST_METRIC.cost);
    const img = PUBLISHED.gptImage1;
    close(
      total(cost, { [ATTR.requestModel]: 'gpt-image-1' }),
      (54 * img.text + 646 * img.image + 4160 * img.output) / 1e6,
    );
    const tr = PUBLISHED.gpt4oTranscribe;
    close(
      total(cost, { [ATTR.requestModel]: 'gpt-4o-transcribe' }),
      (10 * tr.text + 80 * tr.audio + 30 * tr.output) / 1e6,
    );
    expect(cost.every((p) => p.attributes[ATTR.priceSource] === 'catalog')).toBe(true);
    expect(await points(reader, COST_METRIC.unpricedUsage)).toEqual([]);
  });

  it('prices built-in tool calls per call and containers per container on top of the tokens', async () => {
    const { processor, reader } = setup();
    processor.onUsage(
      llm(
        'gpt-4.1',
        { input: 1000, output: 200 },
        {
          units: {
            toolCalls: { web_search: 3, file_search: 2, code_interpreter: 4 },
            containers: [{ count: 1, memoryLimit: '4g' }],
          },
        },
      ),
    );
    processor.onUsage(
      llm('gpt-4o', { input: 10, output: 1 }, { units: { toolCalls: { web_search_preview: 2 } } }),
    );
    processor.onUsage(
      llm('o3', { input: 10, output: 1 }, { units: { toolCalls: { web_search_preview: 1 } } }),
    );
    const cost = await points(reader, COST_METRIC.cost);
    close(total(cost, { [ATTR.pricedModel]: 'tool:web_search' }), (3 * PUBLISHED.webSearchPer1k) / 1000);
    close(total(cost, { [ATTR.pricedModel]: 'tool:file_search' }), (2 * PUBLISHED.fileSearchPer1k) / 1000);
    close(total(cost, { [ATTR.pricedModel]: 'container:4g' }), PUBLISHED.container4g);
    close(
      total(cost, { [ATTR.pricedModel]: 'tool:web_search_preview', [ATTR.requestModel]: 'gpt-4o' }),
      (2 * PUBLISHED.webSearchPreviewPer1k) / 1000,
    );
    close(
      total(cost, { [ATTR.pricedModel]: 'tool:web_search_preview', [ATTR.requestModel]: 'o3' }),
      PUBLISHED.webSearchPreviewReasoningPer1k / 1000,
    );
    const tokens = (1000 * PUBLISHED.gpt41.input + 200 * PUBLISHED.gpt41.output) / 1e6;
    close(total(cost, { [ATTR.requestModel]: 'gpt-4.1', [ATTR.priceSource]: 'catalog' }), tokens);
    const hist = await points(reader, COST_METRIC.requestCost);
    const gpt41 = hist.find((p) => p.attributes[ATTR.requestModel] === 'gpt-4.1');
    close(gpt41?.histogram?.sum ?? 0, tokens + (3 * 10 + 2 * 2.5) / 1000 + 0.12);
  });

  it('reports characters of gpt-4o-mini-tts unpriced with the reason and the card entry that prices them, never $0', async () => {
    const { processor, reader, warnings } = setup();
    processor.onUsage(llm('gpt-4o-mini-tts', {}, { operation: 'speech', units: { characters: 120 } }));
    expect(await points(reader, COST_METRIC.cost)).toEqual([]);
    const unpriced = await points(reader, COST_METRIC.unpricedUsage);
    expect(unpriced).toHaveLength(1);
    expect(unpriced[0]?.value).toBe(120);
    expect(unpriced[0]?.attributes).toMatchObject({
      [ATTR.unpricedReason]: 'unknown_unit_price',
      [ATTR.unit]: 'character',
      [ATTR.requestModel]: 'gpt-4o-mini-tts',
    });
    expect(warnings.join('\n')).toContain('characters_per_1m: { "gpt-4o-mini-tts"');
    expect(processor.report().unpriced[0]).toMatchObject({
      reason: 'unknown_unit_price',
      unit: 'character',
      amount: 120,
    });
  });

  it('leaves unit usage of an unmapped provider unpriced as unknown_provider rather than applying OpenAI prices', async () => {
    const { processor, reader } = setup();
    processor.onUsage(
      llm(
        'dall-e-3',
        {},
        { provider: '10.0.0.7', units: { images: [{ count: 1, size: '1024x1024', quality: 'standard' }] } },
      ),
    );
    const [u] = await points(reader, COST_METRIC.unpricedUsage);
    expect(u?.attributes).toMatchObject({ [ATTR.unpricedReason]: 'unknown_provider', [ATTR.unit]: 'image' });
  });

  it('takes unit prices from the card first, for any provider, with price source card', async () => {
    const { processor, reader } = setup({
      providers: { '127.0.0.1': 'openai' },
      unit_prices: {
        images: { 'dall-e-3': { '1024x1024/standard': 0.03 } },
        audio_per_minute: { 'whisper-*': 0.005 },
        characters_per_1m: { 'gpt-4o-mini-tts': 12 },
        tool_calls_per_1k: { web_search: 8 },
        containers: { '1g': 0.02 },
      },
    });
    processor.onUsage(
      llm(
        'dall-e-3',
        {},
        { provider: '127.0.0.1', units: { images: [{ count: 4, size: '1024x1024', quality: 'standard' }] } },
      ),
    );
    processor.onUsage(llm('whisper-1', {}, { provider: 'azure.ai.openai', units: { audioSeconds: 120 } }));
    processor.onUsage(llm('gpt-4o-mini-tts', {}, { units: { characters: 500 } }));
    processor.onUsage(
      llm(
        'gpt-4.1',
        { input: 1, output: 1 },
        { units: { toolCalls: { web_search: 1 }, containers: [{ count: 2 }] } },
      ),
    );
    const cost = await points(reader, COST_METRIC.cost);
    close(total(cost, { [ATTR.requestModel]: 'dall-e-3', [ATTR.priceSource]: 'card' }), 4 * 0.03);
    close(total(cost, { [ATTR.requestModel]: 'whisper-1', [ATTR.priceSource]: 'card' }), 2 * 0.005);
    close(
      total(cost, { [ATTR.requestModel]: 'gpt-4o-mini-tts', [ATTR.priceSource]: 'card' }),
      (500 / 1e6) * 12,
    );
    close(total(cost, { [ATTR.pricedModel]: 'tool:web_search', [ATTR.priceSource]: 'card' }), 0.008);
    close(total(cost, { [ATTR.pricedModel]: 'container:1g', [ATTR.priceSource]: 'card' }), 0.04);
    expect(await points(reader, COST_METRIC.unpricedUsage)).toEqual([]);
  });

  it('rejects bad unit prices in the card naming the field, the value and the fix', () => {
    const issues = (card: unknown): string[] => {
      try {
        loadPriceCard(card as Parameters<typeof loadPriceCard>[0]);
        return [];
      } catch (err) {
        return (err as { issues: { path: string; expected: string; got: string; fix: string }[] }).issues.map(
          (i) => `${i.path}: ${i.expected}, got ${i.got} — fix: ${i.fix}`,
        );
      }
    };
    expect(issues({ unit_prices: { characters_per_1m: { 'tts-1': '15$' } } })).toEqual([
      'unit_prices.characters_per_1m["tts-1"]: expected a number ≥ 0 (USD per 1M input characters), got "15$" — fix: write 15 (a plain number, without quotes, units or suffixes)',
    ]);
    expect(issues({ unit_prices: { images: { 'dall-e-3': { '1024/hd': 0.08 } } } })[0]).toContain(
      'expected an image size, optionally with a quality',
    );
    expect(issues({ unit_prices: { containers: { '4gb': 0.12 } } })[0]).toContain(
      'fix: write 1g, 4g, 16g or 64g',
    );
    expect(issues({ unit_prices: { per_image: {} } })[0]).toContain('unknown key "per_image"');
  });
});
