#!/usr/bin/env -S node --import tsx
/**
 * The `burnrate` command. Usage: `burnrate <report|capacity|price|rules|check> [options]`; see
 * `burnrate --help`.
 */
import { main } from './program.js';

// `burnrate ... | head`: a reader that stops early is not an error (no EPIPE stack trace).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv);
