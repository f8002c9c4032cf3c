/**
 * Renders every generated file under docker/ from the example price card, so the generator script
 * and the drift test produce byte-identical output from one place.
 */
import { fileURLToPath } from 'node:url';
import { loadPriceCard } from '@burnrate/cost-processor';
import { ARTIFACT_PATHS, renderArtifacts } from '@burnrate/rules';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The example price card the committed docker assets are generated from (relative to the root). */
export const EXAMPLE_CARD = 'docker/prometheus/price-card.example.yaml';

/** Options used for the committed assets (the Prometheus job of docker/prometheus/prometheus.yml). */
export const ASSET_OPTIONS = {
  job: 'burnrate',
  dashboardUrl: 'http://localhost:3000/d/burnrate-budgets/burnrate-budgets',
  datasourceUid: 'burnrate-prometheus',
};

/** Where each artifact directory of `renderArtifacts` lives under docker/. */
const DOCKER_PLACES: ReadonlyArray<readonly [string, string]> = [
  [ARTIFACT_PATHS.rules, 'docker/prometheus/rules/'],
  [ARTIFACT_PATHS.tests, 'docker/prometheus/tests/'],
  ['grafana/', 'docker/grafana/'],
];

/**
 * Every generated file, keyed by its path relative to the repository root: the output of
 * `renderArtifacts` (the same function behind `burnrate rules`) placed where the compose stack
 * mounts it. The scrape-config snippet is left out: docker/prometheus/prometheus.yml is the real one.
 */
export function renderDockerAssets(cardPath = `${REPO_ROOT}${EXAMPLE_CARD}`): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of renderArtifacts(loadPriceCard(cardPath), ASSET_OPTIONS)) {
    const place = DOCKER_PLACES.find(([prefix]) => f.path.startsWith(prefix));
    if (place) files.set(`${place[1]}${f.path.slice(place[0].length)}`, f.content);
  }
  return files;
}

/** The directories whose files are all generated (a stale file there is drift too). */
export const GENERATED_DIRS = [
  'docker/prometheus/rules',
  'docker/prometheus/tests',
  'docker/grafana/dashboards',
];
