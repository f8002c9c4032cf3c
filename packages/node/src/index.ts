/**
 * `@burnrate/node`: one call sets burnrate up in a Node service — the MeterProvider, the Prometheus
 * endpoint and/or OTLP, the usage recorder and the cost processor — following OpenTelemetry's
 * `OTEL_*` environment conventions. The only burnrate package that depends on the OpenTelemetry SDK.
 */

export { type Burnrate, type SetupOptions, setupBurnrate } from './setup-burnrate.js';
