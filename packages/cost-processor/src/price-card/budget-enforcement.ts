import { globToRegExp, isGlob } from '@burnrate/semconv';
import type { z } from 'zod';
import { catalogKnowsModel } from '../internal/pricing/genai-prices-adapter.js';
import { formatPath, type PriceCardIssue, renderValue } from './errors.js';
import type { budgetEnforceSchema } from './schema.js';
import type { BudgetEnforcement } from './types.js';

/** Output tokens assumed for a call that sets no output cap, unless the budget says otherwise. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

type ParsedEnforce = z.output<typeof budgetEnforceSchema>;

/** What the checks need of a parsed card: its budgets' `enforce` and its explicit model names. */
interface EnforcedCard {
  budgets?: readonly { enforce?: ParsedEnforce | undefined }[] | undefined;
  models?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Issues of budgets' `enforce` that the schema cannot see: `downgrade_to` required for (and only
 * for) `downgrade`, and priced (a model the card or the catalog prices, or the downgraded calls
 * could not be counted against the budget); `max_output_tokens` only for `cap_output`.
 */
export function enforcementIssues(card: EnforcedCard): PriceCardIssue[] {
  const issues: PriceCardIssue[] = [];
  const add = (path: readonly PropertyKey[], expected: string, got: unknown, fix: string): void => {
    issues.push({ path: formatPath(path), expected: `expected ${expected}`, got: renderValue(got), fix });
  };
  const names = Object.keys(card.models ?? {});
  const exact = new Set(names.filter((m) => !isGlob(m)).map((m) => m.toLowerCase()));
  const globs = names.filter(isGlob).map(globToRegExp);
  const priced = (model: string): boolean =>
    exact.has(model.toLowerCase()) || globs.some((g) => g.test(model)) || catalogKnowsModel(model);
  (card.budgets ?? []).forEach((b, i) => {
    const e = b.enforce;
    if (!e) return;
    const at = (key: string): PropertyKey[] => ['budgets', i, 'enforce', key];
    if (e.action === 'downgrade' && e.downgrade_to === undefined) {
      add(
        at('downgrade_to'),
        'a model name (required when action is downgrade)',
        undefined,
        'add downgrade_to: the cheaper model calls go to once the budget is crossed, e.g. downgrade_to: gpt-4o-mini',
      );
    }
    if (e.action !== 'downgrade' && e.downgrade_to !== undefined) {
      add(
        at('downgrade_to'),
        `no downgrade_to with action ${e.action} (it applies to action: downgrade)`,
        e.downgrade_to,
        'remove downgrade_to, or write action: downgrade',
      );
    }
    if (e.action === 'downgrade' && e.downgrade_to !== undefined && !priced(e.downgrade_to)) {
      add(
        at('downgrade_to'),
        'a model in `models` or in the genai-prices catalog (downgraded calls are counted against the budget at its price)',
        e.downgrade_to,
        'price it under models: or pick a catalog model such as gpt-4o-mini',
      );
    }
    if (e.action !== 'cap_output' && e.max_output_tokens !== undefined) {
      add(
        at('max_output_tokens'),
        `no max_output_tokens with action ${e.action} (it applies to action: cap_output)`,
        e.max_output_tokens,
        'remove max_output_tokens, or write action: cap_output',
      );
    }
  });
  return issues;
}

/** A budget's `enforce` as the loaded card holds it; undefined when the card has none. */
export function normalizeEnforcement(e: ParsedEnforce | undefined): BudgetEnforcement | undefined {
  if (!e) return undefined;
  const defaultMaxOutputTokens = e.default_max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  switch (e.action) {
    case 'downgrade':
      return { action: 'downgrade', downgradeTo: e.downgrade_to ?? '', defaultMaxOutputTokens };
    case 'cap_output':
      return e.max_output_tokens === undefined
        ? { action: 'cap_output', defaultMaxOutputTokens }
        : { action: 'cap_output', maxOutputTokens: e.max_output_tokens, defaultMaxOutputTokens };
    default:
      return { action: e.action, defaultMaxOutputTokens };
  }
}
