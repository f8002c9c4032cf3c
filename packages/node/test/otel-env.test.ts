import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BurnrateError } from '@burnrate/sdk';
import { METRIC } from '@burnrate/semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { setupBurnrate } from '../src/index.js';
import { collector, type OtlpBody, type Received, scrape } from './helpers.js';

const VARS = [
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_METRIC_EXPORT_INTERVAL',
] as const;

afterEach(() => {
  for (const v of VARS) delete process.env[v];
});

const resourceAttr = (body: OtlpBody, key: string): string | undefined =>
  body.resourceMetrics[0]?.resource.attributes.find((a) => a.key === key)?.value.stringValue;

const revenuePoint = (body: OtlpBody): number | undefined =>
  body.resourceMetrics
    .flatMap((r) => r.scopeMetrics)
    .flatMap((s) => s.metrics)
    .find((m) => m.name === METRIC.revenue)?.sum?.dataPoints[0]?.asDouble;

describe('setupBurnrate follows the OpenTelemetry environment', () => {
  it('pushes OTLP to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics with OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', async () => {
    const c = await collector();
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = c.base;
    process.env['OTEL_EXPORTER_OTLP_HEADERS'] = 'x-tenant-key=abc123';
    process.env['OTEL_SERVICE_NAME'] = 'checkout-api';
    process.env['OTEL_RESOURCE_ATTRIBUTES'] = 'deployment.environment.name=prod,service.version=1.4.2';
    const br = await setupBurnrate({ prometheus: false });
    try {
      br.recorder.revenue.add(4.5);
      await br.forceFlush();
      const last = c.received.at(-1) as Received;
      expect(last.path).toBe('/v1/metrics');
      expect(last.headers['x-tenant-key']).toBe('abc123');
      expect(resourceAttr(last.body, 'service.name')).toBe('checkout-api');
      expect(resourceAttr(last.body, 'deployment.environment.name')).toBe('prod');
      expect(resourceAttr(last.body, 'service.version')).toBe('1.4.2');
      expect(revenuePoint(last.body)).toBe(4.5);
    } finally {
      await br.shutdown();
      c.close();
    }
  });

  it('uses OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as is, over the base endpoint', async () => {
    const c = await collector();
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = 'http://127.0.0.1:1';
    process.env['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'] = `${c.base}/custom/metrics`;
    const br = await setupBurnrate({ prometheus: false });
    try {
      br.recorder.revenue.add(1);
      await br.forceFlush();
      expect(c.received.map((r) => r.path)).toEqual(['/custom/metrics']);
    } finally {
      await br.shutdown();
      c.close();
    }
  });

  it('lets explicit options win over the environment: serviceName, otlp.url, and otlp: false', async () => {
    const c = await collector();
    const unused = await collector();
    process.env['OTEL_SERVICE_NAME'] = 'from-env';
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = unused.base;
    const br = await setupBurnrate({
      prometheus: false,
      serviceName: 'from-options',
      otlp: { url: `${c.base}/v1/metrics` },
    });
    const off = await setupBurnrate({ prometheus: false, otlp: false });
    try {
      br.recorder.revenue.add(2);
      off.recorder.revenue.add(2);
      await br.forceFlush();
      await off.forceFlush();
      expect(c.received).toHaveLength(1);
      expect(resourceAttr((c.received[0] as Received).body, 'service.name')).toBe('from-options');
      expect(unused.received).toEqual([]);
    } finally {
      await br.shutdown();
      await off.shutdown();
      c.close();
      unused.close();
    }
  });

  it('names OTEL_SERVICE_NAME on the Prometheus target_info series', async () => {
    process.env['OTEL_SERVICE_NAME'] = 'search-api';
    const br = await setupBurnrate({ prometheus: { port: 0 } });
    try {
      const info = (await scrape(br.metricsUrl as string)).find((s) => s.name === 'target_info');
      expect(info?.labels['service_name']).toBe('search-api');
    } finally {
      await br.shutdown();
    }
  });

  it('refuses an OTEL_METRIC_EXPORT_INTERVAL that is not a positive whole number, naming the variable and the fix', async () => {
    process.env['OTEL_METRIC_EXPORT_INTERVAL'] = '15s';
    const attempt = setupBurnrate({ prometheus: false });
    await expect(attempt).rejects.toBeInstanceOf(BurnrateError);
    await expect(attempt).rejects.toThrow(
      'OTEL_METRIC_EXPORT_INTERVAL: expected a positive whole number of milliseconds, got "15s" — fix: write e.g. 60000, or unset it (default 60000)',
    );
  });

  it('refuses an invalid price card before it takes the port', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const bad = { budgets: [{ name: 'x', amount: '10k', window: '30d' }] } as never;
    await expect(setupBurnrate({ priceCard: bad, prometheus: { port } })).rejects.toThrow(
      /budgets\[0\]\.amount/,
    );
    // The port is still free: nothing was left listening.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });
});
