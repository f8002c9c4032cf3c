#!/usr/bin/env -S node --import tsx
/**
 * The `burnrate` command. Usage: `burnrate <report|capacity|price|rules|check> [options]`; see
 * `burnrate --help`.
 */
import { main } from './program.js';

process.exitCode = await main(process.argv);
