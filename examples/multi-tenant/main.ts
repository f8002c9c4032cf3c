import { startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { withAttributes } from '@burnrate/sdk';
import OpenAI from 'openai';

const MODEL = 'gpt-4o';
const MAX_VALUES = 5;
// Tenant → users and calls per user. 12 users in all, more than the cap of 5.
const TENANTS = {
  acme: { users: 6, callsPerUser: 3 },
  globex: { users: 4, callsPerUser: 2 },
  initech: { users: 2, callsPerUser: 1 },
};

const real = Boolean(process.env['OPENAI_BASE_URL'] || process.env['OPENAI_API_KEY']);
const sim = real ? undefined : await startSimulator();
const client = new OpenAI(sim ? { baseURL: sim.url, apiKey: 'sk-simulator' } : {});
console.log(`backend: ${sim ? `local simulator at ${sim.url}` : client.baseURL}`);

const burnrate = await setupBurnrate({
  prometheus: { port: Number(process.env['BURNRATE_PORT'] ?? 0) },
  // Low on purpose, to show the guard at work (the default is 100 values per attribute).
  cardinality: { maxValuesPerAttribute: MAX_VALUES },
  priceCard: { providers: sim ? { [new URL(sim.url).hostname]: 'openai' } : {} },
});
const cost = burnrate.costs;
const openai = burnrate.instrumentOpenAI(client);

// Round-robin over tenants and users, as traffic would interleave.
const calls: { tenant: string; user: string; feature: string }[] = [];
for (let round = 0; round < 6; round++) {
  for (const [tenant, t] of Object.entries(TENANTS)) {
    if (round >= t.users) continue;
    for (let c = 0; c < t.callsPerUser; c++) {
      calls.push({ tenant, user: `${tenant}-u${round + 1}`, feature: c % 2 === 0 ? 'search' : 'chat' });
    }
  }
}
for (const attrs of calls) {
  // Everything inside withAttributes — here one call — is attributed to this feature, tenant and user.
  await withAttributes(attrs, () =>
    openai.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: `${attrs.feature} request from ${attrs.user}: find my last invoice` },
      ],
      max_tokens: 400,
    }),
  );
}
const usersSeen = new Set(calls.map((c) => c.user)).size;
console.log(
  `${calls.length} calls from ${Object.keys(TENANTS).length} tenants and ${usersSeen} users (cardinality cap: ${MAX_VALUES} values per attribute)\n`,
);

/** Dollars to a hundredth of a cent: single calls cost fractions of a cent. */
const formatUsd = (usd: number) => `$${usd.toFixed(4)}`;

// Read the numbers back the way Prometheus would: scrape /metrics and sum by label.
interface Sample {
  labels: Record<string, string>;
  value: number;
}
const text = await (await fetch(burnrate.metricsUrl as string)).text();
const samples = (metric: string): Sample[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`))
    .map((l) => ({
      labels: Object.fromEntries([...l.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])),
      value: Number(l.slice(l.lastIndexOf(' ') + 1)),
    }));
const sumBy = (metric: string, label: string): Map<string, number> => {
  const out = new Map<string, number>();
  for (const s of samples(metric)) {
    const key = s.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
};

const usdByTenant = sumBy('burnrate_cost_usd_total', 'tenant');
const inputByTenant = sumBy('gen_ai_client_inference_usage_input_tokens_total', 'tenant');
const outputByTenant = sumBy('gen_ai_client_inference_usage_output_tokens_total', 'tenant');
const callsByTenant = sumBy('burnrate_request_cost_usd_count', 'tenant');
const usdByUser = sumBy('burnrate_cost_usd_total', 'user');
const usdByFeature = sumBy('burnrate_cost_usd_total', 'feature');

console.log('cost by tenant  (sum by (tenant) (burnrate_cost_usd_total))');
console.log('  tenant    calls  input tok  output tok      USD');
for (const [tenant, usd] of [...usdByTenant].sort((a, b) => b[1] - a[1])) {
  console.log(
    `  ${tenant.padEnd(8)} ${String(callsByTenant.get(tenant)).padStart(6)} ${String(inputByTenant.get(tenant)).padStart(10)} ${String(outputByTenant.get(tenant)).padStart(11)} ${formatUsd(usd).padStart(8)}`,
  );
}
console.log('\ncost by feature');
for (const [feature, usd] of [...usdByFeature].sort())
  console.log(`  ${feature.padEnd(8)} ${formatUsd(usd).padStart(8)}`);
console.log(
  `\ncost by user: ${usdByUser.size} label values for ${usersSeen} users — the guard kept the first ${MAX_VALUES} it saw, the rest are "other"`,
);
for (const [user, usd] of [...usdByUser].sort())
  console.log(`  ${user.padEnd(11)} ${formatUsd(usd).padStart(8)}`);

const report = cost.report();
function round9(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
console.log(
  `\ntotal: ${formatUsd(report.totalUsd)} (ledger), ${formatUsd([...usdByTenant.values()].reduce((a, b) => a + b, 0))} (scrape)`,
);

const summary = {
  calls: calls.length,
  usersSeen,
  userLabelValues: [...usdByUser.keys()].sort(),
  tenants: Object.fromEntries(
    [...usdByTenant.keys()].sort().map((t) => [
      t,
      {
        calls: callsByTenant.get(t),
        input: inputByTenant.get(t),
        output: outputByTenant.get(t),
        usd: round9(usdByTenant.get(t) ?? 0),
      },
    ]),
  ),
  totalUsd: round9(report.totalUsd),
};
console.log(`summary: ${JSON.stringify(summary)}`);

await burnrate.shutdown();
await sim?.close();
