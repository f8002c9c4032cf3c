import { type Deployment, loadPriceCard, requiredInstances } from '@burnrate/cost-processor';
import { globPattern, LABEL, labelName, type Matcher, METRIC, PROM, selector } from '@burnrate/semconv';
import { type Command, Option } from 'commander';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { duration, fraction, httpUrl, positiveNumber, wholeNumber } from '../options.js';
import { PrometheusClient } from '../prometheus/http-api.js';

/** Options of `burnrate capacity` after parsing. */
export interface CapacityOptions {
  qps?: number;
  latency?: number;
  batch?: number;
  utilization?: number;
  prometheus?: string;
  deployment?: string;
  card?: string;
  window?: string;
  json?: boolean;
}

/** What `burnrate capacity` computed (`--json` prints it). */
export interface CapacityPlan {
  qps: number;
  latencySeconds: number;
  batchSize: number;
  utilizationTarget: number;
  requiredInstances: number;
  /** Where QPS and latency were measured, when they came from Prometheus. */
  measured?: {
    prometheus: string;
    window: string;
    deployment?: string;
    qpsQuery: string;
    latencyQuery: string;
  };
}

/** The default `--window` of `burnrate capacity --prometheus`. */
export const DEFAULT_CAPACITY_WINDOW = '5m';

/** Adds `burnrate capacity` to the program. */
export function addCapacityCommand(program: Command, io: CliIo): void {
  program
    .command('capacity')
    .summary('instances needed for a QPS and latency')
    .description(
      'Instances needed: ceil(qps × latency / (batch × utilization)). Give --qps and --latency, or ' +
        `--prometheus to measure them from ${METRIC.inferenceDuration} over --window (all LLM calls, ` +
        'or a deployment of the price card with --card and --deployment, which also supplies batch and ' +
        'utilization).',
    )
    .addOption(new Option('--qps <n>', 'requests per second, > 0').argParser(positiveNumber('--qps')))
    .addOption(
      new Option('--latency <seconds>', 'mean latency of one request in seconds, > 0').argParser(
        positiveNumber('--latency'),
      ),
    )
    .addOption(
      new Option('--batch <n>', 'requests one instance serves at once, a whole number ≥ 1').argParser(
        wholeNumber('--batch', 1),
      ),
    )
    .addOption(
      new Option('--utilization <fraction>', 'target utilization in (0, 1], e.g. 0.7').argParser(
        fraction('--utilization'),
      ),
    )
    .addOption(
      new Option(
        '--prometheus <url>',
        'measure QPS and latency in this Prometheus, e.g. http://localhost:9090',
      )
        .argParser(httpUrl('--prometheus', 'http://localhost:9090'))
        .conflicts(['qps', 'latency']),
    )
    .option('--card <file>', 'price card declaring the deployment (with --deployment)')
    .option(
      '--deployment <name>',
      'a deployment of the card: its model and scope select the calls, its batch size and utilization apply',
    )
    .addOption(
      new Option(
        '--window <duration>',
        `rate() window with --prometheus (default: ${DEFAULT_CAPACITY_WINDOW})`,
      ).argParser(duration('--window')),
    )
    .option('--json', 'print the plan as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  burnrate capacity --qps 100 --latency 0.5 --batch 8 --utilization 0.7\n' +
        '  burnrate capacity --prometheus http://localhost:9090 --batch 8 --utilization 0.7\n' +
        '  burnrate capacity --prometheus http://localhost:9090 --card card.yaml --deployment chat\n' +
        '\nExit codes: 0 plan printed, 1 Prometheus has no data / the card or deployment is wrong, 2 usage error.',
    )
    .action(async (options: CapacityOptions) => {
      await runCapacity(options, io);
    });
}

/**
 * Computes and prints the capacity plan.
 *
 * @throws UsageError for missing or contradictory flags; CliError when Prometheus has no data or the
 *   deployment is not in the card; PriceCardError when the card is invalid.
 */
export async function runCapacity(options: CapacityOptions, io: CliIo): Promise<void> {
  const plan =
    options.prometheus !== undefined ? await measured(options, options.prometheus, io) : manual(options);
  if (options.json) {
    io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
    return;
  }
  const exact = (plan.qps * plan.latencySeconds) / (plan.batchSize * plan.utilizationTarget);
  const lines = [`required instances: ${plan.requiredInstances}`];
  lines.push(
    `  ceil(qps ${round(plan.qps)} × latency ${round(plan.latencySeconds)} s / (batch ${plan.batchSize} × utilization ${plan.utilizationTarget})) = ceil(${round(exact)})`,
  );
  if (plan.measured) {
    const m = plan.measured;
    lines.push(
      `  measured over ${m.window} in Prometheus at ${m.prometheus}${m.deployment ? ` for deployment ${m.deployment}` : ''}`,
    );
    lines.push(`  qps: ${m.qpsQuery}`);
    lines.push(`  latency: ${m.latencyQuery}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
}

function round(n: number): string {
  return String(Number(n.toPrecision(6)));
}

function manual(options: CapacityOptions): CapacityPlan {
  const missing: string[] = [];
  if (options.qps === undefined) missing.push('--qps <n> (requests per second)');
  if (options.latency === undefined) missing.push('--latency <seconds>');
  if (options.batch === undefined) missing.push('--batch <n>');
  if (options.utilization === undefined) missing.push('--utilization <fraction>');
  if (options.deployment !== undefined) {
    throw new UsageError('--deployment: only applies with --prometheus URL (and --card FILE)');
  }
  if (missing.length > 0) {
    throw new UsageError(
      `capacity: missing ${missing.join(', ')}; or give --prometheus URL to measure QPS and latency`,
    );
  }
  return plan(options.qps ?? 0, options.latency ?? 0, options.batch ?? 1, options.utilization ?? 1);
}

function plan(
  qps: number,
  latencySeconds: number,
  batchSize: number,
  utilizationTarget: number,
): CapacityPlan {
  return {
    qps,
    latencySeconds,
    batchSize,
    utilizationTarget,
    requiredInstances: requiredInstances({ qps, latencySeconds, batchSize, utilizationTarget }),
  };
}

async function measured(options: CapacityOptions, url: string, io: CliIo): Promise<CapacityPlan> {
  let deployment: Deployment | undefined;
  if (options.deployment !== undefined) {
    if (options.card === undefined) {
      throw new UsageError(
        `--deployment: needs --card FILE, the price card that declares "${options.deployment}"`,
      );
    }
    const card = loadPriceCard(options.card);
    deployment = card.deployments.find((d) => d.name === options.deployment);
    if (!deployment) {
      const names = card.deployments.map((d) => d.name);
      throw new CliError(
        `--deployment: no deployment "${options.deployment}" in ${options.card}; ${names.length > 0 ? `it declares ${names.join(', ')}` : 'it declares none (add deployments: [{ name, batch_size, utilization_target }])'}`,
      );
    }
  } else if (options.card !== undefined) {
    throw new UsageError('--card: only used with --deployment NAME here; name the deployment or drop --card');
  }
  const batchSize = options.batch ?? deployment?.batchSize;
  const utilizationTarget = options.utilization ?? deployment?.utilizationTarget;
  const missing: string[] = [];
  if (batchSize === undefined) missing.push('--batch <n>');
  if (utilizationTarget === undefined) missing.push('--utilization <fraction>');
  if (missing.length > 0) {
    throw new UsageError(`capacity: missing ${missing.join(', ')}; or give --card FILE --deployment NAME`);
  }
  const matchers: Matcher[] = [];
  if (deployment?.model !== undefined) {
    matchers.push({ label: LABEL.requestModel, op: '=~', value: globPattern(deployment.model) });
  }
  for (const [key, value] of Object.entries(deployment?.scope ?? {})) {
    matchers.push({ label: labelName(key), op: '=', value });
  }
  const window = options.window ?? DEFAULT_CAPACITY_WINDOW;
  const count = `sum(rate(${selector(PROM.inferenceDurationCount, matchers)}[${window}]))`;
  const sum = `sum(rate(${selector(PROM.inferenceDurationSum, matchers)}[${window}]))`;
  const latencyQuery = `${sum} / ${count}`;
  const client = new PrometheusClient(url, io.fetch);
  const time = io.now() / 1000;
  const [qpsResult, latencyResult] = await Promise.all([
    client.query(count, time),
    client.query(latencyQuery, time),
  ]);
  const qps = qpsResult[0]?.value;
  if (qps === undefined) {
    throw new CliError(
      `no ${PROM.inferenceDurationCount} series${matchers.length > 0 ? ` matching ${selector('', matchers)}` : ''} in Prometheus at ${client.baseUrl} over the last ${window}; check that it scrapes the burnrate /metrics endpoints${deployment ? ' and the deployment model and scope' : ''}`,
    );
  }
  const latency = latencyResult[0]?.value;
  const latencySeconds = latency !== undefined && Number.isFinite(latency) ? latency : 0;
  const result = plan(qps, latencySeconds, batchSize ?? 1, utilizationTarget ?? 1);
  result.measured = {
    prometheus: client.baseUrl,
    window,
    ...(deployment ? { deployment: deployment.name } : {}),
    qpsQuery: count,
    latencyQuery,
  };
  return result;
}
