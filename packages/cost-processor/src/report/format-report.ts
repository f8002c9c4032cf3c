import { COST_COMPONENTS } from '../internal/ledger/ledger.js';
import { formatEnforcement } from './format-enforcement.js';
import { type CostReport, QUERY_DEFINITION } from './types.js';

/** Formats USD for humans: cents for ≥ $0.01, more digits below. */
export function formatUsd(usd: number): string {
  const abs = Math.abs(usd);
  // Cents from a cent up; below, enough decimals for two significant digits, so a single cheap
  // call never prints as $0.00 (that would read as free).
  const digits = abs === 0 || abs >= 0.01 ? 2 : Math.min(12, Math.max(4, Math.ceil(-Math.log10(abs)) + 1));
  return `${usd < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A period for people: seconds under 2 minutes, minutes under 2 hours, then hours. */
function formatPeriod(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders a {@link CostReport} as a readable plain-text (terminal) report. */
export function formatReport(report: CostReport): string {
  const out: string[] = [];
  out.push('burnrate cost report (USD)');
  out.push(
    `period: ${new Date(report.fromMs).toISOString()} → ${new Date(report.toMs).toISOString()} (${formatPeriod(report.toMs - report.fromMs)})`,
  );
  out.push(`total: ${formatUsd(report.totalUsd)}`);
  if (report.projectedMonthlyUsd !== undefined) {
    out.push(
      `at this rate: ${formatUsd(report.projectedMonthlyUsd)} per 30-day month (${formatUsd(report.totalUsd)} over the ${formatPeriod(report.toMs - report.fromMs)} of the period)`,
    );
  }
  out.push('');
  out.push(
    table(
      ['component', 'USD', 'share'],
      COST_COMPONENTS.map((c) => [
        c,
        formatUsd(report.components[c].usd),
        `${(report.components[c].share * 100).toFixed(1)} %`,
      ]),
    ),
  );
  out.push('');
  out.push(`queries: ${report.queries} (${QUERY_DEFINITION})`);
  out.push(
    `failed calls: ${report.failedCalls} (ended with an error: not queries; what the provider billed for them is in the total)`,
  );
  if (report.costPerQueryUsd !== undefined) out.push(`cost per query: ${formatUsd(report.costPerQueryUsd)}`);
  if (report.fullyLoadedCostPerQueryUsd !== undefined) {
    out.push(`cost per query incl. fixed: ${formatUsd(report.fullyLoadedCostPerQueryUsd)}`);
  }
  const t = report.tokens;
  out.push(
    `tokens: input ${t.input} (cache read ${t.cacheRead}, cache write ${t.cacheWrite}), output ${t.output} (reasoning ${t.reasoning})`,
  );
  if (report.models.length > 0) {
    // The failed column only when a call failed, so a report without failures stays narrow.
    const anyFailed = report.models.some((m) => m.failedCalls > 0);
    out.push('');
    out.push(
      table(
        ['model', 'queries', ...(anyFailed ? ['failed'] : []), 'input tok', 'output tok', 'USD'],
        report.models.map((m) => [
          `${m.provider}/${m.model}`,
          String(m.queries),
          ...(anyFailed ? [String(m.failedCalls)] : []),
          String(m.inputTokens),
          String(m.outputTokens),
          modelUsd(m),
        ]),
      ),
    );
  }
  if (report.gpus.length > 0) {
    out.push('');
    out.push(
      table(
        ['gpu', 'market', 'GPU-hours', '$/h', 'USD'],
        report.gpus.map((g) => {
          const { hours, usdPerHour } = gpuRow(g.gpuSeconds, g.usd, g.usdPerHour);
          return [g.gpu, g.market, hours, usdPerHour, formatUsd(g.usd)];
        }),
      ),
    );
  }
  const strategies = Object.entries(report.savings.byStrategy);
  if (strategies.length > 0) {
    out.push('');
    out.push(`savings: ${formatUsd(report.savings.totalUsd)}`);
    out.push(
      table(
        ['strategy', 'USD saved'],
        strategies.map(([s, usd]) => [s, formatUsd(usd)]),
      ),
    );
  }
  if (report.unpriced.length > 0) {
    out.push('');
    out.push('UNPRICED usage (not included in the total):');
    out.push(
      table(
        ['subject', 'reason', 'amount'],
        report.unpriced.map((u) => [u.subject, u.reason, `${u.amount} ${u.unit}`]),
      ),
    );
    for (const u of report.unpriced) out.push(`  ${u.subject}: ${u.detail}`);
  }
  if (report.revenueUsd !== undefined) {
    out.push('');
    out.push(`revenue: ${formatUsd(report.revenueUsd)}`);
    if (report.roiPercent !== undefined) out.push(`ROI: ${report.roiPercent.toFixed(1)} %`);
  }
  if (report.budgets.length > 0) {
    out.push('');
    out.push(
      table(
        ['budget', 'scope', 'spent', 'amount', 'used', 'at this rate', 'crossed'],
        report.budgets.map((b) => [
          b.name,
          Object.entries(b.scope)
            .map(([k, v]) => `${k}=${v}`)
            .join(',') || 'all',
          formatUsd(b.spentUsd),
          `${formatUsd(b.amountUsd)}/${b.window}`,
          `${(b.share * 100).toFixed(1)} %`,
          b.withinWindow ? `${formatUsd(b.projectedUsd)}/${b.window}` : 'n/a (period > window)',
          b.crossed.map((t) => `${Math.round(t * 100)} %`).join(', ') || '—',
        ]),
      ),
    );
    out.push(...formatEnforcement(report.budgets, formatUsd));
  }
  if (report.recommendations.length > 0) {
    out.push('');
    out.push('recommendations:');
    report.recommendations.forEach((r, i) => {
      const usd =
        r.estimatedMonthlySavingsUsd !== undefined
          ? ` (saves ~${formatUsd(r.estimatedMonthlySavingsUsd)}/month)`
          : r.estimatedSavingsUsd !== undefined
            ? ` (saves ~${formatUsd(r.estimatedSavingsUsd)})`
            : '';
      out.push(`  ${i + 1}. [${r.rule}] ${r.action}${usd}`);
      if (r.basis) out.push(`     basis: ${r.basis}`);
    });
  }
  out.push('');
  out.push(priceCardLine(report.priceCard));
  return out.join('\n');
}

/**
 * A model's USD cell: its dollars, `UNPRICED`, or both. Calls that failed without a price are not
 * unpriced (nothing was billed), so they do not count as such.
 */
function modelUsd(m: CostReport['models'][number]): string {
  const unpriced = Math.max(0, m.calls - m.failedCalls - m.pricedCalls);
  if (unpriced === 0) return formatUsd(m.usd);
  return m.pricedCalls === 0 ? 'UNPRICED' : `${formatUsd(m.usd)} + ${unpriced} unpriced`;
}

/** Fewest decimals (at least 2, at most `max`) that print `n` as `Number(n.toFixed(d))` does exactly. */
function decimalsOf(n: number, max: number): number {
  for (let d = 2; d < max; d++) if (Number(n.toFixed(d)) === Number(n.toFixed(max))) return d;
  return max;
}

/**
 * A GPU row's GPU-hours and $/h as printed, so that they multiply out to its USD as printed: the
 * rate with the decimals it has (0.52, 0.385), the hours with the fewest decimals (2 or more) for
 * which hours × rate prints as the row's dollars (to the cent, or to the digits formatUsd shows
 * below a cent). The rate is the row's own (USD ÷ hours), which is the card's price.
 */
export function gpuRow(
  gpuSeconds: number,
  usd: number,
  usdPerHourOfCard: number,
): { hours: string; usdPerHour: string } {
  const exactHours = gpuSeconds / 3600;
  const rate = exactHours > 0 ? usd / exactHours : usdPerHourOfCard;
  const rateText = rate.toFixed(decimalsOf(rate, 6));
  const printedRate = Number(rateText);
  const target = formatUsd(usd);
  for (let d = 2; d <= 12; d++) {
    const hoursText = exactHours.toFixed(d);
    if (formatUsd(Number(hoursText) * printedRate) === target)
      return { hours: hoursText, usdPerHour: rateText };
  }
  // Not reachable with a rate of 6 decimals; print the rate in full rather than rows that disagree.
  return { hours: exactHours.toFixed(6), usdPerHour: String(rate) };
}

/** The report's last line: which price card priced its dollars, and how the report knows. */
function priceCardLine(card: CostReport['priceCard']): string {
  const what = `${card.checksum}, catalog @pydantic/genai-prices ${card.catalogVersion}, defaults as of ${card.defaultsAsOf}`;
  if (card.origin === undefined) return `price card ${what}`;
  return card.checksum === ''
    ? `price card: ${card.origin}`
    : `price card: ${card.origin} (checksum ${what})`;
}
