import { LABEL_INSTALLATION } from '../naming/workspace-names.js';
import type { Home, WorkspaceDeath, WorkspaceDriver, WorkspaceStatus } from './driver.js';
import { foreignWorkspace } from './errors.js';

export interface Installation {
  /** This installation's id (kept in its database), on the label of all it makes. */
  id: string;
  /**
   * The user ids of this installation's database. A workspace without an installation
   * label (made before installations were labelled) belongs to the installation that knows
   * its user: it is adopted, and labelled when next recreated.
   */
  users(): Promise<Set<string>>;
}

/** Whose a labelled thing is: ours, another installation's, or an older one we adopt. */
function owner(installation: Installation) {
  let known: Promise<Set<string>> | undefined;
  const read = () => {
    known = installation.users();
    return known;
  };
  const judge = (users: Set<string>) => (userId: string, label: string | undefined) =>
    label === undefined ? users.has(userId) : label === installation.id;
  return {
    /** For a listing: the users read once, just now, judge every item. */
    async judgeAll() {
      return judge(await read());
    },
    async mine(userId: string, label: string | undefined): Promise<boolean> {
      if (judge(await (known ?? read()))(userId, label)) return true;
      // A user added since the set was read: read it again before calling anything foreign.
      return label === undefined && (await read()).has(userId);
    },
  };
}

const labelOf = (w: WorkspaceStatus) => w.labels?.[LABEL_INSTALLATION];

/**
 * `driver` as one installation sees it, where several share a Podman account (production
 * beside staging): listings, homes and deaths hold only its own workspaces (and adopted
 * older ones). The drivers already name a user's workspace for the installation where
 * another holds the plain names (see name-choice.ts); what is still not this
 * installation's (an unlabelled workspace of a user its database does not have) is refused
 * (`workspace.foreign`) before anything touches it.
 */
export function scopeToInstallation(
  driver: WorkspaceDriver,
  installation: Installation,
): WorkspaceDriver {
  const owners = owner(installation);
  // Users whose workspace was found to be this installation's: a workspace does not change
  // hands while it exists, so every attach need not ask the runtime again (200 terminals
  // opening at once asked it 200 more times). Forgotten when the workspace is removed.
  const confirmed = new Set<string>();

  async function owned(userId: string): Promise<string> {
    if (confirmed.has(userId)) return userId;
    const status = await driver.status(userId);
    const label = labelOf(status);
    if (status.state === 'absent') return userId;
    if (!(await owners.mine(userId, label)))
      throw foreignWorkspace(status.container, label ?? 'unlabelled');
    confirmed.add(userId);
    return userId;
  }
  async function ownedHome(home: Home | undefined): Promise<Home | undefined> {
    if (!home || (await owners.mine(home.userId, home.installation))) return home;
    throw foreignWorkspace(home.name, home.installation ?? 'unlabelled');
  }
  async function onlyMine<T>(items: T[], key: (item: T) => [string, string | undefined]) {
    const mine = await owners.judgeAll();
    return items.filter((item) => mine(...key(item)));
  }

  return {
    ...driver,
    async ensure(userId, options) {
      if (!confirmed.has(userId)) {
        await owned(userId);
        await ownedHome(await driver.homes.get(userId));
      }
      return driver.ensure(userId, options);
    },
    stop: async (userId) => driver.stop(await owned(userId)),
    async remove(userId) {
      await driver.remove(await owned(userId));
      confirmed.delete(userId);
    },
    run: async (userId, command, options) => driver.run(await owned(userId), command, options),
    attach: async (userId, options) => driver.attach(await owned(userId), options),
    logs: async (userId, options) => driver.logs(await owned(userId), options),
    list: async () => onlyMine(await driver.list(), (w) => [w.userId, labelOf(w)]),
    async deaths(options) {
      const all = await driver.deaths(options);
      return (async function* () {
        for await (const death of all)
          if (await owners.mine(death.userId, death.installation)) yield death;
      })() satisfies AsyncIterable<WorkspaceDeath>;
    },
    homes: {
      list: async () => onlyMine(await driver.homes.list(), (h) => [h.userId, h.installation]),
      get: async (userId) => ownedHome(await driver.homes.get(userId)),
      async remove(userId) {
        await ownedHome(await driver.homes.get(userId));
        await driver.homes.remove(userId);
        confirmed.delete(userId);
      },
    },
  };
}
