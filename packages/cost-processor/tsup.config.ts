import { defineConfig } from 'tsup';

// What publishConfig.exports points at: ESM (index.js + index.d.ts) and CommonJS (index.cjs +
// index.d.cts). JSON imports (`with { type: 'json' }`) are inlined; dependencies stay external.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  removeNodeProtocol: false,
});
