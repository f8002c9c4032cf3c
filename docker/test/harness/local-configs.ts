import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './replica.js';
import { parseYaml, stringifyYaml } from './yaml.js';

/**
 * The committed Alertmanager config (docker/alertmanager/alertmanager.yml) with its webhook URLs
 * pointed at `webhookUrl` (keeping each receiver's path) and 1 s grouping, for local runs.
 */
export function localAlertmanagerConfig(webhookUrl: string): string {
  const cfg = parseYaml(readFileSync(join(REPO_ROOT, 'docker/alertmanager/alertmanager.yml'), 'utf8')) as {
    route: Record<string, unknown> & { routes?: Array<Record<string, unknown>> };
    receivers: Array<{ name: string; webhook_configs?: Array<{ url: string }> }>;
  };
  Object.assign(cfg.route, { group_wait: '1s', group_interval: '1s' });
  for (const r of cfg.receivers) {
    for (const w of r.webhook_configs ?? []) w.url = `${webhookUrl}${new URL(w.url).pathname}`;
  }
  return stringifyYaml(cfg);
}

/**
 * The committed Prometheus config (docker/prometheus/prometheus.yml) scraping `targets` as job
 * `burnrate`, with 1 s scrape and evaluation intervals and `alertmanager` (host:port) as its
 * Alertmanager, for local runs.
 */
export function localPrometheusConfig(targets: string[], alertmanager: string): string {
  const cfg = parseYaml(readFileSync(join(REPO_ROOT, 'docker/prometheus/prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  cfg.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  cfg.alerting.alertmanagers = [{ static_configs: [{ targets: [alertmanager] }] }];
  cfg.scrape_configs = cfg.scrape_configs
    .filter((s) => s.job_name === 'burnrate')
    .map((s) => ({ ...s, static_configs: [{ targets }] }));
  return stringifyYaml(cfg);
}
