#!/usr/bin/env -S node --import tsx
/**
 * `burnrate-sim`: runs the simulator until SIGINT or SIGTERM.
 *
 * Usage: `burnrate-sim [--port 8787] [--host 127.0.0.1] [--vllm] [--vllm-model NAME]`. Prints the API
 * base URL and the ledger URL; with `--vllm` (or `--vllm-model`) it also serves vLLM-style metrics at
 * `/metrics`, for the requests for NAME only when it is given.
 */
import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';

/** Default port of the `burnrate-sim` command. */
export const DEFAULT_BIN_PORT = 8787;

const USAGE = 'Usage: burnrate-sim [--port 8787] [--host 127.0.0.1] [--vllm] [--vllm-model NAME]\n';

async function main(): Promise<void> {
  // `pnpm start -- --port 0` passes the `--` through; skip it.
  const argv = process.argv.slice(2);
  let values: { port: string; host: string; help: boolean; vllm: boolean; 'vllm-model'?: string };
  try {
    ({ values } = parseArgs({
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        port: { type: 'string', short: 'p', default: String(DEFAULT_BIN_PORT) },
        host: { type: 'string', default: '127.0.0.1' },
        help: { type: 'boolean', short: 'h', default: false },
        vllm: { type: 'boolean', default: false },
        'vllm-model': { type: 'string' },
      },
    }));
  } catch (err) {
    // An unknown option or a missing value is a usage error: exit 2, like an invalid --port.
    process.stderr.write(`burnrate-sim: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`burnrate-sim: invalid --port ${values.port}\n`);
    process.exitCode = 2;
    return;
  }
  const vllmModel = values['vllm-model'];
  const vllm = values.vllm || vllmModel !== undefined;
  const sim = await startSimulator({
    port,
    host: values.host,
    ...(vllm ? { vllm: vllmModel !== undefined ? { model: vllmModel } : {} } : {}),
  });
  process.stdout.write(`burnrate-sim: OpenAI-compatible API at ${sim.url}\n`);
  if (sim.metricsUrl !== undefined) process.stdout.write(`burnrate-sim: vLLM metrics at ${sim.metricsUrl}\n`);
  process.stdout.write(`burnrate-sim: ledger at ${sim.url.replace(/\/v1$/, '')}/_burnrate/ledger\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`burnrate-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
