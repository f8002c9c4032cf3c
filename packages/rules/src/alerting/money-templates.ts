/**
 * A Go template (Prometheus and Grafana annotations) printing the dollar amount `valueExpr` as
 * people read money: 2 decimals from $1 up, 4 below (so $0.0055 does not print as `5.5m`, which
 * `humanize` would).
 */
export function usdTemplate(valueExpr: string): string {
  return `{{ if lt ${valueExpr} 1.0 }}{{ printf "%.4f" ${valueExpr} }}{{ else }}{{ printf "%.2f" ${valueExpr} }}{{ end }}`;
}

/** What {@link usdTemplate} prints for `value`; used to predict annotation text in generated rule tests. */
export function formatUsdLikeTemplate(value: number): string {
  return goFixed(value, value < 1 ? 4 : 2);
}

/**
 * Go's `printf "%.Nf"`: like `toFixed`, except that an exact tie rounds half to even (Go: 5.625 →
 * "5.62"; `toFixed`: "5.63"). `toFixed(100)` gives the exact decimal expansion of the double.
 */
function goFixed(value: number, digits: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return value.toFixed(digits);
  const [whole = '', frac = ''] = Math.abs(value).toFixed(100).split('.');
  const rest = frac.slice(digits);
  const tie = rest[0] === '5' && /^0*$/.test(rest.slice(1));
  const kept = `${whole}${frac.slice(0, digits)}`;
  const lastEven = Number(kept.at(-1) ?? '0') % 2 === 0;
  if (!tie || !lastEven) return value.toFixed(digits);
  const text = digits > 0 ? `${whole}.${frac.slice(0, digits)}` : whole;
  return value < 0 ? `-${text}` : text;
}
