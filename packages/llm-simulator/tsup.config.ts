import { rmSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The library as ESM (index.js + index.d.ts) and CommonJS (index.cjs + index.d.cts), and the
// `burnrate-sim` bin as ESM only (dist/bin.js; scripts/node-shebang.mjs makes its shebang plain).
// Two configs run concurrently, so neither uses `clean` (one would delete the other's output):
// dist/ is emptied here, once, before both start.
export default defineConfig(() => {
  rmSync('dist', { recursive: true, force: true });
  const common = { target: 'node20', removeNodeProtocol: false } as const;
  return [
    { ...common, entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true },
    { ...common, entry: ['src/bin.ts'], format: ['esm'] },
  ];
});
