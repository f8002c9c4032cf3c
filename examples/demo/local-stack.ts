import { execFileSync } from 'node:child_process';
import type { Budget } from '@burnrate/cost-processor';
import { generatePrometheusRules } from '@burnrate/rules';
import {
  localAlertmanagerConfig,
  localPrometheusConfig,
  type RunningAlertmanager,
  type RunningPrometheus,
  startAlertmanager,
  startPrometheus,
  startWebhookReceiver,
  type WebhookAlert,
  type WebhookReceiver,
  waitFor,
} from '../../docker/test/harness/index.js';

/** Prometheus, Alertmanager and a webhook receiver, started for the demo on 127.0.0.1. */
export interface LocalStack {
  prometheus: RunningPrometheus;
  alertmanager: RunningAlertmanager;
  webhook: WebhookReceiver;
  /**
   * Waits until Prometheus scrapes the target (up), so that spend from the first call on is inside
   * its `increase()`; stops the stack and throws when it does not within the harness' timeout.
   */
  waitForTarget(): Promise<void>;
  /** Waits (up to `timeoutMs`) for budget alerts delivered to the webhook, and returns them. */
  deliveredBudgetAlerts(timeoutMs: number): Promise<Array<WebhookAlert & { receiver: string }>>;
  stop(): Promise<void>;
}

const BINARIES = ['prometheus', 'prometheus-alertmanager'];

/** Names the binaries that are not on PATH (empty when the stack can start). */
export function missingBinaries(): string[] {
  return BINARIES.filter((b) => {
    try {
      execFileSync('sh', ['-c', `command -v ${b}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Starts Alertmanager (routing as docker/alertmanager/alertmanager.yml, to a local webhook) and
 * Prometheus scraping `metricsUrl` with the rules generated from `budgets`, and waits until
 * Prometheus lists the target (its discovery takes about 5 s), up or not. The demo starts the stack
 * before burnrate, so those seconds are not in the report's period, then calls
 * {@link LocalStack.waitForTarget} (one scrape interval, 1 s).
 */
export async function startLocalStack(metricsUrl: string, budgets: readonly Budget[]): Promise<LocalStack> {
  const webhook = await startWebhookReceiver();
  const alertmanager = await startAlertmanager({ config: localAlertmanagerConfig(webhook.url) });
  const rules = generatePrometheusRules([...budgets], { job: 'burnrate' });
  const prometheus = await startPrometheus({
    config: localPrometheusConfig([new URL(metricsUrl).host], new URL(alertmanager.url).host),
    files: new Map(rules.files.map((f) => [f.path, f.content])),
  });
  const stop = async (): Promise<void> => {
    await Promise.allSettled([prometheus.stop(), alertmanager.stop(), webhook.close()]);
  };
  try {
    await waitFor(async () => (await prometheus.targets()).length > 0, {
      what: 'Prometheus to discover the demo target',
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    prometheus,
    alertmanager,
    webhook,
    async waitForTarget() {
      try {
        await waitFor(async () => (await prometheus.targets()).some((t) => t.health === 'up'), {
          what: 'Prometheus to scrape the demo',
        });
      } catch (err) {
        await stop();
        throw err;
      }
    },
    async deliveredBudgetAlerts(timeoutMs) {
      const budgetAlerts = () =>
        webhook.deliveries.flatMap((d) =>
          d.payload.alerts
            .filter((a) => a.status === 'firing' && a.labels['burnrate_budget'])
            .map((a) => ({ ...a, receiver: d.payload.receiver })),
        );
      try {
        await waitFor(() => budgetAlerts().length > 0, { what: 'a budget alert at the webhook', timeoutMs });
      } catch {
        // No budget crossed: report what arrived (nothing), not an error.
      }
      return budgetAlerts();
    },
    stop,
  };
}
