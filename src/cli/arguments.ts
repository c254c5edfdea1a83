import { parseArgs } from 'node:util';
import { AppError } from '../errors/app-error.js';

export type Command = { name: 'serve' } | { name: 'help' } | { name: 'version' };

export const usage = `Usage: claude-web [command]

Commands:
  serve        Run the server (the default)

Options:
  -h, --help     Show this help
  -v, --version  Show the version

Configuration comes from the environment and an optional .env file in the working
directory; see README.md for every variable.`;

export function usageError(message: string): AppError {
  return new AppError('cli.usage', `${message}\n\n${usage}`);
}

export function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  if (parsed.values.help) return { name: 'help' };
  if (parsed.values.version) return { name: 'version' };
  const [command = 'serve', ...rest] = parsed.positionals;
  if (command !== 'serve') throw usageError(`unknown command ${JSON.stringify(command)}`);
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  return { name: 'serve' };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
