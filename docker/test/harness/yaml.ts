/**
 * YAML for the docker tests, through the cost-processor's `yaml` dependency (docker/ has no
 * node_modules of its own).
 */
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../../packages/cost-processor/package.json', import.meta.url));
const yaml = require('yaml') as {
  parse(text: string): unknown;
  stringify(value: unknown, options?: { lineWidth?: number }): string;
};

/** Parses YAML text. */
export function parseYaml(text: string): unknown {
  return yaml.parse(text);
}

/** Writes YAML text. */
export function stringifyYaml(value: unknown): string {
  return yaml.stringify(value, { lineWidth: 0 });
}
