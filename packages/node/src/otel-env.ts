import { BurnrateError } from '@burnrate/sdk';

/** The `OTEL_*` settings burnrate reads itself (the OTLP exporter reads its endpoint and headers). */
export interface OtelEnv {
  /** An OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT` or `..._METRICS_ENDPOINT`). */
  otlpConfigured: boolean;
  /** `OTEL_METRIC_EXPORT_INTERVAL` in ms, when set. */
  exportIntervalMs: number | undefined;
}

/**
 * Reads the OpenTelemetry environment variables setup needs to decide on (whether to export OTLP,
 * how often). Endpoint, headers, service name and resource attributes are read by the exporter and
 * the resource detector themselves, exactly as the OpenTelemetry SDK reads them.
 *
 * @throws BurnrateError for an `OTEL_METRIC_EXPORT_INTERVAL` that is not a positive whole number.
 */
export function readOtelEnv(env: NodeJS.ProcessEnv = process.env): OtelEnv {
  const present = (name: string): boolean => (env[name] ?? '').trim() !== '';
  const interval = env['OTEL_METRIC_EXPORT_INTERVAL']?.trim();
  let exportIntervalMs: number | undefined;
  if (interval) {
    exportIntervalMs = Number(interval);
    if (!Number.isInteger(exportIntervalMs) || exportIntervalMs <= 0) {
      throw new BurnrateError(
        `OTEL_METRIC_EXPORT_INTERVAL: expected a positive whole number of milliseconds, got ${JSON.stringify(interval)} — fix: write e.g. 60000, or unset it (default 60000)`,
      );
    }
  }
  return {
    otlpConfigured: present('OTEL_EXPORTER_OTLP_ENDPOINT') || present('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'),
    exportIntervalMs,
  };
}
