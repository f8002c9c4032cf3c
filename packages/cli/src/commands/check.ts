import { loadPriceCard, type PriceCard } from '@burnrate/cost-processor';
import { DEFAULT_ALLOWED_ATTRIBUTES } from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { describeEnforcement } from './describe-enforcement.js';
import { renderRuleFiles } from './rules.js';

/** Options of `burnrate check` after parsing. */
export interface CheckOptions {
  card: string;
  json?: boolean;
}

/** What `burnrate check --json` prints for a valid card. */
export interface CardSummary {
  card: string;
  valid: true;
  checksum: string;
  catalogVersion: string;
  defaultsAsOf: string;
  models: {
    explicitPrices: string[];
    aliases: number;
    multipliers: number;
    providers: Record<string, string>;
  };
  gpus: { fromCard: string[]; total: number };
  budgets: {
    name: string;
    amountUsd: number;
    window: string;
    scope: Record<string, string>;
    thresholds: number[];
    /** The time zone of a calendar window (`day`, `week`, `month`); absent for rolling windows. */
    timeZone?: string;
    /** Its in-process enforcement in words; absent for a budget that only alerts. */
    enforce?: string;
  }[];
  /** Where budgets read the fleet's spend (`budgets_source`); absent when each process counts its own. */
  budgetsSource?: { prometheus: string; refreshSeconds: number; fail: 'open' | 'closed' };
  deployments: string[];
  fixedCosts: { name: string; usdPerMonth: number }[];
}

/** Adds `burnrate check` to the program. */
export function addCheckCommand(program: Command, io: CliIo): void {
  program
    .command('check')
    .summary('validate a price card')
    .description(
      'Validates a price card (YAML or JSON): every error with its path, the value found and the fix; ' +
        'also checks that its budgets can become alert rules. Prints a short summary when it is valid.',
    )
    .requiredOption('--card <file>', 'price card to validate')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExit codes: 0 valid, 1 invalid (every error listed), 2 usage error.')
    .action(async (options: CheckOptions) => {
      runCheck(options, io);
    });
}

/** Summarizes a loaded card. */
export function summarizeCard(path: string, card: PriceCard): CardSummary {
  return {
    card: path,
    valid: true,
    checksum: card.checksum,
    catalogVersion: card.catalogVersion,
    defaultsAsOf: card.defaultsAsOf,
    models: {
      explicitPrices: card.models.map((m) => m.pattern),
      aliases: card.aliases.length,
      multipliers: card.multipliers.filter((m) => m.origin === 'card').length,
      providers: { ...card.providers },
    },
    gpus: {
      fromCard: Object.entries(card.gpu)
        .filter(([, markets]) => Object.values(markets).some((p) => p?.origin === 'card'))
        .map(([gpu]) => gpu),
      total: Object.keys(card.gpu).length,
    },
    budgets: card.budgets.map((b) => {
      const enforce = describeEnforcement(b);
      return {
        name: b.name,
        amountUsd: b.amountUsd,
        window: b.window,
        scope: { ...b.scope },
        thresholds: [...b.thresholds],
        ...(b.calendar && { timeZone: b.calendar.timeZone }),
        ...(enforce !== undefined && { enforce }),
      };
    }),
    ...(card.budgetsSource && {
      budgetsSource: {
        prometheus: card.budgetsSource.prometheusUrl,
        refreshSeconds: card.budgetsSource.refreshSeconds,
        fail: card.budgetsSource.fail,
      },
    }),
    deployments: card.deployments.map((d) => d.name),
    fixedCosts: card.fixed.map((f) => ({ name: f.name, usdPerMonth: f.usdPerMonth })),
  };
}

/**
 * Validates the card and prints the summary.
 *
 * @throws PriceCardError listing every issue; CliError when the budgets cannot become rules.
 */
export function runCheck(options: CheckOptions, io: CliIo): void {
  const card = loadPriceCard(options.card);
  renderRuleFiles(card);
  const s = summarizeCard(options.card, card);
  if (options.json) {
    io.stdout(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  const scope = (sc: Record<string, string>): string =>
    Object.entries(sc)
      .map(([k, v]) => ` ${k}=${v}`)
      .join('');
  const lines = [
    `${options.card}: valid price card (checksum ${s.checksum}, catalog @pydantic/genai-prices ${s.catalogVersion}, defaults as of ${s.defaultsAsOf})`,
    `  models: ${s.models.explicitPrices.length} explicit price${s.models.explicitPrices.length === 1 ? '' : 's'}${s.models.explicitPrices.length > 0 ? ` (${s.models.explicitPrices.join(', ')})` : ''}, ${s.models.aliases} alias${s.models.aliases === 1 ? '' : 'es'}, ${s.models.multipliers} multiplier rule${s.models.multipliers === 1 ? '' : 's'}; the rest from the catalog`,
    `  GPUs: ${s.gpus.total} priced${s.gpus.fromCard.length > 0 ? `, from the card: ${s.gpus.fromCard.join(', ')}` : ' (defaults)'}`,
    `  budgets: ${s.budgets.length}${s.budgets.map((b) => `\n    ${b.name}: $${b.amountUsd} per ${b.window}${b.timeZone ? ` (calendar, resets at midnight ${b.timeZone})` : ''}${scope(b.scope)}, alerts at ${b.thresholds.map((t) => `${Math.round(t * 1000) / 10} %`).join(', ')}${b.enforce ? `; ${b.enforce}` : ''}`).join('')}`,
  ];
  const src = s.budgetsSource;
  if (src) {
    lines.push(
      `  budgets source: the fleet's spend from ${src.prometheus} every ${src.refreshSeconds}s (fail ${src.fail}: ${src.fail === 'open' ? "this replica's spend while it does not answer" : 'enforced calls blocked while it does not answer'})`,
    );
  }
  const kept = keptScopes(card);
  if (kept.length > 0) lines.push(`  ${kept}`);
  if (s.deployments.length > 0) lines.push(`  deployments: ${s.deployments.join(', ')}`);
  if (s.fixedCosts.length > 0) {
    lines.push(`  fixed costs: ${s.fixedCosts.map((f) => `${f.name} $${f.usdPerMonth}/month`).join(', ')}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
}

/**
 * The scope values the cost processor makes the recorder's cardinality guard always keep (a budget
 * on a dropped key, or on a value folded into `other`, would stay at $0), and the keys it adds to the
 * allow-list; empty when no budget or deployment is scoped on a caller attribute.
 */
function keptScopes(card: PriceCard): string {
  const own = new Set<string>(Object.values(ATTR));
  const pairs = new Set<string>();
  const added = new Set<string>();
  for (const { scope } of [...card.budgets, ...card.deployments]) {
    for (const [key, value] of Object.entries(scope)) {
      if (own.has(key)) continue;
      pairs.add(`${key}=${value}`);
      if (!DEFAULT_ALLOWED_ATTRIBUTES.includes(key)) added.add(key);
    }
  }
  if (pairs.size === 0) return '';
  const allow = added.size > 0 ? `; ${[...added].join(', ')} added to its allow-list` : '';
  return `always kept by the cardinality guard: ${[...pairs].join(', ')}${allow} (so these budgets see their spend)`;
}
