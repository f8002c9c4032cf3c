import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/** A `/metrics` server of burnrate's own and the URL to scrape it at. */
export interface ServedMetrics {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves the exporter's scrape handler at `endpoint` (port 0 = a free port; the exporter treats 0 as unset). */
export async function serveMetrics(
  exporter: PrometheusExporter,
  host: string,
  port: number,
  endpoint: string,
): Promise<ServedMetrics> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === endpoint) {
      exporter.getMetricsRequestHandler(req, res);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}${endpoint}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
