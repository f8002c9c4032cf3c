/**
 * `POST /v1/images/generations` (JSON), `/v1/images/edits` and `/v1/images/variations` (multipart).
 *
 * gpt-image models answer with token `usage` as OpenAI does: input = the prompt's text tokens plus
 * {@link INPUT_IMAGE_TOKENS} per input image (edits), output = OpenAI's published output tokens per
 * image for its size and quality ({@link GPT_IMAGE_OUTPUT_TOKENS}) × n. DALL·E models answer with no
 * usage (they are billed per image). `stream: true` (gpt-image) sends one partial image and one
 * `*.completed` event per image, each with that image's usage. The ledger counts the tokens and the
 * images (`units.images`).
 */
import {
  nowSeconds,
  type RequestScope,
  type SimulatorContext,
  sendStreamBody,
  sendUsageBody,
} from '../context.js';
import { invalidRequest } from '../http.js';
import type { Usage } from '../ledger.js';
import { isUploadedFile } from '../request-body.js';
import { eventFrame, type Frame } from '../sse.js';
import { countTextTokens } from '../tokenizer.js';

/** Image tokens counted per input image of an edit. */
export const INPUT_IMAGE_TOKENS = 323;

/** gpt-image-1 output tokens per image, by quality and size (OpenAI's image-generation guide). */
export const GPT_IMAGE_OUTPUT_TOKENS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1056, '1024x1536': 1584, '1536x1024': 1568 },
  high: { '1024x1024': 4160, '1024x1536': 6240, '1536x1024': 6208 },
};

/** A 1×1 transparent PNG: every image the simulator makes. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** `/v1/images/generations`, `/edits`, `/variations` (the endpoint in group 1). */
export const IMAGES_PATTERN = /^(?:\/v1)?\/images\/(generations|edits|variations)$/;

/** Serves one images request. */
export async function imagesRoute(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const endpoint = IMAGES_PATTERN.exec(scope.endpoint)?.[1];
  const kind = endpoint === 'edits' ? 'edit' : endpoint === 'variations' ? 'variation' : 'generation';
  const { body, model } = scope;
  const prompt = body['prompt'];
  if (kind !== 'variation' && (typeof prompt !== 'string' || prompt === '')) {
    throw invalidRequest("Missing required parameter: 'prompt'.", 'prompt');
  }
  const n = positiveInt(body['n']) ?? 1;
  const gptImage = !model.toLowerCase().startsWith('dall-e');
  const rawSize = typeof body['size'] === 'string' && body['size'] !== 'auto' ? body['size'] : '1024x1024';
  const rawQuality = typeof body['quality'] === 'string' ? body['quality'] : undefined;
  const quality = gptImage
    ? rawQuality === undefined || rawQuality === 'auto'
      ? 'medium'
      : rawQuality
    : rawQuality === 'hd'
      ? 'hd'
      : 'standard';
  const inputImages = countImages(body['image']) + countImages(body['mask']);
  const usage: Usage = {
    input: 0,
    cached_input: 0,
    cache_write: 0,
    output: 0,
    reasoning: 0,
    embeddings: 0,
    units: { images: n },
  };
  let perImageOutput = 0;
  let textTokens = 0;
  if (gptImage) {
    perImageOutput = GPT_IMAGE_OUTPUT_TOKENS[quality]?.[rawSize] ?? 0;
    if (perImageOutput === 0) {
      throw invalidRequest(`Invalid size '${rawSize}' or quality '${quality}' for ${model}.`, 'size');
    }
    textTokens = countTextTokens(typeof prompt === 'string' ? prompt : '');
    usage.input = textTokens + inputImages * INPUT_IMAGE_TOKENS;
    usage.output = perImageOutput * n;
  }
  const usageObject = (images: number): Record<string, unknown> => ({
    input_tokens: usage.input,
    input_tokens_details: { text_tokens: textTokens, image_tokens: inputImages * INPUT_IMAGE_TOKENS },
    output_tokens: perImageOutput * images,
    output_tokens_details: { image_tokens: perImageOutput * images, text_tokens: 0 },
    total_tokens: usage.input + perImageOutput * images,
  });
  const created = nowSeconds();
  const asUrl = !gptImage && body['response_format'] !== 'b64_json';
  const data = Array.from({ length: n }, (_, i) =>
    asUrl
      ? { url: `https://burnrate-sim.invalid/images/${scope.requestId}/${i}.png` }
      : { b64_json: PNG_1X1 },
  );

  if (body['stream'] === true && gptImage) {
    // One completed event per image: the input is billed once, on the first.
    const prefix = kind === 'edit' ? 'image_edit' : 'image_generation';
    const frames: Frame[] = [];
    for (let i = 0; i < n; i++) {
      frames.push({
        text: eventFrame(`${prefix}.partial_image`, {
          type: `${prefix}.partial_image`,
          b64_json: PNG_1X1,
          partial_image_index: 0,
          created_at: created,
          size: rawSize,
          quality,
          background: 'opaque',
          output_format: 'png',
        }),
      });
      const own = usageObject(1);
      if (i > 0) {
        own['input_tokens'] = 0;
        own['input_tokens_details'] = { text_tokens: 0, image_tokens: 0 };
        own['total_tokens'] = perImageOutput;
      }
      frames.push({
        text: eventFrame(`${prefix}.completed`, {
          type: `${prefix}.completed`,
          b64_json: PNG_1X1,
          created_at: created,
          size: rawSize,
          quality,
          background: 'opaque',
          output_format: 'png',
          usage: own,
        }),
        usage: i === n - 1,
      });
    }
    await sendStreamBody(ctx, scope, frames, usage);
    return;
  }

  const payload: Record<string, unknown> = { created, data };
  if (gptImage) {
    payload['background'] = 'opaque';
    payload['output_format'] = 'png';
    payload['size'] = rawSize;
    payload['quality'] = quality;
    payload['usage'] = usageObject(n);
  }
  await sendUsageBody(ctx, scope, payload, usage);
}

function countImages(value: unknown): number {
  if (Array.isArray(value)) return value.filter(isUploadedFile).length;
  return isUploadedFile(value) ? 1 : 0;
}

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}
