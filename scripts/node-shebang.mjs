// Build step: a bin runs from source with `#!/usr/bin/env -S node --import tsx`; its built copy
// must start with a plain node shebang. Usage: node scripts/node-shebang.mjs dist/bin.js
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

for (const file of process.argv.slice(2)) {
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^#!.*/, '#!/usr/bin/env node'));
  chmodSync(file, 0o755);
}
