import { createNoopMeter, type MeterProvider } from '@opentelemetry/api';

/**
 * True when `provider` hands out OpenTelemetry's no-op meter: the global provider when nobody
 * registered one. The api exports no way to ask, so compare meter classes with a fresh no-op meter.
 */
export function isNoopMeterProvider(provider: MeterProvider): boolean {
  try {
    return provider.getMeter('@burnrate/sdk/probe').constructor === createNoopMeter().constructor;
  } catch {
    return false;
  }
}
