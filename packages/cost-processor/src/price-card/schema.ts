import { parseDuration } from '@burnrate/semconv';
import { z } from 'zod';
import { unitPricesSchema } from './unit-prices-schema.js';

/**
 * Builds a zod error message that the loader splits into "expected" and "fix".
 * Format: `expected …|fix …`.
 */
function msg(expected: string, fix: string): string {
  return `${expected}|${fix}`;
}

/**
 * Upper bounds of what a card may say, far above any real price but low enough that sums of
 * millions of calls stay finite and exact to the cent (a price of 1e308 made totals Infinity).
 */
export const CARD_BOUNDS = {
  /** USD per `per_tokens` tokens (a million by default): $100,000 per 1M is $0.10 a token. */
  tokenPrice: 100_000,
  /** USD per GPU-hour. */
  gpuHour: 10_000,
  /** USD per GB (storage per month, network per GB moved). */
  perGb: 1_000,
  /** USD per month of one fixed cost. */
  fixedMonthly: 1e9,
  /** USD of one budget. */
  budget: 1e12,
  /** A multiplier on the catalog price. */
  factor: 100,
  /** The longest budget window, in days (ten years). */
  windowDays: 3650,
} as const;

/** The message of a value above its bound: the bound is in it. */
function atMost(max: number, what: string, example: string): string {
  return msg(
    `expected at most ${max} (${what})`,
    `check the unit: write a plain number such as ${example}; larger values cannot be real prices`,
  );
}

function positive(what: string, example: string, max: number): z.ZodNumber {
  const m = msg(`expected a positive number (${what})`, `write a plain number such as ${example}`);
  return z
    .number({ error: m })
    .positive({ error: m })
    .finite({ error: m })
    .max(max, { error: atMost(max, what, example) });
}

function nonNegative(what: string, example: string, max: number): z.ZodNumber {
  const m = msg(`expected a number ≥ 0 (${what})`, `write a plain number such as ${example}`);
  return z
    .number({ error: m })
    .nonnegative({ error: m })
    .finite({ error: m })
    .max(max, { error: atMost(max, what, example) });
}

function name(what: string, example: string): z.ZodString {
  const m = msg(`expected a non-empty string (${what})`, `write a name such as ${example}`);
  return z.string({ error: m }).min(1, { error: m });
}

const tokenPrices = {
  input: nonNegative('USD per `per_tokens` input tokens', '2.5', CARD_BOUNDS.tokenPrice),
  cached_input: nonNegative(
    'USD per `per_tokens` cached input tokens',
    '1.25',
    CARD_BOUNDS.tokenPrice,
  ).optional(),
  cache_write: nonNegative(
    'USD per `per_tokens` cache-write tokens',
    '3.75',
    CARD_BOUNDS.tokenPrice,
  ).optional(),
  output: nonNegative('USD per `per_tokens` output tokens', '10', CARD_BOUNDS.tokenPrice),
};

/** Schema of a long-context tier of an explicit model price. */
export const longContextSchema = z.strictObject({
  threshold: z
    .number({ error: msg('expected a whole number of input tokens', 'write e.g. 200000') })
    .int({ error: msg('expected a whole number of input tokens', 'write e.g. 200000') })
    .positive({ error: msg('expected a positive whole number of input tokens', 'write e.g. 200000') }),
  ...tokenPrices,
});

/** Schema of one explicit model price (file keys). */
export const modelPriceSchema = z.strictObject({
  provider: name('catalog provider id this price is limited to', '"openai"').optional(),
  per_tokens: z
    .union([z.literal(1000), z.literal(1_000_000)], {
      error: msg(
        'expected 1000 or 1000000',
        'prices are per 1M tokens by default; set per_tokens: 1000 for per-1K prices',
      ),
    })
    .optional(),
  ...tokenPrices,
  long_context: longContextSchema.optional(),
});

/** Schema of a multiplier rule. */
export const multiplierSchema = z.strictObject({
  name: name('rule name, shown in errors and metrics', '"negotiated-discount"').optional(),
  model: name('model name or glob (`*` matches anything)', '"gpt-4o*"').optional(),
  provider: name('catalog provider id or the record provider', '"openai"').optional(),
  service_tier: name('service tier reported by the provider', '"batch", "flex" or "priority"').optional(),
  factor: positive('multiplier on the catalog price', '0.8 (20 % off) or 0.5 (batch)', CARD_BOUNDS.factor),
  max_input_tokens: z
    .number({ error: msg('expected a whole number of input tokens', 'write e.g. 128000') })
    .int({ error: msg('expected a whole number of input tokens', 'write e.g. 128000') })
    .positive({ error: msg('expected a whole number of input tokens', 'write e.g. 128000') })
    .optional(),
});

/** Schema of a GPU price entry: USD per GPU-hour per market. */
export const gpuPriceSchema = z.strictObject({
  on_demand: positive('USD per GPU-hour, on-demand', '3.43', CARD_BOUNDS.gpuHour).optional(),
  spot: positive('USD per GPU-hour, spot', '1.30', CARD_BOUNDS.gpuHour).optional(),
  reserved: positive('USD per GPU-hour, reserved / committed', '2.10', CARD_BOUNDS.gpuHour).optional(),
});

/** Schema of a network price: one number for both directions or per direction. */
export const networkPriceSchema = z.union(
  [
    nonNegative('USD per GB', '0.09', CARD_BOUNDS.perGb),
    z.strictObject({
      transmit: nonNegative('USD per GB sent', '0.09', CARD_BOUNDS.perGb),
      receive: nonNegative('USD per GB received', '0', CARD_BOUNDS.perGb),
    }),
  ],
  {
    error: msg(
      'expected USD per GB as a number or { transmit, receive }',
      'write e.g. `internet: 0.09` or `internet: { transmit: 0.09, receive: 0 }`',
    ),
  },
);

/** Schema of a fixed monthly cost. */
export const fixedCostSchema = z.strictObject({
  name: name('fixed cost name', '"vector-db"'),
  usd_per_month: positive('USD per 30-day month', '500', CARD_BOUNDS.fixedMonthly),
});

/** A budget window: one positive whole number and m, h, d or w. */
const WINDOW = /^[1-9][0-9]*(m|h|d|w)$/;

const windowMessage = msg(
  'expected a window such as 30d, 7d, 1d, 12h or 90m (rolling) or day, week, month (calendar)',
  'write a whole number followed by m (minutes), h (hours), d (days) or w (weeks)',
);

/** Calendar windows: they reset at local midnight (every day, every Monday, every 1st). */
export const CALENDAR_WINDOWS = ['day', 'week', 'month'] as const;

const isCalendar = (w: string): boolean => (CALENDAR_WINDOWS as readonly string[]).includes(w);

/** What a budget may do to a call that does not fit (see docs/budgets-enforcement.md). */
export const ENFORCE_ACTIONS = ['block', 'downgrade', 'cap_output', 'warn'] as const;

function wholeTokens(what: string, example: string): z.ZodNumber {
  const m = msg(`expected a whole number ≥ 1 (${what})`, `write e.g. ${example}`);
  return z.number({ error: m }).int({ error: m }).positive({ error: m }).max(10_000_000, { error: m });
}

/** Schema of a budget's `enforce`: what happens in process to a call that would not fit. */
export const budgetEnforceSchema = z.strictObject(
  {
    action: z.enum(ENFORCE_ACTIONS, {
      error: msg(
        'expected block, downgrade, cap_output or warn',
        'write e.g. action: block (reject the call) or action: downgrade with downgrade_to: gpt-4o-mini',
      ),
    }),
    // Required for downgrade; the loader says so with the budget's path.
    downgrade_to: name('the model a call that does not fit is sent to', '"gpt-4o-mini"').optional(),
    max_output_tokens: wholeTokens('the most output tokens a capped call may ask for', '512').optional(),
    default_max_output_tokens: wholeTokens(
      'output tokens assumed for a call that sets no output cap',
      '4096',
    ).optional(),
  },
  {
    error: msg(
      'expected a map with action (and downgrade_to, max_output_tokens)',
      'write e.g. `enforce: { action: block }`',
    ),
  },
);

/** Schema of a budget. */
export const budgetSchema = z.strictObject({
  name: z
    .string({ error: msg('expected a budget name', 'write a name such as "search-monthly"') })
    .regex(/^[A-Za-z0-9_.:-]+$/, {
      error: msg(
        'expected a name of letters, digits, _ . : or -',
        'it becomes a Prometheus label value and rule name; e.g. "search-monthly"',
      ),
    }),
  amount: positive('USD', '10000', CARD_BOUNDS.budget),
  window: z
    .string({ error: windowMessage })
    .refine((w) => isCalendar(w) || WINDOW.test(w), { error: windowMessage })
    // Only for windows the regex accepted (it reports the others), so each bad window has one issue.
    .refine((w) => !WINDOW.test(w) || (parseDuration(w) ?? 0) <= CARD_BOUNDS.windowDays * 86_400, {
      error: msg(
        `expected a window of at most ${CARD_BOUNDS.windowDays}d (ten years)`,
        'write e.g. 30d, or 365d for a yearly budget',
      ),
    }),
  // An IANA zone name; checked against Node's ICU by the loader, which names the value.
  timezone: z
    .string({ error: msg('expected an IANA time zone name', 'write e.g. timezone: "Europe/Berlin"') })
    .optional(),
  scope: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, {
        error: msg('expected an attribute key', 'use the caller attribute name, e.g. feature or tenant'),
      }),
      z.string({
        error: msg('expected a label value (string)', 'quote it, e.g. feature: "search"'),
      }),
      {
        error: msg(
          'expected a map of attribute to value',
          'write e.g. `scope: { feature: search }`; leave it out for all spend',
        ),
      },
    )
    .optional(),
  thresholds: z
    .array(
      z
        .number({ error: msg('expected a fraction of the amount', 'write e.g. 0.8 for 80 %') })
        .positive({ error: msg('expected a fraction > 0', 'write e.g. 0.8 for 80 %') })
        .max(10, { error: msg('expected a fraction ≤ 10', 'thresholds are fractions: 0.8 means 80 %') }),
      { error: msg('expected a list of fractions', 'write e.g. [0.5, 0.8, 1.0]') },
    )
    .min(1, { error: msg('expected at least one threshold', 'write e.g. [0.5, 0.8, 1.0] or leave it out') })
    .optional(),
  enforce: budgetEnforceSchema.optional(),
});

/** Schema of a deployment's GPUs: which, how many, bought on which market. */
export const deploymentGpuSchema = z.strictObject({
  model: name("GPU model, priced from the card's gpu table", '"L4" or "H100"'),
  count: z
    .number({ error: msg('expected a whole number of GPUs ≥ 1', 'write e.g. count: 2') })
    .int({ error: msg('expected a whole number of GPUs ≥ 1', 'write e.g. count: 2') })
    .positive({ error: msg('expected a whole number of GPUs ≥ 1', 'write e.g. count: 2') })
    .max(100_000, { error: msg('expected at most 100000 GPUs', 'write the GPUs of one deployment') }),
  market: z
    .enum(['on_demand', 'spot', 'reserved'], {
      error: msg(
        'expected on_demand, spot or reserved',
        'write market: on_demand (the default), spot or reserved',
      ),
    })
    .optional(), // Checked by the loader like server.selector.
  selector: name(
    "label selector of the GPUs' DCGM or nvidia-smi utilization series",
    '\'{job="dcgm", Hostname="gpu-1"}\'',
  ).optional(),
});

/** Schema of the serving engine a deployment runs, and the selector of its scraped series. */
export const deploymentServerSchema = z.strictObject({
  engine: z.enum(['vllm', 'sglang', 'tgi'], {
    error: msg(
      'expected vllm, sglang or tgi',
      'write engine: vllm (or sglang, tgi); for another server leave server out and meter its GPUs with recorder.gpu.reserve',
    ),
  }),
  // Checked by the loader (parseLabelSelector), which names what is wrong in the text.
  selector: name("label selector of the engine's scraped series", '\'{job="vllm-llama"}\''),
});

/** A duration for alert `for:` clauses: one positive whole number and m, h or d. */
const alertDuration = (example: string): z.ZodString =>
  z
    .string({
      error: msg(`expected a duration such as ${example}`, 'write a whole number followed by m, h or d'),
    })
    .regex(/^[1-9][0-9]*(m|h|d)$/, {
      error: msg(`expected a duration such as ${example}`, 'write a whole number followed by m, h or d'),
    });

/** Schema of a deployment's alert settings (defaults: idle above 50 % of its cost for 1h; over capacity for 15m). */
export const deploymentAlertsSchema = z.strictObject({
  idle_share: z
    .number({ error: msg('expected a fraction in (0, 1]', 'write e.g. 0.5 for half the cost') })
    .positive({ error: msg('expected a fraction in (0, 1]', 'write e.g. 0.5 for half the cost') })
    .max(1, { error: msg('expected a fraction in (0, 1]', 'write e.g. 0.5 for 50 %') })
    .optional(),
  idle_for: alertDuration('1h').optional(),
  capacity_for: alertDuration('15m').optional(),
});

/** Schema of a deployment for capacity planning. */
export const deploymentSchema = z.strictObject({
  name: name('deployment name', '"chat-gpu"'),
  batch_size: z
    .number({ error: msg('expected a whole number ≥ 1', 'write e.g. 8') })
    .int({ error: msg('expected a whole number ≥ 1', 'write e.g. 8') })
    .positive({ error: msg('expected a whole number ≥ 1', 'write e.g. 8') }),
  utilization_target: z
    .number({ error: msg('expected a fraction in (0, 1]', 'write e.g. 0.7') })
    .positive({ error: msg('expected a fraction in (0, 1]', 'write e.g. 0.7') })
    .max(1, { error: msg('expected a fraction in (0, 1]', 'write e.g. 0.7 for 70 %') }),
  model: name('model the deployment serves (request model)', '"llama-3.1-8b"').optional(),
  scope: z
    .record(z.string(), z.string({ error: msg('expected a label value (string)', 'quote it') }))
    .optional(),
  window_seconds: positive('seconds of traffic to average over', '60', 86_400).optional(),
  gpu: deploymentGpuSchema.optional(),
  server: deploymentServerSchema.optional(),
  alerts: deploymentAlertsSchema.optional(),
});

/** Schema of `budgets_source`: the Prometheus every replica reads the fleet's spend from. */
export const budgetsSourceSchema = z.strictObject(
  {
    // Checked by the loader (an http or https URL), which names what is wrong.
    prometheus: name("base URL of Prometheus' HTTP API", '"http://prometheus:9090"'),
    refresh: z
      .string({ error: msg('expected a duration such as 30s or 1m', 'write e.g. refresh: 30s') })
      .refine((d) => /^[1-9][0-9]*(s|m)$/.test(d) && (parseDuration(d) ?? 0) <= 3600, {
        error: msg(
          'expected a duration from 1s to 60m, such as 30s or 1m',
          'write e.g. refresh: 30s (a whole number followed by s or m)',
        ),
      })
      .optional(),
    fail: z
      .enum(['open', 'closed'], {
        error: msg(
          'expected open or closed',
          'write fail: open (use local spend while Prometheus is down, the default) or fail: closed (block)',
        ),
      })
      .optional(),
  },
  {
    error: msg(
      'expected a map with prometheus, refresh and fail',
      'write e.g. `budgets_source: { prometheus: "http://prometheus:9090", refresh: 30s }`',
    ),
  },
);

/** Schema of the energy price: USD per kWh of GPU energy (the nvidia-smi sampler's `hw.energy`). */
export const energySchema = z.strictObject(
  { usd_per_kwh: positive('USD per kWh', '0.12', 100) },
  { error: msg('expected a map with usd_per_kwh', 'write e.g. `energy: { usd_per_kwh: 0.12 }`') },
);

/** Schema of a price card file (YAML or JSON), snake_case keys. */
export const priceCardSchema = z.strictObject({
  currency: z
    .literal('USD', {
      error: msg('expected "USD" (the only currency supported)', 'remove `currency` or write USD'),
    })
    .optional(),
  models: z.record(z.string().min(1), modelPriceSchema).optional(),
  aliases: z.record(z.string().min(1), name('target model name', '"gpt-4o-mini"')).optional(),
  providers: z.record(z.string().min(1), name('catalog provider id', '"openai"')).optional(),
  multipliers: z
    .array(multiplierSchema, { error: msg('expected a list of rules', 'write `- { factor: 0.8 }` items') })
    .optional(),
  gpu: z.record(z.string().min(1), gpuPriceSchema).optional(),
  storage: z.record(z.string().min(1), nonNegative('USD per GB-month', '0.10', CARD_BOUNDS.perGb)).optional(),
  network: z.record(z.string().min(1), networkPriceSchema).optional(),
  fixed: z
    .array(fixedCostSchema, {
      error: msg('expected a list', 'write `- { name: db, usd_per_month: 500 }` items'),
    })
    .optional(),
  budgets: z
    .array(budgetSchema, {
      error: msg('expected a list of budgets', 'write `- { name, amount, window }` items'),
    })
    .optional(),
  budgets_source: budgetsSourceSchema.optional(),
  deployments: z
    .array(deploymentSchema, {
      error: msg('expected a list', 'write `- { name, batch_size, utilization_target }` items'),
    })
    .optional(),
  /** Prices in images, audio minutes, characters, tool calls and containers (see unit-prices-schema.ts). */
  unit_prices: unitPricesSchema.optional(),
  /** Electricity for GPUs whose hourly price excludes power (owned hardware); see docs/compare.md. */
  energy: energySchema.optional(),
});

/** A price card as written in a file or passed as an object (snake_case keys). */
export type PriceCardInput = z.input<typeof priceCardSchema>;
