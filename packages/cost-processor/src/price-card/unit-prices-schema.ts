import { z } from 'zod';

/** Upper bound of a unit price in USD (per image, per minute, per 1M characters, per 1k calls, per container). */
export const UNIT_PRICE_MAX = 10_000;

/** `expected …|fix …`, the loader's message format (see schema.ts). */
function msg(expected: string, fix: string): string {
  return `${expected}|${fix}`;
}

function usd(what: string, example: string): z.ZodNumber {
  const m = msg(`expected a number ≥ 0 (${what})`, `write a plain number such as ${example}`);
  return z
    .number({ error: m })
    .nonnegative({ error: m })
    .finite({ error: m })
    .max(UNIT_PRICE_MAX, {
      error: msg(`expected at most ${UNIT_PRICE_MAX} (${what})`, `check the unit: write e.g. ${example}`),
    });
}

const modelKey = z.string().min(1, { error: msg('expected a model name or glob', 'write e.g. dall-e-3') });

/**
 * A record whose keys must match `key`: checked here rather than by zod's key schema, whose message
 * does not reach the loader, so a bad key is reported at its own path with what to write.
 */
function keyedRecord(
  value: z.ZodNumber,
  key: RegExp,
  expected: string,
  fix: string,
  whole: string,
): z.ZodType<Record<string, number>, Record<string, number>> {
  return z.record(z.string(), value, { error: whole }).superRefine((rec, ctx) => {
    for (const k of Object.keys(rec)) {
      if (!key.test(k))
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: msg(`${expected}, not ${JSON.stringify(k)}`, fix),
        });
    }
  });
}

/** `SIZE/QUALITY` (`1024x1024/hd`) or `SIZE` (any quality). */
const IMAGE_KEY = /^\d{2,5}x\d{2,5}(\/[a-z]+)?$/;

/**
 * Schema of the card's `unit_prices` section: prices in units other than tokens, over the shipped
 * OpenAI defaults (`data/openai-unit-prices.json`); each entry of the card wins over the default.
 *
 * ```yaml
 * unit_prices:
 *   images: { dall-e-3: { "1024x1024/standard": 0.04, "1024x1024/hd": 0.08 } }   # USD per image
 *   audio_per_minute: { whisper-1: 0.006 }                                        # USD per minute of input audio
 *   characters_per_1m: { tts-1: 15, gpt-4o-mini-tts: 12 }                          # USD per 1M input characters
 *   tool_calls_per_1k: { web_search: 10, file_search: 2.5 }                        # USD per 1,000 calls
 *   containers: { 1g: 0.03, 4g: 0.12 }                                            # USD per code-interpreter container
 * ```
 */
export const unitPricesSchema = z.strictObject({
  images: z
    .record(
      modelKey,
      keyedRecord(
        usd('USD per image', '0.04'),
        IMAGE_KEY,
        'expected an image size, optionally with a quality',
        'write e.g. "1024x1024/hd" or "1024x1024" (every quality)',
        msg(
          'expected a map of size/quality to USD per image',
          'write e.g. `dall-e-3: { "1024x1024/standard": 0.04 }`',
        ),
      ),
    )
    .optional(),
  audio_per_minute: z.record(modelKey, usd('USD per minute of input audio', '0.006')).optional(),
  characters_per_1m: z.record(modelKey, usd('USD per 1M input characters', '15')).optional(),
  tool_calls_per_1k: keyedRecord(
    usd('USD per 1,000 tool calls', '10'),
    /^[a-z][a-z0-9_]*$/,
    'expected a built-in tool type',
    'write web_search, web_search_preview, file_search or image_generation',
    msg(
      'expected a map of tool type to USD per 1,000 calls',
      'write e.g. `tool_calls_per_1k: { web_search: 10 }`',
    ),
  ).optional(),
  containers: keyedRecord(
    usd('USD per code-interpreter container', '0.03'),
    /^\d+g$/,
    'expected a container memory limit',
    'write 1g, 4g, 16g or 64g',
    msg('expected a map of memory limit to USD per container', 'write e.g. `containers: { 1g: 0.03 }`'),
  ).optional(),
});

/** The `unit_prices` section as written in a card. */
export type UnitPricesInput = z.input<typeof unitPricesSchema>;
