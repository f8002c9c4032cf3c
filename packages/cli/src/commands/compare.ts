import { type Deployment, formatUsd, loadPriceCard, type PriceCard } from '@burnrate/cost-processor';
import {
  type ApiCandidate,
  apiCandidate,
  type CandidateCost,
  type CompareCandidate,
  CompareInputError,
  type CompareWorkload,
  type Comparison,
  compare,
  type DeploymentRef,
  deploymentCandidate,
  findDeployment,
  parseDeploymentRef,
} from '@burnrate/cost-processor/compare';
import {
  ENGINE_METRICS,
  type EnginePhaseSeconds,
  type EngineSeries,
  LABEL,
  PROM,
  selector,
} from '@burnrate/semconv';
import { type Command, Option } from 'commander';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { duration, httpUrl, nonNegativeNumber, positiveNumber } from '../options.js';
import { PrometheusClient } from '../prometheus/http-api.js';

/** Options of `burnrate compare` after parsing. */
export interface CompareOptions {
  card?: string;
  deployment?: DeploymentRef[];
  api?: string;
  provider?: string;
  qps?: number;
  inputTokens?: number;
  outputTokens?: number;
  latency?: PerDeployment[];
  prefillShare?: PerDeployment[];
  prometheus?: string;
  window?: string;
  json?: boolean;
}

/** A flag value for all deployments (`name` absent) or for one (`NAME=value`). */
export interface PerDeployment {
  name?: string;
  value: number;
}

/** What one deployment's engine served over the window (`--prometheus`). */
export interface ObservedDeployment {
  deployment: string;
  engine: string;
  selector: string;
  qps: number;
  latencySeconds: number | null;
  inputTokensPerSecond: number;
  outputTokensPerSecond: number;
  /** Prefill time ÷ (prefill + decode time); null when the engine reports no prefill time. */
  prefillShare: number | null;
  /** Mean running requests ÷ batch size, capped at 1. */
  busyRatio: number | null;
  /**
   * The deployment as it runs (its card GPU set, idle time included), charged to the tokens it
   * served, split by prefill share (else by tokens): the deployment recording rules' numbers.
   * Absent for a deployment without `gpu`.
   */
  asDeployed?: {
    usdPerHour: number;
    usdPer1MInputTokens: number | null;
    usdPer1MOutputTokens: number | null;
    /** USD per hour × (1 − busy ratio); null without a busy ratio. */
    idleUsdPerHour: number | null;
  };
}

/** What burnrate's client counters saw for the API model over the window (`--prometheus`). */
export interface ObservedApiModel {
  model: string;
  qps: number;
  inputTokensPerSecond: number;
  outputTokensPerSecond: number;
}

/** What `burnrate compare --json` prints. */
export interface CompareOutput extends Comparison {
  /** Where the workload came from. */
  source: { kind: 'flags' } | { kind: 'prometheus'; prometheus: string; window: string };
  /** `--prometheus`: what was measured per deployment and for the API model. */
  observed?: { deployments: ObservedDeployment[]; api?: ObservedApiModel };
}

/** The default `--window` of `burnrate compare --prometheus`. */
export const DEFAULT_COMPARE_WINDOW = '7d';

const EXAMPLE =
  'burnrate compare --card card.yaml --deployment fp16-2xl4 --deployment int8-1xl4 --qps 4 --input-tokens 800 --output-tokens 200 --latency fp16-2xl4=1.2 --latency int8-1xl4=0.9';

/** A commander collector for `--latency 1.2` / `--latency NAME=1.2` and the like. */
function perDeployment(
  parse: (value: string) => number,
): (value: string, previous: PerDeployment[] | undefined) => PerDeployment[] {
  return (value, previous) => {
    const eq = value.lastIndexOf('=');
    const entry: PerDeployment =
      eq > 0 ? { name: value.slice(0, eq), value: parse(value.slice(eq + 1)) } : { value: parse(value) };
    return [...(previous ?? []), entry];
  };
}

function fractionIncl(flag: string): (value: string) => number {
  const n = nonNegativeNumber(flag);
  return (value) => {
    const v = n(value);
    if (v > 1)
      throw new UsageError(`${flag}: expected a fraction in [0, 1], e.g. 0.2, got ${JSON.stringify(value)}`);
    return v;
  };
}

/** Adds `burnrate compare` to the program. */
export function addCompareCommand(program: Command, io: CliIo): void {
  program
    .command('compare')
    .summary('self-host or buy the API? a deployment against an API model or another deployment')
    .description(
      'Compares two sides — a deployment of the price card and an API model, or two deployments (e.g. FP16 ' +
        'on 2×L4 against INT8 on 1×L4, or NAME@spot for the same GPUs on spot) — at one workload: USD per 1M ' +
        'input and output tokens and per query, the instances the capacity formula needs (one instance = the ' +
        "deployment's GPU set), the monthly difference, the break-even request rate (API against a deployment) " +
        'and the before/after table (two deployments). The workload comes from the flags or, with --prometheus, ' +
        "from what the deployments' engines (and burnrate's client counters for the API model) served over --window; " +
        'flags override what was measured. Formulas: docs/compare.md.',
    )
    .requiredOption(
      '--card <file>',
      'price card declaring the deployments (gpu, batch_size, utilization_target)',
    )
    .addOption(
      new Option(
        '--deployment <name[@market]>',
        'a deployment of the card; twice for two; @spot/@reserved/@on_demand re-prices its GPUs',
      ).argParser((value: string, previous: DeploymentRef[] | undefined) => {
        try {
          return [...(previous ?? []), parseDeploymentRef(value)];
        } catch (e) {
          if (e instanceof CompareInputError) throw new UsageError(e.message);
          throw e;
        }
      }),
    )
    .option('--api <model>', 'an API model to compare with, e.g. gpt-4o-mini or openai/gpt-4o-mini')
    .option(
      '--provider <id>',
      'provider of --api when the model has no provider/ prefix (default: the catalog’s)',
    )
    .addOption(new Option('--qps <n>', 'queries per second, > 0').argParser(positiveNumber('--qps')))
    .addOption(
      new Option('--input-tokens <n>', 'input tokens per query, ≥ 0').argParser(
        nonNegativeNumber('--input-tokens'),
      ),
    )
    .addOption(
      new Option('--output-tokens <n>', 'output tokens per query, ≥ 0').argParser(
        nonNegativeNumber('--output-tokens'),
      ),
    )
    .addOption(
      new Option(
        '--latency <seconds|name=seconds>',
        'mean latency of one query on a deployment, > 0; once for all, or NAME=SECONDS per deployment',
      ).argParser(perDeployment(positiveNumber('--latency'))),
    )
    .addOption(
      new Option(
        '--prefill-share <fraction|name=fraction>',
        'share of serving time spent on input (prefill) in [0, 1]; default: the engine’s prefill/decode time with --prometheus, else split by tokens',
      ).argParser(perDeployment(fractionIncl('--prefill-share'))),
    )
    .addOption(
      new Option(
        '--prometheus <url>',
        'measure the workload in this Prometheus, e.g. http://localhost:9090',
      ).argParser(httpUrl('--prometheus', 'http://localhost:9090')),
    )
    .addOption(
      new Option(
        '--window <duration>',
        `window measured with --prometheus (default: ${DEFAULT_COMPARE_WINDOW})`,
      ).argParser(duration('--window')),
    )
    .option('--json', 'print the comparison as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        `  ${EXAMPLE}\n` +
        '  burnrate compare --card card.yaml --deployment llama-l4 --api gpt-4o-mini --qps 2 --input-tokens 1200 --output-tokens 300 --latency 1.5\n' +
        '  burnrate compare --card card.yaml --deployment fp16-2xl4 --deployment int8-1xl4 --prometheus http://localhost:9090 --window 7d\n' +
        '\nExit codes: 0 compared, 1 the card, a deployment or the API model is wrong or Prometheus has no data, 2 usage error.',
    )
    .action(async (options: CompareOptions) => {
      await runCompare(options, io);
    });
}

/**
 * Builds the comparison and prints it.
 *
 * @throws UsageError for missing or contradictory flags; CliError when a deployment or the API model
 *   cannot be used or Prometheus has no data; PriceCardError when the card is invalid.
 */
export async function runCompare(options: CompareOptions, io: CliIo): Promise<void> {
  const refs = options.deployment ?? [];
  const sides = refs.length + (options.api !== undefined ? 1 : 0);
  if (refs.length === 0 || sides !== 2) {
    throw new UsageError(
      `compare: expected two sides — --deployment NAME and --api MODEL, or --deployment twice — got ${refs.length} --deployment${options.api !== undefined ? ' and --api' : ''}; e.g. ${EXAMPLE}`,
    );
  }
  if (options.provider !== undefined && options.api === undefined) {
    throw new UsageError(
      `--provider: only applies with --api MODEL, got --provider ${JSON.stringify(options.provider)} without it; add --api or drop --provider`,
    );
  }
  if (options.window !== undefined && options.prometheus === undefined) {
    throw new UsageError('--window: only applies with --prometheus URL; give both or neither');
  }
  const names = refs.map((r) => label(r));
  for (const flag of ['--latency', '--prefill-share'] as const) {
    const list = flag === '--latency' ? options.latency : options.prefillShare;
    for (const e of list ?? []) {
      if (e.name !== undefined && !names.includes(e.name) && !refs.some((r) => r.name === e.name)) {
        throw new UsageError(
          `${flag}: ${JSON.stringify(`${e.name}=${e.value}`)} names no deployment compared here (${names.join(', ')}); write ${flag} NAME=VALUE with one of them, or ${flag} VALUE for all`,
        );
      }
    }
  }
  const card = loadPriceCard(options.card);
  const deployments = refs.map((r) => cliCall(() => findDeployment(card, r.name)));
  const output =
    options.prometheus !== undefined
      ? await measured(options, options.prometheus, card, refs, deployments, io)
      : fromFlags(options, card, refs);
  if (options.json) {
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    return;
  }
  io.stdout(formatComparison(output));
}

/** The display name of a deployment reference. */
function label(ref: DeploymentRef): string {
  return ref.market !== undefined ? `${ref.name}@${ref.market}` : ref.name;
}

/** A flag's value for one deployment: its own `NAME=value`, else the one for all. */
function valueFor(list: PerDeployment[] | undefined, ref: DeploymentRef): number | undefined {
  const own = list?.find((e) => e.name === label(ref)) ?? list?.find((e) => e.name === ref.name);
  return own?.value ?? list?.find((e) => e.name === undefined)?.value;
}

/** Runs a cost-processor step, turning its input errors into CLI failures (exit 1). */
function cliCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CompareInputError || e instanceof RangeError) throw new CliError(e.message);
    throw e;
  }
}

function fromFlags(options: CompareOptions, card: PriceCard, refs: DeploymentRef[]): CompareOutput {
  const missing: string[] = [];
  if (options.qps === undefined) missing.push('--qps <n>');
  if (options.inputTokens === undefined) missing.push('--input-tokens <n>');
  if (options.outputTokens === undefined) missing.push('--output-tokens <n>');
  for (const r of refs) {
    if (valueFor(options.latency, r) === undefined) missing.push(`--latency ${label(r)}=<seconds>`);
  }
  if (missing.length > 0) {
    throw new UsageError(
      `compare: missing ${missing.join(', ')} (the workload), or give --prometheus URL to measure it; e.g. ${EXAMPLE}`,
    );
  }
  const workload = checkedWorkload(options.qps ?? 0, options.inputTokens ?? 0, options.outputTokens ?? 0);
  const sides = refs.map((r) => {
    const prefillShare = valueFor(options.prefillShare, r);
    return cliCall(() =>
      deploymentCandidate(card, r, {
        latencySeconds: valueFor(options.latency, r) ?? 0,
        ...(prefillShare !== undefined ? { prefillShare } : {}),
      }),
    );
  });
  return { ...run(card, options, workload, sides), source: { kind: 'flags' } };
}

function checkedWorkload(
  qps: number,
  inputTokensPerQuery: number,
  outputTokensPerQuery: number,
): CompareWorkload {
  if (inputTokensPerQuery + outputTokensPerQuery <= 0) {
    throw new UsageError(
      '--input-tokens + --output-tokens: expected more than 0 tokens per query, got 0 and 0',
    );
  }
  return { qps, inputTokensPerQuery, outputTokensPerQuery };
}

/** The comparison, API side first when there is one (before: the API, after: self-hosting). */
function run(
  card: PriceCard,
  options: CompareOptions,
  workload: CompareWorkload,
  deployments: CompareCandidate[],
): Comparison {
  const [first, second] = deployments;
  if (!first) throw new UsageError('compare: needs a --deployment');
  if (options.api !== undefined) {
    const api: ApiCandidate = cliCall(() =>
      apiCandidate(card, options.api ?? '', workload, options.provider),
    );
    return cliCall(() => compare(workload, api, first));
  }
  if (!second) throw new UsageError('compare: needs a second --deployment or --api');
  return cliCall(() => compare(workload, first, second));
}

/**
 * What each deployment's engine served over `window` in Prometheus (deployments without a server
 * are left out): QPS, latency, tokens/s, prefill share and busy ratio from `ENGINE_METRICS`.
 *
 * @param strict throw a CliError naming the series and the selector for a deployment without
 *   data (compare); otherwise leave it out (report).
 */
export async function measureDeployments(
  client: PrometheusClient,
  card: PriceCard,
  deployments: readonly Deployment[],
  window: string,
  time: number,
  strict: boolean,
): Promise<ObservedDeployment[]> {
  const scalar = async (promql: string): Promise<number | null> => {
    const v = (await client.query(promql, time))[0]?.value;
    return v !== undefined && Number.isFinite(v) ? v : null;
  };
  const observed: ObservedDeployment[] = [];
  const seen = new Set<string>();
  for (const d of deployments) {
    if (!d.server || seen.has(d.name)) continue;
    seen.add(d.name);
    const s = ENGINE_METRICS[d.server.engine];
    const inner = d.server.selector.replace(/^\{|\}$/g, '');
    const series = (e: EngineSeries): string =>
      `${e.name}{${[inner, e.matchers].filter((x) => x !== undefined && x !== '').join(',')}}`;
    const rate = (e: EngineSeries): string => `sum(rate(${series(e)}[${window}]))`;
    // A phase is one series or a difference of two (SGLang: decode = end to end − time to first token).
    const phase = (p: EnginePhaseSeconds): string =>
      p.minus ? `(${rate(p.plus)} - ${rate(p.minus)})` : rate(p.plus);
    const [qps, latencySum, inTps, outTps, prefill, decodeRaw, running] = await Promise.all([
      scalar(rate(s.requests)),
      scalar(rate(s.requestSeconds)),
      scalar(rate(s.inputTokens)),
      scalar(rate(s.outputTokens)),
      scalar(phase(s.prefillSeconds)),
      scalar(phase(s.decodeSeconds)),
      scalar(`sum(avg_over_time(${s.runningRequests}${d.server.selector}[${window}]))`),
    ]);
    if (qps === null) {
      if (!strict) continue;
      throw new CliError(
        `no ${series(s.requests)} series in Prometheus at ${client.baseUrl} over the last ${window} for deployment ${d.name}; check that Prometheus scrapes its ${d.server.engine} server and deployments[${card.deployments.indexOf(d)}].server.selector`,
      );
    }
    const latency = qps > 0 && latencySum !== null ? latencySum / qps : null;
    const decode = decodeRaw === null ? null : Math.max(0, decodeRaw);
    const prefillShare =
      prefill !== null && decode !== null && prefill + decode > 0 ? prefill / (prefill + decode) : null;
    const busyRatio = running !== null ? Math.min(1, running / d.batchSize) : null;
    observed.push({
      deployment: d.name,
      engine: d.server.engine,
      selector: d.server.selector,
      qps,
      latencySeconds: latency,
      inputTokensPerSecond: inTps ?? 0,
      outputTokensPerSecond: outTps ?? 0,
      prefillShare,
      busyRatio,
      ...(d.gpu
        ? {
            asDeployed: asDeployed(
              d.gpu.count * d.gpu.usdPerGpuHour,
              inTps ?? 0,
              outTps ?? 0,
              prefillShare,
              busyRatio,
            ),
          }
        : {}),
    });
  }
  return observed;
}

/** What a running deployment costs per hour and per 1M tokens it served. */
function asDeployed(
  usdPerHour: number,
  inTps: number,
  outTps: number,
  prefillShare: number | null,
  busyRatio: number | null,
): NonNullable<ObservedDeployment['asDeployed']> {
  const inputShare = prefillShare ?? (inTps + outTps > 0 ? inTps / (inTps + outTps) : 0);
  return {
    usdPerHour,
    usdPer1MInputTokens: inTps > 0 ? ((usdPerHour * inputShare) / (inTps * 3600)) * 1e6 : null,
    usdPer1MOutputTokens: outTps > 0 ? ((usdPerHour * (1 - inputShare)) / (outTps * 3600)) * 1e6 : null,
    idleUsdPerHour: busyRatio !== null ? usdPerHour * (1 - busyRatio) : null,
  };
}

async function measured(
  options: CompareOptions,
  url: string,
  card: PriceCard,
  refs: DeploymentRef[],
  deployments: Deployment[],
  io: CliIo,
): Promise<CompareOutput> {
  const window = options.window ?? DEFAULT_COMPARE_WINDOW;
  const client = new PrometheusClient(url, io.fetch);
  const time = io.now() / 1000;
  const scalar = async (promql: string): Promise<number | null> => {
    const v = (await client.query(promql, time))[0]?.value;
    return v !== undefined && Number.isFinite(v) ? v : null;
  };
  const observed = await measureDeployments(client, card, deployments, window, time, true);
  let apiObserved: ObservedApiModel | undefined;
  if (options.api !== undefined) {
    const slash = options.api.indexOf('/');
    const model = options.provider === undefined && slash > 0 ? options.api.slice(slash + 1) : options.api;
    const m = { [LABEL.requestModel]: model };
    // Successful calls only: a query is one successful LLM call (failed calls carry error_type).
    const ok = selector(PROM.inferenceDurationCount, [
      { label: LABEL.requestModel, op: '=', value: model },
      { label: LABEL.errorType, op: '=', value: '' },
    ]);
    const [qps, inTps, outTps] = await Promise.all([
      scalar(`sum(rate(${ok}[${window}]))`),
      scalar(`sum(rate(${selector(PROM.inputTokens, m)}[${window}]))`),
      scalar(`sum(rate(${selector(PROM.outputTokens, m)}[${window}]))`),
    ]);
    if (qps !== null) {
      apiObserved = { model, qps, inputTokensPerSecond: inTps ?? 0, outputTokensPerSecond: outTps ?? 0 };
    }
  }
  const totalQps = observed.reduce((a, o) => a + o.qps, 0) + (apiObserved?.qps ?? 0);
  const inTps =
    observed.reduce((a, o) => a + o.inputTokensPerSecond, 0) + (apiObserved?.inputTokensPerSecond ?? 0);
  const outTps =
    observed.reduce((a, o) => a + o.outputTokensPerSecond, 0) + (apiObserved?.outputTokensPerSecond ?? 0);
  if (options.qps === undefined && !(totalQps > 0)) {
    throw new CliError(
      `no queries served over the last ${window} in Prometheus at ${client.baseUrl} by ${[...refs.map(label), ...(options.api ? [options.api] : [])].join(', ')} (deployments need server: { engine, selector } in the card); give --qps, --input-tokens and --output-tokens instead`,
    );
  }
  const workload = checkedWorkload(
    options.qps ?? totalQps,
    options.inputTokens ?? (totalQps > 0 ? inTps / totalQps : 0),
    options.outputTokens ?? (totalQps > 0 ? outTps / totalQps : 0),
  );
  const sides = refs.map((r) => {
    const o = observed.find((x) => x.deployment === r.name);
    const latencySeconds = valueFor(options.latency, r) ?? o?.latencySeconds ?? undefined;
    if (latencySeconds === undefined || !(latencySeconds > 0)) {
      throw new UsageError(
        `--latency: deployment ${label(r)} served no requests in Prometheus over the last ${window}${findDeployment(card, r.name).server ? '' : ' (it declares no server)'}, so its latency is unknown; give --latency ${label(r)}=<seconds>`,
      );
    }
    const prefillShare = valueFor(options.prefillShare, r) ?? o?.prefillShare ?? undefined;
    return cliCall(() =>
      deploymentCandidate(card, r, {
        latencySeconds,
        ...(prefillShare !== undefined ? { prefillShare } : {}),
      }),
    );
  });
  return {
    ...run(card, options, workload, sides),
    source: { kind: 'prometheus', prometheus: client.baseUrl, window },
    observed: { deployments: observed, ...(apiObserved ? { api: apiObserved } : {}) },
  };
}

/** Significant digits for rates and seconds. */
function num(n: number): string {
  return String(Number(n.toPrecision(6)));
}

/** Dollars with four significant digits below $100 (per-token prices differ in the third digit). */
function usd(n: number | null): string {
  if (n === null) return '—';
  if (Math.abs(n) >= 100 || n === 0) return formatUsd(n);
  const text = String(Number(Math.abs(n).toPrecision(4)));
  const decimals = text.split('.')[1]?.length ?? 0;
  // At least cents, as prices are written: $0.60, $38.40, $0.07407.
  return `${n < 0 ? '-' : ''}$${decimals >= 2 ? text : Math.abs(n).toFixed(2)}`;
}

function signedPct(x: number | null): string {
  return x === null ? '—' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)} %`;
}

function instances(c: CandidateCost): string {
  const d = c.deployment;
  if (!d) return 'pay per token';
  return `${d.instances} × ${d.gpu.count} ${d.gpu.model.toUpperCase()} ${d.gpu.market} (${usd(d.instanceUsdPerHour)}/h each)`;
}

/** The comparison as text: a table of both sides, the verdict, break-even and before/after. */
export function formatComparison(out: CompareOutput): string {
  const [a, b] = out.candidates;
  const w = out.workload;
  const from =
    out.source.kind === 'flags'
      ? 'given on the command line'
      : `measured over ${out.source.window} in Prometheus at ${out.source.prometheus}`;
  const lines = [
    `compare at ${num(w.qps)} queries/s, ${num(w.inputTokensPerQuery)} input + ${num(w.outputTokensPerQuery)} output tokens per query (${from})`,
    '',
  ];
  const rows: [string, string, string][] = [
    ['', a.name, b.name],
    ['$ per 1M input tokens', usd(a.usdPer1MInputTokens), usd(b.usdPer1MInputTokens)],
    ['$ per 1M output tokens', usd(a.usdPer1MOutputTokens), usd(b.usdPer1MOutputTokens)],
    ['$ per query', usd(a.usdPerQuery), usd(b.usdPerQuery)],
    ['instances (capacity formula)', instances(a), instances(b)],
    ['$ per month (30 days)', usd(a.usdPerMonth), usd(b.usdPerMonth)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [k, x, y] of rows) lines.push(`  ${k.padEnd(w0)}  ${x.padEnd(w1)}  ${y}`);
  lines.push('');
  const diff = Math.abs(out.monthlyDifferenceUsd);
  const other = out.cheaper === a.name ? b.name : a.name;
  lines.push(
    diff === 0
      ? 'both cost the same per month at this workload'
      : `${out.cheaper} is cheaper: ${formatUsd(diff)}/month less than ${other} at ${num(w.qps)} queries/s`,
  );
  const be = out.breakEven;
  if (be) {
    lines.push(
      be.qps === null
        ? `break-even: none — ${be.deployment} costs more per query than ${be.api} even at full capacity`
        : `break-even: ${num(be.qps)} queries/s (${be.instancesAtBreakEven} instance${be.instancesAtBreakEven === 1 ? '' : 's'}); below it ${be.api} is cheaper${be.instancesAtBreakEven === 1 ? '' : ` (at every rate below ${num(be.firstInstanceQps)} queries/s, at some above)`}, above it ${be.deployment}`,
    );
  }
  if (out.beforeAfter) {
    lines.push('', `before/after (${a.name} → ${b.name}):`);
    const label: Record<string, [string, (n: number) => string]> = {
      cost_usd_per_day: ['cost per day', usd],
      cost_usd_per_month: ['cost per month', usd],
      latency_s: ['latency', (n) => `${num(n)} s`],
      throughput_qps_per_instance: ['throughput per instance', (n) => `${num(n)} queries/s`],
      cost_usd_per_query: ['cost per query', usd],
    };
    for (const r of out.beforeAfter) {
      const [name, f] = label[r.metric] ?? [r.metric, num];
      lines.push(
        `  ${name.padEnd(24)} ${f(r.before).padStart(18)} → ${f(r.after).padEnd(18)} ${signedPct(r.change)}`,
      );
    }
  }
  if (out.observed) {
    lines.push('', 'measured:');
    for (const o of out.observed.deployments) {
      lines.push(
        `  ${o.deployment} (${o.engine} ${o.selector}): ${num(o.qps)} queries/s, latency ${o.latencySeconds === null ? '—' : `${num(o.latencySeconds)} s`}, ${num(o.inputTokensPerSecond)} input + ${num(o.outputTokensPerSecond)} output tokens/s, prefill share ${pct(o.prefillShare)}, busy ${pct(o.busyRatio)}${o.asDeployed ? `; as deployed ${usd(o.asDeployed.usdPerHour)}/h = ${usd(o.asDeployed.usdPer1MInputTokens)} / ${usd(o.asDeployed.usdPer1MOutputTokens)} per 1M input / output tokens, idle ${usd(o.asDeployed.idleUsdPerHour)}/h` : ''}`,
      );
    }
    const api = out.observed.api;
    if (api) {
      lines.push(
        `  ${api.model} (burnrate client counters): ${num(api.qps)} queries/s, ${num(api.inputTokensPerSecond)} input + ${num(api.outputTokensPerSecond)} output tokens/s`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
