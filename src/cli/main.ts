import { type Command, CommanderError } from 'commander';
import { isT2aError, type T2aError } from '../core/errors.ts';
import { EXIT, exitCodeForError } from './exit-codes.ts';
import { stoppedAtOnce } from './interrupts.ts';
import { program } from './program.ts';

/** The one place that turns errors into exit codes and messages. */
function printError(error: T2aError): void {
  process.stderr.write(`✖ ${error.message}\n`);
  if (error.fix) process.stderr.write(`  Fix: ${error.fix}\n`);
}

/** Commander exits by itself on a usage error unless told not to, command by command. */
function overrideExits(command: Command): Command {
  command.exitOverride();
  for (const sub of command.commands) overrideExits(sub);
  return command;
}

export async function main(argv: readonly string[]): Promise<number> {
  const cli = overrideExits(program());
  try {
    await cli.parseAsync(argv as string[], { from: 'user' });
    return Number(process.exitCode ?? EXIT.OK);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.OK : EXIT.CONFIG;
    }
    if (isT2aError(error)) {
      printError(error);
      return exitCodeForError(error.kind);
    }
    process.stderr.write(`✖ Unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.INTERNAL;
  }
}

process.exitCode = await main(process.argv.slice(2));
// A run stopped at once has written its record and released its lock; what it left waiting for (a
// request in flight, an analytics poll) would otherwise keep t2a running after it said it stopped.
if (stoppedAtOnce()) process.exit(process.exitCode);
