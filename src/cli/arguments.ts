import { parseArgs } from 'node:util';
import { AppError } from '../errors/app-error.js';

/** Every command: its words, its positional arguments, and one line of help. */
const commands = {
  serve: { args: [], help: 'Run the server (the default)' },
  'containers ls': { args: [], help: 'List every workspace container and its state' },
  'containers start': {
    args: ['user'],
    help: 'Create or start a user’s workspace; wait until it runs',
  },
  'containers stop': { args: ['user'], help: 'Stop a user’s workspace gracefully' },
  'containers rm': {
    args: ['user'],
    help: 'Stop and remove a user’s workspace (the volume is kept)',
  },
  'users add': {
    args: ['username'],
    help: 'Create a user with a new password, shown once (--admin)',
  },
} as const satisfies Record<string, { args: readonly string[]; help: string }>;

export type CommandName = keyof typeof commands;
export type Command =
  | { name: 'help' }
  | { name: 'version' }
  | { name: CommandName; args: Record<string, string>; json: boolean; admin: boolean };

export const usage = `Usage: claude-web [command] [--json]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${[name, ...c.args.map((a) => `<${a}>`)].join(' ').padEnd(26)}${c.help}`)
  .join('\n')}

Options:
  --json         Print results as JSON, for scripts
  --admin        With users add: the user administers claude-web
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
  const words = parsed.positionals.length > 0 ? parsed.positionals : ['serve'];
  const name = ([words.slice(0, 2).join(' '), words[0]] as string[]).find((n) => n in commands);
  if (!name) throw usageError(`unknown command ${JSON.stringify(words.slice(0, 2).join(' '))}`);
  const spec = commands[name as CommandName];
  const given = words.slice(name.split(' ').length);
  if (given.length < spec.args.length)
    throw usageError(`${name} needs <${spec.args[given.length]}>`);
  if (given.length > spec.args.length)
    throw usageError(`unexpected argument ${JSON.stringify(given[spec.args.length])}`);
  const args = Object.fromEntries(spec.args.map((a, i) => [a, given[i] as string]));
  return {
    name: name as CommandName,
    args,
    json: parsed.values.json ?? false,
    admin: parsed.values.admin ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      json: { type: 'boolean' },
      admin: { type: 'boolean' },
    },
  });
}
