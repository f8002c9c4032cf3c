import {
  catalogProviderOf,
  createCostProcessor,
  loadPriceCard,
  type TokenPriceResult,
} from '@burnrate/cost-processor';
import type { LlmUsageRecord } from '@burnrate/sdk';
import { type Command, Option } from 'commander';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { oneOf, wholeNumber } from '../options.js';
import { longContextThreshold } from './long-context.js';

/** Options of `burnrate price` after parsing. */
export interface PriceOptions {
  input: number;
  output: number;
  cached?: number;
  cacheWrite?: number;
  reasoning?: number;
  provider?: string;
  tier?: ServiceTier;
  card?: string;
  json?: boolean;
}

/**
 * Service tiers `--tier` accepts. `standard` (also spelled `default`, as OpenAI reports it) is the
 * price without a tier multiplier, the default; the pricer reads both as standard too.
 */
export const SERVICE_TIERS = ['standard', 'default', 'batch', 'flex', 'priority'] as const;

/** A `--tier` value. */
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** The example every usage error of `burnrate price` gives. */
const PRICE_EXAMPLE = 'burnrate price gpt-4o --input 1000000 --output 1000000';

/** What `burnrate price --json` prints. */
export interface PriceOutput {
  model: string;
  provider: string;
  serviceTier?: string;
  tokens: { input: number; cacheRead: number; cacheWrite: number; output: number; reasoning: number };
  result: TokenPriceResult;
  /**
   * Set when the call's input was above the model's long-context threshold and its long-context
   * prices applied (e.g. gemini-2.5-pro above 200,000 input tokens): `input > thresholdTokens`.
   */
  longContext?: { thresholdTokens: number };
}

/** Adds `burnrate price` to the program. */
export function addPriceCommand(program: Command, io: CliIo): void {
  program
    .command('price')
    .summary('price one LLM call')
    .description(
      'Prices one LLM call with the pricer the cost processor uses: explicit card price, then a ' +
        'multiplier on the catalog price, then the @pydantic/genai-prices catalog. Prints the source and the ' +
        'model that matched. An unknown model is unpriced (exit 1), never $0.',
    )
    // Optional to commander, required by the action: commander would report a missing --input
    // before a missing model, and `burnrate price` alone must say that the model is missing.
    .argument('[model]', 'model name, e.g. gpt-4o, claude-sonnet-4-5 or anthropic/claude-sonnet-4-5')
    .usage('[options] <model>')
    .addOption(
      new Option(
        '--input <tokens>',
        'input tokens, cached and cache-write tokens included (required)',
      ).argParser(wholeNumber('--input', 0)),
    )
    .addOption(
      new Option('--output <tokens>', 'output tokens, reasoning tokens included (required)').argParser(
        wholeNumber('--output', 0),
      ),
    )
    .addOption(
      new Option(
        '--cached <tokens>',
        'of the input, tokens read from the prompt cache (default: 0)',
      ).argParser(wholeNumber('--cached', 0)),
    )
    .addOption(
      new Option(
        '--cache-write <tokens>',
        'of the input, tokens written to the prompt cache (default: 0)',
      ).argParser(wholeNumber('--cache-write', 0)),
    )
    .addOption(
      new Option('--reasoning <tokens>', 'of the output, reasoning tokens (default: 0)').argParser(
        wholeNumber('--reasoning', 0),
      ),
    )
    .option(
      '--provider <name>',
      'provider, e.g. openai, anthropic, google (default: the model prefix, else the catalog provider that prices the model, openai first)',
    )
    .addOption(
      new Option(
        '--tier <tier>',
        'service tier: standard (no tier multiplier; default is the same), batch, flex, priority (default: standard)',
      ).argParser(oneOf('--tier', SERVICE_TIERS)),
    )
    .option('--card <file>', 'price card (YAML/JSON) with explicit prices, aliases and multipliers')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  burnrate price gpt-4o --input 1000000 --output 1000000\n' +
        '  burnrate price gpt-4o-mini --input 500000 --cached 400000 --output 100000\n' +
        '  burnrate price claude-sonnet-4-5 --provider anthropic --input 20000 --cache-write 15000 --output 800\n' +
        "\nA call above a model's long-context threshold (e.g. gemini-2.5-pro above 200000 input tokens)\n" +
        'is priced at its long-context prices, and the output says so.\n' +
        '\nExit codes: 0 priced, 1 unpriced model or invalid card, 2 usage error.',
    )
    .action(async (model: string | undefined, options: Partial<PriceOptions>) => {
      runPrice(requiredModel(model), requiredTokens(options), io);
    });
}

/** The model argument, or a usage error saying it is missing and how to give it. */
function requiredModel(model: string | undefined): string {
  if (model === undefined || model.trim() === '') {
    throw new UsageError(
      `price: the <model> argument is ${model === undefined ? 'missing' : 'empty'}: name the model to price, e.g. ${PRICE_EXAMPLE}`,
    );
  }
  return model;
}

/** The options with --input and --output, or a usage error naming the one missing. */
function requiredTokens(options: Partial<PriceOptions>): PriceOptions {
  for (const [flag, value] of [
    ['--input', options.input],
    ['--output', options.output],
  ] as const) {
    if (value === undefined) {
      throw new UsageError(`required option '${flag} <tokens>' not specified, e.g. ${PRICE_EXAMPLE}`);
    }
  }
  return options as PriceOptions;
}

/**
 * Prices one call and prints it.
 *
 * @throws UsageError for token counts that do not add up; CliError when the model is unpriced;
 *   PriceCardError when the card is invalid.
 */
export function runPrice(model: string, options: PriceOptions, io: CliIo): void {
  const tokens = {
    input: options.input,
    cacheRead: options.cached ?? 0,
    cacheWrite: options.cacheWrite ?? 0,
    output: options.output,
    reasoning: options.reasoning ?? 0,
  };
  if (tokens.cacheRead + tokens.cacheWrite > tokens.input) {
    throw new UsageError(
      `--cached + --cache-write: expected at most --input (${tokens.input}) tokens, got ${tokens.cacheRead + tokens.cacheWrite}; --input counts every input token, cached ones included`,
    );
  }
  if (tokens.reasoning > tokens.output) {
    throw new UsageError(
      `--reasoning: expected at most --output (${tokens.output}) tokens, got ${tokens.reasoning}; --output counts every output token, reasoning included`,
    );
  }
  const slash = model.indexOf('/');
  const provider =
    options.provider ?? (slash > 0 ? model.slice(0, slash) : (catalogProviderOf(model) ?? 'openai'));
  const card = loadPriceCard(options.card);
  // `standard` and `default` are the price without a tier multiplier: the record carries no tier.
  const tier = options.tier === 'standard' || options.tier === 'default' ? undefined : options.tier;
  const record: LlmUsageRecord = {
    kind: 'llm',
    timeMs: io.now(),
    attributes: {},
    provider,
    operation: 'chat',
    requestModel: model,
    usage: tokens,
    usageSource: 'provider',
    durationS: 0,
    streaming: false,
    ...(tier !== undefined ? { serviceTier: tier } : {}),
  };
  const result = createCostProcessor({ priceCard: card }).priceLlmCall(record);
  const threshold = result.kind === 'priced' ? longContextThreshold(card, record) : undefined;
  if (options.json) {
    const output: PriceOutput = {
      model,
      provider,
      ...(tier !== undefined ? { serviceTier: tier } : {}),
      tokens,
      result,
      ...(threshold !== undefined ? { longContext: { thresholdTokens: threshold } } : {}),
    };
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  }
  if (result.kind === 'unpriced') {
    throw new CliError(
      `${model} (provider ${provider}${tier ? `, tier ${tier}` : ''}) is unpriced (${result.reason}): ${result.detail}`,
    );
  }
  if (options.json) return;
  const lines = [
    `${model}: ${preciseUsd(result.usd)}`,
    `  source: ${result.source}, matched ${result.matchedModel}${result.providerId ? ` (provider ${result.providerId})` : ''}`,
  ];
  if (result.appliedRules.length > 0) lines.push(`  rules: ${result.appliedRules.join(', ')}`);
  if (threshold !== undefined) lines.push(`  long-context price (input > ${threshold} tokens)`);
  lines.push(`  tier: ${result.serviceTier ?? 'standard'}`);
  lines.push(
    `  tokens: input ${tokens.input} (cache read ${tokens.cacheRead}, cache write ${tokens.cacheWrite}), output ${tokens.output} (reasoning ${tokens.reasoning})`,
  );
  if (result.promptCacheSavingsUsd > 0)
    lines.push(`  saved by prompt cache: ${preciseUsd(result.promptCacheSavingsUsd)}`);
  if (result.serviceTierSavingsUsd > 0) {
    lines.push(`  saved by the ${result.serviceTier} tier: ${preciseUsd(result.serviceTierSavingsUsd)}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
}

/**
 * USD with at least two decimals and up to ten significant digits, so sub-cent prices stay exact:
 * `12.5` → `$12.50`, `0.105` → `$0.105`, `0.00000125` → `$0.00000125`.
 */
export function preciseUsd(usd: number): string {
  const rounded = Number(usd.toPrecision(10));
  const text = Math.abs(rounded).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 20,
    useGrouping: true,
  });
  return `${rounded < 0 ? '-' : ''}$${text}`;
}
