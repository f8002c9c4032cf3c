import { PriceCardError } from '@burnrate/cost-processor';
import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { addCapacityCommand } from './commands/capacity.js';
import { addCheckCommand } from './commands/check.js';
import { addCompareCommand } from './commands/compare.js';
import { addPriceCommand } from './commands/price.js';
import { addReportCommand } from './commands/report.js';
import { addRulesCommand } from './commands/rules.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { type CliIo, processIo } from './io.js';

const HINT = '(add --help for usage)';

/**
 * Builds the `burnrate` program with its commands, writing through `io`. Parse errors throw
 * `CommanderError` instead of exiting, so {@link main} can map them to exit codes.
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('burnrate')
    .description('burnrate: what your LLM features cost, in dollars, from the metrics they already export.')
    .version(pkg.version, '-V, --version', 'print the version')
    .usage('<command> [options]')
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError(HINT)
    .addHelpCommand(false)
    .addHelpText(
      'after',
      '\nRun "burnrate <command> --help" for a command\'s options.\n' +
        '\nExit codes: 0 ok; 1 failure (invalid price card, unpriced model, Prometheus unreachable or without\n' +
        'data); 2 usage error (unknown command or option, missing or malformed argument).',
    );
  addReportCommand(program, io);
  addCapacityCommand(program, io);
  addCompareCommand(program, io);
  addPriceCommand(program, io);
  addRulesCommand(program, io);
  addCheckCommand(program, io);
  return program;
}

/**
 * Runs the `burnrate` command.
 *
 * @param argv `process.argv`-style: the node binary and script first, then the arguments.
 * @param io where to write and how to fetch; defaults to the process's own.
 * @returns the exit code: 0 ok, 1 failure, 2 usage error.
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const resolved: CliIo = { ...processIo(), ...io };
  const program = createProgram(resolved);
  if (argv.length <= 2) {
    resolved.stderr(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return EXIT.ok;
  } catch (error) {
    return reportError(error, resolved);
  }
}

/** Writes an error the way the user should see it and returns its exit code. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander already wrote the message (or the help / version) through io.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    io.stderr(`error: ${error.message}\n${HINT}\n`);
    return EXIT.usage;
  }
  if (error instanceof PriceCardError || error instanceof CliError) {
    io.stderr(`error: ${error.message}\n`);
    return EXIT.failure;
  }
  io.stderr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}
