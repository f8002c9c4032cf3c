import { describe, expect, it } from 'vitest';
import { loadPriceCard } from '../src/price-card/load-price-card.js';
import { createCostProcessor } from '../src/processor/create-cost-processor.js';
import { buildReport } from '../src/report/build-report.js';
import { FAILED_CALL_MODELS_LIMIT, FailedCallCounter } from '../src/report/failed-calls.js';
import { formatReport, formatUsd, gpuRow } from '../src/report/format-report.js';
import { gpu, llm, manualClock, micros, testMeter } from './helpers.js';

/** gpt-4 at a flat $0.03 per 1K tokens, GPUs at round prices, one 30-day budget on all spend. */
function processor() {
  const { meterProvider } = testMeter();
  const clock = manualClock();
  const p = createCostProcessor({
    meterProvider,
    clock: clock.now,
    priceCard: {
      models: { 'gpt-4': { per_tokens: 1000, input: 0.03, output: 0.03 } },
      gpu: { a100: { on_demand: 3.43 }, t4: { on_demand: 0.385 } },
      budgets: [{ name: 'all', amount: 1000, window: '30d' }],
    },
  });
  return { processor: p, clock };
}

const failedCall = (errorType: string) =>
  llm('gpt-4', {}, { errorType, usageSource: 'missing', durationS: 0.1 });

/** The GPU table's rows as printed: gpu, market, GPU-hours, $/h, USD. */
function gpuRows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('gpu ') && l.includes('GPU-hours'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/\s+/));
  }
  return rows;
}

describe("the report's words", () => {
  it('counts one query per successful LLM call: failed calls are counted apart, are not queries, and cost per query divides by the queries', () => {
    const { processor: p } = processor();
    for (let i = 0; i < 3; i++) p.onUsage(llm('gpt-4', { input: 10_000 })); // $0.30 each
    p.onUsage(failedCall('429'));
    p.onUsage(failedCall('500'));
    const report = p.report();
    expect(report.queries).toBe(3);
    expect(report.failedCalls).toBe(2);
    expect(micros(report.totalUsd)).toBe(900_000);
    expect(micros(report.costPerQueryUsd ?? 0)).toBe(300_000);
    expect(report.models.map((m) => [m.model, m.calls, m.queries, m.failedCalls])).toEqual([
      ['gpt-4', 5, 3, 2],
    ]);
    const text = formatReport(report);
    expect(text).toContain(
      '\nqueries: 3 (one query = one successful LLM call)\n' +
        'failed calls: 2 (ended with an error: not queries; what the provider billed for them is in the total)\n' +
        'cost per query: $0.30\n',
    );
    expect(text).toContain(
      'model         queries  failed  input tok  output tok    USD\n' +
        '────────────  ───────  ──────  ─────────  ──────────  ─────\n' +
        'openai/gpt-4        3       2      30000           0  $0.90\n',
    );
  });

  it('keeps what a failed call was billed in the total, spread over the queries: $1.20 over 3 queries is $0.40 a query', () => {
    const { processor: p } = processor();
    for (let i = 0; i < 3; i++) p.onUsage(llm('gpt-4', { input: 10_000 }));
    // A stream cut off after the provider reported (and billed) its usage.
    p.onUsage(llm('gpt-4', { input: 10_000 }, { errorType: 'APIConnectionError', streaming: true }));
    const report = p.report();
    expect([report.queries, report.failedCalls]).toEqual([3, 1]);
    expect(micros(report.totalUsd)).toBe(1_200_000);
    expect(micros(report.costPerQueryUsd ?? 0)).toBe(400_000);
  });

  it('says "failed calls: 0" and shows no failed column when no call failed', () => {
    const { processor: p } = processor();
    p.onUsage(llm('gpt-4', { input: 10_000 }));
    const text = formatReport(p.report());
    expect(text).toContain('queries: 1 (one query = one successful LLM call)\nfailed calls: 0 (');
    expect(text).toContain('model         queries  input tok  output tok    USD\n');
  });

  it('keeps the failed-call counts bounded: past 1000 models a failure counts in the total only', () => {
    const counter = new FailedCallCounter();
    for (let i = 0; i < FAILED_CALL_MODELS_LIMIT + 5; i++)
      counter.add(llm(`m-${i}`, {}, { errorType: '429' }));
    counter.add(llm('m-0', {}, { errorType: '429' }));
    counter.add(llm('m-0', {})); // did not fail
    const counts = counter.snapshot();
    expect(counts).toHaveLength(FAILED_CALL_MODELS_LIMIT + 1);
    expect(counts[0]).toEqual({ provider: 'openai', model: 'm-0', calls: 2 });
    expect(counts.at(-1)).toEqual({ provider: '', model: '', calls: 5 });
  });

  it('projects one 30-day month from the period the spend covers, at the rate the budgets project: $0.90 in an hour is $648.00', () => {
    const { processor: p, clock } = processor();
    for (let i = 0; i < 3; i++) p.onUsage(llm('gpt-4', { input: 10_000 }));
    clock.advance(3_600_000);
    const report = p.report();
    expect(report.projectedMonthlyUsd).toBeCloseTo(648, 9);
    expect(report.budgets[0]?.projectedUsd).toBeCloseTo(648, 9);
    const lines = formatReport(report).split('\n');
    expect(lines.slice(2, 4)).toEqual([
      'total: $0.90',
      'at this rate: $648.00 per 30-day month ($0.90 over the 60.0 min of the period)',
    ]);
    // The budget's 30-day column is the same projection.
    expect(lines.find((l) => l.startsWith('all '))).toContain('$648.00/30d');
    expect(lines.filter((l) => l.includes('$648.00'))).toHaveLength(2);
  });

  it('makes no projection from a period of zero (totals whose start is not known)', () => {
    const card = loadPriceCard();
    const report = buildReport(
      card,
      {
        startedAtMs: 1000,
        byComponent: { api: 2, gpu: 0, storage: 0, network: 0, fixed: 0 },
        bySource: { catalog: 2 },
        llmCalls: 4,
        tokens: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
        models: [],
        gpus: [],
        savingsByStrategy: {},
        unpriced: [],
        cacheHits: 0,
        cacheMisses: 0,
      },
      1000,
      [{ provider: 'openai', model: 'gpt-4o', calls: 1 }],
    );
    expect(report.projectedMonthlyUsd).toBeUndefined();
    expect(formatReport(report)).not.toContain('at this rate');
    expect([report.queries, report.failedCalls, report.costPerQueryUsd]).toEqual([3, 1, 2 / 3]);
  });

  it('prints GPU rows whose GPU-hours × $/h give the printed dollars: 0.343 h × $3.43 = $1.18, not 0.34 h', () => {
    const { processor: p } = processor();
    p.onUsage(gpu('a100', 1234)); // 0.34278 h × $3.43 = $1.1757
    p.onUsage(gpu('t4', 7200)); // 2 h × $0.385 = $0.77
    p.onUsage(gpu('l4', 5.886)); // 0.001635 h × $0.80 (default) = $0.0013
    const rows = gpuRows(formatReport(p.report()));
    expect(rows).toEqual([
      ['a100', 'on_demand', '0.343', '3.43', '$1.18'],
      ['t4', 'on_demand', '2.00', '0.385', '$0.77'],
      ['l4', 'on_demand', '0.0016', '0.80', '$0.0013'],
    ]);
    for (const [, , hours, rate, usd] of rows) expect(formatUsd(Number(hours) * Number(rate))).toBe(usd);
  });

  it('prints GPU rows that multiply out for any GPU-seconds and price', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    for (let i = 0; i < 2000; i++) {
      const seconds = 10 ** (random() * 9 - 1); // 0.1 s to 3 years
      const rate = Math.round(random() * 10_000 * 1000) / 1000 + 0.001; // $0.001 to $10,000 per hour
      const usd = (seconds / 3600) * rate;
      const row = gpuRow(seconds, usd, rate);
      expect([seconds, rate, formatUsd(Number(row.hours) * Number(row.usdPerHour))]).toEqual([
        seconds,
        rate,
        formatUsd(usd),
      ]);
      expect(Number(row.usdPerHour)).toBeCloseTo(rate, 9);
    }
  });

  it('names the card that priced its dollars, and where a report built elsewhere took it from', () => {
    const { processor: p } = processor();
    const report = p.report();
    const { checksum, catalogVersion, defaultsAsOf } = report.priceCard;
    const last = (r: typeof report): string | undefined => formatReport(r).split('\n').at(-1);
    expect(last(report)).toBe(
      `price card ${checksum}, catalog @pydantic/genai-prices ${catalogVersion}, defaults as of ${defaultsAsOf}`,
    );
    expect(last({ ...report, priceCard: { ...report.priceCard, origin: 'as served by the app' } })).toBe(
      `price card: as served by the app (checksum ${checksum}, catalog @pydantic/genai-prices ${catalogVersion}, defaults as of ${defaultsAsOf})`,
    );
    expect(
      last({
        ...report,
        priceCard: { checksum: '', catalogVersion: '', defaultsAsOf: '', origin: 'not known' },
      }),
    ).toBe('price card: not known');
  });
});
