import { defineConfig } from 'tsup';

// ESM only: the `burnrate` bin (dist/bin.js, its shebang made plain by scripts/node-shebang.mjs)
// and the in-process API (dist/index.js + index.d.ts), which share one chunk. No CommonJS build:
// a CLI is run, not required; CommonJS callers use `await import('@burnrate/cli')`.
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'node20',
  removeNodeProtocol: false,
});
