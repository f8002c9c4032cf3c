/**
 * budgets: a price card with budgets (`price-card.yaml` next to this file) becomes Prometheus
 * recording and alerting rules, their `promtool test rules` unit tests, and the same alerts as
 * Grafana-managed alert provisioning. Also shows the budget gauges on `/metrics`, what a bad card's
 * error message looks like, and budgets that act before a call is sent (`enforce-card.yaml`): one
 * blocking the search feature's calls, one downgrading the chat feature's to gpt-4o-mini, against the
 * local simulator.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx budgets/main.ts [--out DIR]`
 * (default: a new temporary directory). Runs `promtool test rules` when promtool is installed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { BudgetExceededError, loadPriceCard, PriceCardError, parsePriceCard } from '@burnrate/cost-processor';
import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { generateGrafanaAlertRules, generatePrometheusRules, generatePromtoolTests } from '@burnrate/rules';
import { withAttributes } from '@burnrate/sdk';
import OpenAI from 'openai';
import { stringify } from 'yaml';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const cardPath = fileURLToPath(new URL('./price-card.yaml', import.meta.url));

// 1. Load and validate the card.
const card = loadPriceCard(cardPath);
console.log(
  `price card ${relative(process.cwd(), cardPath)} (checksum ${card.checksum}): ${card.budgets.length} budgets`,
);
for (const b of card.budgets) {
  const scope = Object.entries(b.scope).map(([k, v]) => `${k}="${v}"`);
  console.log(
    `  ${b.name.padEnd(14)} ${`$${b.amountUsd.toLocaleString('en-US')}`.padStart(6)} per ${b.window.padEnd(3)}  scope {${scope.join(',')}}  alerts at ${b.thresholds.map((t) => `${t * 100} %`).join(', ')}`,
  );
}

// 2. Generate rules, rule tests and Grafana alert provisioning.
const out = values.out ?? mkdtempSync(join(tmpdir(), 'burnrate-budgets-'));
const rules = generatePrometheusRules(card.budgets);
const files = [
  ...rules.files,
  ...generatePromtoolTests(card.budgets),
  { path: 'grafana/alerting/burnrate-alerts.yml', content: generateGrafanaAlertRules(card.budgets).yaml },
];
for (const f of files) {
  mkdirSync(dirname(join(out, f.path)), { recursive: true });
  writeFileSync(join(out, f.path), f.content);
}
console.log(`\nwrote ${files.length} files to ${out}:`);
for (const f of files) console.log(`  ${f.path.padEnd(52)} ${String(f.content.length).padStart(6)} bytes`);

// 3. One of the generated alerts: search-weekly at 80 %.
const group = rules.document.groups.find((g) => g.name === 'burnrate-budget-search-weekly');
const alert = group?.rules.find(
  (r) =>
    'alert' in r && r.alert === 'BurnrateBudgetThreshold' && r.labels['burnrate_budget_threshold'] === '80',
);
console.log(
  `\none alert rule (group ${group?.name}):\n${stringify([alert], { lineWidth: 0 }).trimEnd().replace(/^/gm, '  ')}\n`,
);

// 4. The rule tests, if promtool is installed (`apt-get install prometheus`).
const tests = files.filter((f) => f.path.startsWith('tests/')).map((f) => f.path);
try {
  const results = await Promise.all(
    tests.map((t) => promisify(execFile)('promtool', ['test', 'rules', t], { cwd: out })),
  );
  const passed = results.filter((r) => r.stdout.includes('SUCCESS')).length;
  console.log(`promtool test rules: ${passed} of ${tests.length} test files SUCCESS`);
} catch (error) {
  const e = error as { code?: unknown; stdout?: string; stderr?: string };
  if (e.code === 'ENOENT')
    console.log(`promtool not installed; to test: cd ${out} && promtool test rules tests/*.yml`);
  else {
    console.log(`promtool test rules FAILED:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    process.exitCode = 1;
  }
}

// 5. The budgets as gauges on /metrics: the rules compare spend with burnrate_budget_limit_usd.
const burnrate = await setupBurnrate({
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
  priceCard: card,
});
const scrape = await (await fetch(burnrate.metricsUrl as string)).text();
console.log(`\n${burnrate.metricsUrl}:`);
for (const l of scrape.split('\n').filter((l) => l.startsWith('burnrate_budget_limit_usd{')))
  console.log(`  ${l}`);
await burnrate.shutdown();

// 6. A bad card is rejected with every problem, its path and the fix.
const bad = `budgets:
  - name: search monthly
    amount: 10k
    window: 30 days
    thresholds: [80]
gpu:
  h100: { spot: -2 }
`;
try {
  parsePriceCard(bad, 'bad-card.yaml');
  console.log('\nthe bad card loaded?!');
  process.exitCode = 1;
} catch (error) {
  if (!(error instanceof PriceCardError)) throw error;
  console.log(`\na bad card:\n${bad.replace(/^/gm, '  ')}\n${error.message}`);
}

// 7. Budgets that act: enforce-card.yaml blocks search calls and downgrades chat calls that do not fit.
const sim = await startSimulator();
const enforcing = await setupBurnrate({
  prometheus: { port: 0 },
  priceCard: fileURLToPath(new URL('./enforce-card.yaml', import.meta.url)),
});
const openai = enforcing.instrumentOpenAI(new OpenAI({ baseURL: sim.url, apiKey: 'sk-test', maxRetries: 0 }));
const ask = (feature: string, question: string) =>
  withAttributes({ feature }, () =>
    openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: question }],
      max_tokens: 20,
    }),
  );
console.log('\nbudgets that act (enforce-card.yaml), 4 search calls and 4 chat calls to gpt-4o:');
const blocked: string[] = [];
for (let i = 1; i <= 4; i++) {
  try {
    await ask('search', `Search question ${i}: where is my order?`);
    console.log(`  search call ${i}: sent (simulator requests so far: ${sim.ledger().requests.length})`);
  } catch (error) {
    if (!(error instanceof BudgetExceededError)) throw error;
    blocked.push(error.budget);
    console.log(
      `  search call ${i}: BudgetExceededError: budget ${error.budget} spent $${error.spentUsd.toFixed(6)} of $${error.limitUsd}, resets ${error.resetsAt.toISOString()}; not sent (simulator requests so far: ${sim.ledger().requests.length})`,
    );
  }
}
const sentModels: string[] = [];
for (let i = 1; i <= 4; i++) {
  const reply = await ask('chat', `Chat question ${i}: tell me about returns.`);
  sentModels.push(sim.ledger().requests.at(-1)?.model ?? '?');
  console.log(`  chat call ${i}: asked for gpt-4o, served by ${reply.model}`);
}
const enforced = await (await fetch(enforcing.metricsUrl as string)).text();
for (const l of enforced
  .split('\n')
  .filter((l) => /^burnrate_budget_(decisions_total|spent_usd|remaining_usd)\{/.test(l)))
  console.log(`  ${l}`);
const report = enforcing.costs.report();
for (const b of report.budgets) {
  const e = b.enforcement;
  if (e)
    console.log(
      `  report: ${b.name} [${e.action}] ${e.blocked.calls} blocked ($${e.blocked.usd.toFixed(6)} not spent), ${e.downgraded.calls} downgraded ($${e.downgraded.usd.toFixed(6)} saved)`,
    );
}
await enforcing.shutdown();
await sim.close();

console.log(
  `summary: ${JSON.stringify({ budgets: card.budgets.map((b) => b.name), files: files.map((f) => f.path), out, enforcement: { blocked, sentModels } })}`,
);
