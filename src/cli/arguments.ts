import { parseArgs } from 'node:util';
import type { AppError } from '../errors/app-error.js';
import { cliErrors } from './errors.js';

/** Every command: its words, its positional arguments, and one line of help. */
const commands = {
  serve: { args: [], help: 'Run the server (the default)' },
  'containers ls': {
    args: [],
    help: 'Workspace containers: user, state, times, last activity',
  },
  'containers start': {
    args: ['user'],
    help: 'Create or start a user’s workspace; wait until it runs',
  },
  'containers stop': { args: ['user'], help: 'Stop a user’s workspace gracefully' },
  'containers rm': {
    args: ['user'],
    help: 'Stop and remove a workspace; the volume stays, its sessions end',
  },
  'containers prune': { args: [], help: 'Remove every stopped workspace container' },
  'containers upgrade': {
    args: ['user'],
    optional: true,
    help: 'Recreate outdated workspaces on the current image (<user> or --all)',
  },
  'cleanup run': {
    args: [],
    help: 'Run the cleanup now, printing each decision (--dry-run)',
  },
  'volumes ls': { args: [], help: 'Home volumes with their size (--orphaned)' },
  'volumes rm': {
    args: ['user'],
    help: 'Delete a user’s home volume for good (asks unless --yes)',
  },
  'sessions ls': { args: [], help: 'Terminal sessions of every user (--all: dead too)' },
  'users add': {
    args: ['username'],
    help: 'Create a user with a new password, shown once (--admin)',
  },
  'users ls': { args: [], help: 'Every user' },
  'users disable': { args: ['username'], help: 'Stop a user from logging in; ends their logins' },
  logs: { args: ['user'], help: 'The workspace container’s recent output (--tail N)' },
  'image build': {
    args: [],
    help: 'Build the workspace image afresh, fetching its npm parts first',
  },
  'image context': {
    args: ['dir'],
    help: 'Write the image’s build context (Containerfile, npm parts) to <dir>',
  },
} as const satisfies Record<string, { args: readonly string[]; optional?: true; help: string }>;

export type CommandName = keyof typeof commands;

export interface CommandFlags {
  json: boolean;
  admin: boolean;
  dryRun: boolean;
  orphaned: boolean;
  yes: boolean;
  all: boolean;
  tail?: number;
}

export type Command =
  | { name: 'help' }
  | { name: 'version' }
  | ({ name: CommandName; args: Record<string, string> } & CommandFlags);

export const usage = `Usage: claude-web [command] [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${[name, ...c.args.map((a) => `<${a}>`)].join(' ').padEnd(26)}${c.help}`)
  .join('\n')}

<user> is a username or a numeric user id.

Options:
  --json         Print results as JSON, for scripts
  --admin        users add: the user administers claude-web
  --dry-run      cleanup run: decide and print, change nothing
  --orphaned     volumes ls: only volumes without a container and without recent use
  --yes          volumes rm: do not ask for confirmation
  --all          sessions ls: include dead sessions; containers upgrade: every workspace
  --tail N       logs: how many lines (default 100)
  -h, --help     Show this help
  -v, --version  Show the version

Configuration comes from the environment and an optional .env file in the working
directory; see README.md for every variable.`;

/** A command line that is not one: what is wrong, then the usage. */
export function usageError(message: string): AppError {
  return cliErrors.usage(message, usage);
}

export function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return { name: 'help' };
  if (values.version) return { name: 'version' };
  const words = parsed.positionals.length > 0 ? parsed.positionals : ['serve'];
  const name = ([words.slice(0, 2).join(' '), words[0]] as string[]).find((n) => n in commands);
  if (!name) throw usageError(`unknown command ${JSON.stringify(words.slice(0, 2).join(' '))}`);
  const spec = commands[name as CommandName];
  const given = words.slice(name.split(' ').length);
  if (given.length < spec.args.length && !('optional' in spec))
    throw usageError(`${name} needs <${spec.args[given.length]}>`);
  if (given.length > spec.args.length)
    throw usageError(`unexpected argument ${JSON.stringify(given[spec.args.length])}`);
  const tail = values.tail === undefined ? undefined : Number(values.tail);
  if (tail !== undefined && !(Number.isInteger(tail) && tail > 0 && tail <= 100_000))
    throw usageError(`--tail takes a whole number of lines from 1 to 100000 (got ${values.tail})`);
  return {
    name: name as CommandName,
    args: Object.fromEntries(given.map((value, i) => [spec.args[i] as string, value])),
    json: values.json ?? false,
    admin: values.admin ?? false,
    dryRun: values['dry-run'] ?? false,
    orphaned: values.orphaned ?? false,
    yes: values.yes ?? false,
    all: values.all ?? false,
    ...(tail !== undefined && { tail }),
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
      'dry-run': { type: 'boolean' },
      orphaned: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      all: { type: 'boolean' },
      tail: { type: 'string' },
    },
  });
}
