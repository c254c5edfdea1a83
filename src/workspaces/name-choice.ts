import {
  LABEL_INSTALLATION,
  type WorkspaceNames,
  workspaceNames,
} from '../naming/workspace-names.js';

/** What the runtime holds under some names: nothing, or something with these labels. */
export type Held = { labels: Record<string, string> } | undefined;

/**
 * Which names a user's workspace has for this installation. The plain names
 * (`claude-web-user-{id}`) unless another installation on the same account holds them
 * (a container, volume or unit labelled with its id): then the installation's own
 * (`claude-web-{installation}-user-{id}`). Unlabelled plain ones, made before installations
 * were labelled, are taken as this installation's: it only asks for its own users. A choice
 * is kept once something exists under it; names nothing holds yet are asked again.
 */
export function createNameChoice(deps: {
  installation?: string;
  /** What holds the names, checked in the driver's own terms (container, volume, unit). */
  held(names: WorkspaceNames): Promise<Held>;
}) {
  const chosen = new Map<string, WorkspaceNames>();
  async function namesOf(userId: string): Promise<WorkspaceNames> {
    const plain = workspaceNames(userId);
    const { installation } = deps;
    if (installation === undefined) return plain;
    const known = chosen.get(userId);
    if (known) return known;
    const own = workspaceNames(userId, installation);
    if (await deps.held(own)) return keep(userId, own);
    const holder = await deps.held(plain);
    if (!holder) return plain;
    const label = holder.labels[LABEL_INSTALLATION];
    return keep(userId, label === undefined || label === installation ? plain : own);
  }

  function keep(userId: string, names: WorkspaceNames) {
    chosen.set(userId, names);
    return names;
  }

  return {
    namesOf,
    /** Chooses again next time: the user's home is gone, nothing holds the names any more. */
    forget: (userId: string) => void chosen.delete(userId),
  };
}

export type NameChoice = ReturnType<typeof createNameChoice>;
