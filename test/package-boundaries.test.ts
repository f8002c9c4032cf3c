import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const root = new URL('../packages/', import.meta.url);
const manifests: Manifest[] = readdirSync(root).map(
  (dir) => JSON.parse(readFileSync(new URL(`${dir}/package.json`, root), 'utf8')) as Manifest,
);
const byName = new Map(manifests.map((m) => [m.name, m]));
const runtimeDeps = (name: string): string[] => Object.keys(byName.get(name)?.dependencies ?? {}).sort();

describe('package boundaries follow the data flow', () => {
  it('imports only downwards: cli -> node -> {rules, cost-processor} -> sdk -> semconv', () => {
    const burnrate = (name: string): string[] => runtimeDeps(name).filter((d) => d.startsWith('@burnrate/'));
    expect(burnrate('@burnrate/semconv')).toEqual([]);
    expect(burnrate('@burnrate/sdk')).toEqual(['@burnrate/semconv']);
    expect(burnrate('@burnrate/cost-processor')).toEqual(['@burnrate/sdk', '@burnrate/semconv']);
    expect(burnrate('@burnrate/rules')).toEqual(['@burnrate/sdk', '@burnrate/semconv']);
    expect(burnrate('@burnrate/node')).toEqual([
      '@burnrate/cost-processor',
      '@burnrate/sdk',
      '@burnrate/semconv',
    ]);
  });

  it('keeps @burnrate/semconv free of dependencies', () => {
    expect(byName.get('@burnrate/semconv')?.dependencies ?? {}).toEqual({});
    expect(byName.get('@burnrate/semconv')?.peerDependencies ?? {}).toEqual({});
  });

  it('lets only @burnrate/node depend on the OpenTelemetry SDK, resources and exporters', () => {
    for (const m of manifests) {
      const otel = runtimeDeps(m.name).filter((d) => d.startsWith('@opentelemetry/'));
      if (m.name === '@burnrate/node') {
        expect(otel).toEqual([
          '@opentelemetry/exporter-metrics-otlp-http',
          '@opentelemetry/exporter-prometheus',
          '@opentelemetry/resources',
          '@opentelemetry/sdk-metrics',
        ]);
      } else if (m.name === '@burnrate/cli') {
        // An application, not a library: it brings the api its libraries load.
        expect(otel).toEqual(['@opentelemetry/api']);
      } else {
        expect([m.name, otel]).toEqual([m.name, []]);
      }
    }
  });

  it('keeps @opentelemetry/api a peer, never a dependency, of the libraries', () => {
    for (const name of ['@burnrate/sdk', '@burnrate/cost-processor', '@burnrate/node']) {
      expect([name, byName.get(name)?.peerDependencies?.['@opentelemetry/api'] !== undefined]).toEqual([
        name,
        true,
      ]);
    }
  });

  it('keeps the Grafana SDK out of the runtime packages (only @burnrate/rules generates dashboards)', () => {
    const withGrafana = manifests
      .filter((m) => runtimeDeps(m.name).includes('@grafana/grafana-foundation-sdk'))
      .map((m) => m.name);
    expect(withGrafana).toEqual(['@burnrate/rules']);
  });
});

describe('the public API of @burnrate/cost-processor', () => {
  const index = readFileSync(new URL('cost-processor/src/index.ts', root), 'utf8');

  it('lists what a user imports by name, at most 40 names and no export *; compare has its own entry point', () => {
    expect(index).not.toMatch(/export \*/);
    const names = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
      (m[1] as string)
        .split(',')
        .map((n) => n.trim().replace(/^type /, ''))
        .filter(Boolean),
    );
    expect(new Set(names).size).toBe(names.length);
    // 40: issue 8 set 35; budgets that act added their error and report types. `burnrate compare`'s
    // computation went to `@burnrate/cost-processor/compare` instead of growing this list.
    expect(names.length).toBeLessThanOrEqual(40);
    for (const name of [
      'createCostProcessor',
      'loadPriceCard',
      'PriceCardError',
      'buildReport',
      'requiredInstances',
    ]) {
      expect(names).toContain(name);
    }
  });
});
