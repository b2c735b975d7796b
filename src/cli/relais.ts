/**
 * The `relais` command line: `relais <command> [options]`. Commands are looked up in `COMMANDS`, so
 * adding one (`start`, `import`, …) is one entry. Usage and input errors print one line on stderr and
 * exit with code 2; unexpected failures exit with code 1.
 */
import { pathToFileURL } from 'node:url';
import { runEval } from './eval.ts';
import { type CliIo, CliUsageError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processIo } from './io.ts';

interface Command {
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  eval: { summary: 'judge the matching engine on a labelled dataset (text,label CSV)', run: runEval },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: relais <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "relais <command> --help" for a command's options.\n`;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`relais: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr(`relais ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`relais ${name}: unexpected error: ${detail}\n`);
    return EXIT_FAILURE;
  }
}

// Run when executed directly (`tsx src/cli/relais.ts …` or through bin/relais.js).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
