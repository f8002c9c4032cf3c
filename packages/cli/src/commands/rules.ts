import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadPriceCard, type PriceCard } from '@burnrate/cost-processor';
import {
  ARTIFACT_PATHS,
  GENERATED_HEADER,
  type GeneratedFile,
  jobNameProblem,
  renderArtifacts,
} from '@burnrate/rules';
import { type Command, Option } from 'commander';
import { CliError, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** Options of `burnrate rules` after parsing. */
export interface RulesOptions {
  card: string;
  out: string;
  job?: string;
  dashboardUrl?: string;
  datasourceUid?: string;
  json?: boolean;
}

/** Path of the Grafana alert provisioning file under `--out`. */
export const GRAFANA_ALERTS_FILE = ARTIFACT_PATHS.grafanaAlerts;

/** Adds `burnrate rules` to the program. */
export function addRulesCommand(program: Command, io: CliIo): void {
  program
    .command('rules')
    .summary('write Prometheus rules, promtool tests and Grafana alerts from the budgets of a card')
    .description(
      // Lines of at most 80 columns: commander re-wraps longer ones at 80 when stdout is not a terminal.
      'Generates from the budgets and self-hosted deployments of a price card:\n' +
        '  rules/    Prometheus recording rules and alerts (thresholds, fast and slow\n' +
        '            burn rate, forecast, unpriced usage, exporter down/absent):\n' +
        '            load them with rule_files; per deployment with gpu: its $/h,\n' +
        '            tokens/s and $ per 1M tokens by direction, busy ratio, idle\n' +
        "            $/h, tenants' shares, idle and over-capacity alerts\n" +
        '  tests/    promtool unit tests for every alert:\n' +
        '            promtool test rules DIR/tests/*.test.yml\n' +
        `  ${GRAFANA_ALERTS_FILE}\n` +
        '            the same alerts as Grafana-managed rules (use these or the\n' +
        '            Prometheus alerts, not both)\n' +
        `  ${ARTIFACT_PATHS.dashboards}*.json\n` +
        '            Grafana dashboards (cost, tokens, GPU, budgets, savings)\n' +
        `  ${ARTIFACT_PATHS.scrapeConfig}\n` +
        '            the scrape job and rule_files to merge into prometheus.yml\n' +
        'Files this command wrote earlier that the card no longer produces are removed.',
    )
    .requiredOption('--card <file>', 'price card (YAML/JSON) with budgets')
    .requiredOption('--out <dir>', 'directory to write rules/, tests/ and grafana/ into (created if missing)')
    .addOption(
      new Option(
        '--job <name>',
        'Prometheus job that scrapes burnrate processes, its job_name in prometheus.yml (default: burnrate)',
      ).argParser(jobName),
    )
    .option(
      '--dashboard-url <url>',
      'link in every alert annotation (default: the budgets dashboard on localhost:3000)',
    )
    .option(
      '--datasource-uid <uid>',
      'uid of the Grafana Prometheus data source (default: burnrate-prometheus)',
    )
    .option('--json', 'print the written files as JSON')
    .addHelpText(
      'after',
      '\nExample:\n' +
        '  burnrate rules --card card.yaml --out ./prometheus && promtool check rules ./prometheus/rules/*.yml\n' +
        '\nExit codes: 0 files written, 1 invalid card or budgets, or a file could not be written, 2 usage error.',
    )
    .action(async (options: RulesOptions) => {
      runRules(options, io);
    });
}

/**
 * A commander argument parser for `--job`: an empty job would make the exporter-absent alert fire
 * forever (`up{job=""}` matches no target), so it is a usage error naming the fix.
 */
function jobName(value: string): string {
  const problem = jobNameProblem(value);
  if (problem !== undefined)
    throw new UsageError(`--job: ${problem}; or leave --job out (default: burnrate)`);
  return value;
}

/** The files `burnrate rules` writes for a card, paths relative to `--out` (see `renderArtifacts`). */
export function renderRuleFiles(
  card: PriceCard,
  options: Omit<RulesOptions, 'card' | 'out'> = {},
): GeneratedFile[] {
  try {
    return renderArtifacts(card, {
      ...(options.job !== undefined ? { job: options.job } : {}),
      ...(options.dashboardUrl !== undefined ? { dashboardUrl: options.dashboardUrl } : {}),
      ...(options.datasourceUid !== undefined ? { datasourceUid: options.datasourceUid } : {}),
    });
  } catch (error) {
    throw new CliError(
      `the budgets cannot become alert rules: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Writes the rule files and prints what was written.
 *
 * @throws CliError when the budgets cannot become rules or a file cannot be written;
 *   PriceCardError when the card is invalid.
 */
export function runRules(options: RulesOptions, io: CliIo): void {
  const card = loadPriceCard(options.card);
  const files = renderRuleFiles(card, options);
  const written = new Set<string>();
  try {
    for (const f of files) {
      const path = join(options.out, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
      written.add(path);
    }
  } catch (error) {
    throw new CliError(
      `--out: could not write into ${options.out} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const removed = removeStale(options.out, written);
  // Deployments with gpu get cost rules and tests (see @burnrate/rules' deployment rules).
  const selfHosted = card.deployments.filter((d) => d.gpu !== undefined).map((d) => d.name);
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ out: options.out, budgets: card.budgets.map((b) => b.name), deployments: selfHosted, written: [...written], removed }, null, 2)}\n`,
    );
    return;
  }
  const lines = [
    `wrote ${files.length} files for ${card.budgets.length} budget${card.budgets.length === 1 ? '' : 's'} (${card.budgets.map((b) => b.name).join(', ') || 'none: health alerts and recording rules only'})${selfHosted.length > 0 ? ` and ${selfHosted.length} self-hosted deployment${selfHosted.length === 1 ? '' : 's'} (${selfHosted.join(', ')})` : ''} into ${options.out}:`,
    ...[...written].map((p) => `  ${relative(options.out, p)}`),
  ];
  for (const p of removed) lines.push(`  removed stale ${relative(options.out, p)}`);
  lines.push(
    '',
    'next:',
    `  promtool check rules ${join(options.out, 'rules')}/*.yml`,
    `  promtool test rules ${join(options.out, 'tests')}/*.test.yml`,
    `  add ${join(options.out, 'rules')}/*.yml to rule_files in prometheus.yml, or provision ${GRAFANA_ALERTS_FILE} in Grafana`,
  );
  io.stdout(`${lines.join('\n')}\n`);
}

/** Removes files under rules/ and tests/ that this command generated before but did not write now. */
function removeStale(out: string, written: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  for (const dir of ['rules', 'tests', 'grafana/dashboards']) {
    let names: string[];
    try {
      names = readdirSync(join(out, dir));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(out, dir, name);
      if (written.has(path) || !/\.(yml|json)$/.test(name)) continue;
      let head = '';
      try {
        head = readFileSync(path, 'utf8').slice(0, GENERATED_HEADER.length);
      } catch {
        continue;
      }
      if (head !== GENERATED_HEADER) continue;
      rmSync(path);
      removed.push(path);
    }
  }
  return removed;
}
