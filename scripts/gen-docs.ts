/** Writes the generated docs (`pnpm run gen:docs`): the metric reference from the metric contract. */
import { writeFileSync } from 'node:fs';
import { renderMetricReference } from '@burnrate/semconv';

const target = new URL('../docs/metrics.md', import.meta.url);
writeFileSync(target, renderMetricReference());
console.log(`wrote ${target.pathname}`);
