/**
 * Regenerates docker/prometheus/rules, docker/prometheus/tests, docker/grafana/dashboards and the
 * Grafana alert provisioning from docker/prometheus/price-card.example.yaml (or the card given as the
 * first argument). Usage: pnpm tsx scripts/generate-docker-assets.ts [card.yaml]
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_DIRS, REPO_ROOT, renderDockerAssets } from './docker-assets.js';

const files = renderDockerAssets(process.argv[2]);
for (const dir of GENERATED_DIRS) {
  mkdirSync(join(REPO_ROOT, dir), { recursive: true });
  for (const name of readdirSync(join(REPO_ROOT, dir))) {
    if (!files.has(`${dir}/${name}`)) rmSync(join(REPO_ROOT, dir, name));
  }
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(REPO_ROOT, path)), { recursive: true });
  writeFileSync(join(REPO_ROOT, path), content);
}
console.log(`wrote ${files.size} files`);
