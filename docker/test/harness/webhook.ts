import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One alert in an Alertmanager webhook payload (version 4). */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** An Alertmanager webhook payload. */
export interface WebhookPayload {
  version: string;
  receiver: string;
  status: 'firing' | 'resolved';
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

/** A local HTTP server that records Alertmanager webhook deliveries. */
export interface WebhookReceiver {
  /** URL to put in `webhook_configs[].url`; the path names the receiver, e.g. `${url}/critical`. */
  readonly url: string;
  /** Deliveries so far, with the request path. */
  readonly deliveries: Array<{ path: string; payload: WebhookPayload }>;
  close(): Promise<void>;
}

/** Starts a webhook receiver on 127.0.0.1 and a free port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Array<{ path: string; payload: WebhookPayload }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      try {
        deliveries.push({ path: req.url ?? '/', payload: JSON.parse(body) as WebhookPayload });
        res.statusCode = 200;
      } catch {
        res.statusCode = 400;
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
