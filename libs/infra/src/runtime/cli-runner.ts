import { ConfigError } from '../config/app-config';
import { DataDirFlagError, withDataDirFlag } from './node-discovery';

export const EXIT_OK = 0;
/** The command ran and failed, or refused: the message says why. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Wrong arguments: the message, then the usage, exit 2. */
export class UsageError extends Error {}

/** A refusal the operator can act on: one line naming what to do, exit 1. */
export class CliRefusal extends Error {}

export interface CliDefinition {
  /** Prefixes every error line, e.g. `token`. */
  name: string;
  usage: string;
  /** The arguments without `--data-dir`, and the environment with DATA_DIR set from it. */
  run(args: string[], env: NodeJS.ProcessEnv): Promise<number> | number;
}

/**
 * What every command-line tool shares: `--help`/`-h` prints the usage (exit 0), `--data-dir` points
 * it at a node's data folder, a usage error prints the usage (exit 2), and any other failure is one
 * message, never a stack trace (exit 1).
 */
export async function cliExitCode(
  definition: CliDefinition,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${definition.usage}\n`);
    return EXIT_OK;
  }
  try {
    const parsed = withDataDirFlag(argv, env);
    return await definition.run(parsed.args, parsed.env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof DataDirFlagError) {
      console.error(`${definition.name}: ${error.message}\n\n${definition.usage}`);
      return EXIT_USAGE;
    }
    const message =
      error instanceof CliRefusal || error instanceof ConfigError ? error.message : String(error);
    console.error(`${definition.name}: ${message}`);
    return EXIT_FAILED;
  }
}

/**
 * Runs a tool and exits with its code once stdout is flushed: explicitly, because the embedded
 * PostgreSQL module's exit hooks would otherwise end the process with 0.
 */
export function runCli(definition: CliDefinition): void {
  void cliExitCode(definition, process.argv.slice(2)).then((code) =>
    process.stdout.write('', () => process.exit(code)),
  );
}
