import { defineConfig } from 'tsup';

// What publishConfig.exports points at, for `.` (index) and `./compare`: ESM (.js + .d.ts) and
// CommonJS (.cjs + .d.cts). JSON imports (`with { type: 'json' }`) are inlined; dependencies stay external.
export default defineConfig({
  entry: { index: 'src/index.ts', compare: 'src/compare/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  removeNodeProtocol: false,
});
