import { $, api } from './page.js';

type Row = Record<string, unknown>;
type Action = { label: string; run: (row: Row) => Promise<void> };

const say = (text: string) => {
  $('message').textContent = text;
};

const cell = (value: unknown) =>
  value === null || value === undefined
    ? ''
    : typeof value === 'boolean'
      ? value
        ? 'yes'
        : 'no'
      : String(value);

/** A table of `rows` with the given columns, and a button per action on each row. */
function table(
  target: string,
  columns: [key: string, title: string][],
  rows: Row[],
  actions: Action[] = [],
) {
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const [, title] of columns)
    head.appendChild(document.createElement('th')).textContent = title;
  for (const row of rows) {
    const tr = t.insertRow();
    for (const [key] of columns) tr.insertCell().textContent = cell(row[key]);
    const buttons = tr.insertCell();
    for (const action of actions) {
      const button = buttons.appendChild(document.createElement('button'));
      button.type = 'button';
      button.textContent = action.label;
      button.onclick = () => action.run(row).then(refresh, (e: Error) => say(e.message));
    }
  }
  if (rows.length === 0) t.insertRow().insertCell().textContent = 'none';
  $(target).replaceChildren(t);
}

async function showSchedule() {
  const { schedule } = await api<{ schedule: (Row & { lastRun?: Row }) | null }>(
    'GET',
    '/api/admin/cleanup',
  );
  const last = schedule?.lastRun;
  $('schedule').textContent = schedule
    ? `Next run: ${cell(schedule.nextRunAt)}. Last run: ${last ? `${cell(last.startedAt)}, ${cell(last.outcome)}` : 'none yet'}.`
    : 'This server runs no schedule.';
}

async function runCleanup(dryRun: boolean) {
  const report = await api<{ decisions: Row[]; outcome: string }>(
    'POST',
    '/api/admin/cleanup/run',
    { dryRun },
  );
  table(
    'decisions',
    [
      ['container', 'Container'],
      ['userId', 'User'],
      ['action', 'Decision'],
      ['result', 'Result'],
      ['reason', 'Reason'],
      ['error', 'Error'],
    ],
    report.decisions,
  );
  say(dryRun ? 'Dry run: nothing was changed.' : `Cleanup finished: ${report.outcome}.`);
}

const removeContainer: Action = {
  label: 'Remove',
  run: async (row) => {
    if (!confirm(`Remove ${cell(row.container)}? Its volume is kept; its sessions end.`)) return;
    await api('DELETE', `/api/admin/containers/${encodeURIComponent(cell(row.userId))}`);
  },
};
const showLogs: Action = {
  label: 'Logs',
  run: async (row) => {
    const logs = $('logs');
    logs.hidden = false;
    logs.textContent = await api<string>(
      'GET',
      `/api/admin/logs/${encodeURIComponent(cell(row.userId))}?tail=200`,
    );
  },
};
const deleteVolume: Action = {
  label: 'Delete',
  run: async (row) => {
    const user = cell(row.userId);
    const typed = prompt(
      `This deletes every file of user ${user} for good. Type ${user} to confirm.`,
    );
    if (typed !== user) return say('Nothing deleted.');
    await api('DELETE', `/api/admin/volumes/${encodeURIComponent(user)}`, { confirm: typed });
  },
};
const disableUser: Action = {
  label: 'Disable',
  run: async (row) => {
    await api('POST', `/api/admin/users/${encodeURIComponent(cell(row.username))}/disable`);
  },
};

async function refresh() {
  const orphaned = $<HTMLInputElement>('orphaned').checked;
  const all = $<HTMLInputElement>('all-sessions').checked;
  const [containers, volumes, sessions, users] = await Promise.all([
    api<{ containers: Row[] }>('GET', '/api/admin/containers'),
    api<{ volumes: Row[] }>('GET', `/api/admin/volumes?orphaned=${orphaned}`),
    api<{ sessions: Row[] }>('GET', `/api/admin/sessions?all=${all}`),
    api<{ users: Row[] }>('GET', '/api/admin/users'),
  ]);
  table(
    'containers',
    [
      ['userId', 'User'],
      ['username', 'Name'],
      ['container', 'Container'],
      ['state', 'State'],
      ['image', 'Image'],
      ['createdAt', 'Created'],
      ['startedAt', 'Started'],
      ['finishedAt', 'Finished'],
      ['lastActivityAt', 'Last activity'],
    ],
    containers.containers,
    [showLogs, removeContainer],
  );
  table(
    'volumes',
    [
      ['userId', 'User'],
      ['username', 'Name'],
      ['volume', 'Volume'],
      ['sizeBytes', 'Bytes'],
      ['container', 'Container'],
      ['lastActivityAt', 'Last activity'],
      ['orphaned', 'Orphaned'],
    ],
    volumes.volumes,
    [deleteVolume],
  );
  table(
    'sessions',
    [
      ['userId', 'User'],
      ['name', 'Name'],
      ['status', 'Status'],
      ['lastActivityAt', 'Last activity'],
      ['endReason', 'Why it ended'],
    ],
    sessions.sessions,
  );
  table(
    'users',
    [
      ['id', 'Id'],
      ['username', 'Username'],
      ['isAdmin', 'Admin'],
      ['createdAt', 'Created'],
      ['disabledAt', 'Disabled'],
    ],
    users.users,
    [disableUser],
  );
  await showSchedule();
}

function wire() {
  const act = (fn: () => Promise<void>) => () =>
    void fn()
      .then(refresh)
      .catch((e: Error) => say(e.message));
  $('dry-run').onclick = act(() => runCleanup(true));
  $('run-cleanup').onclick = act(() => runCleanup(false));
  $('prune').onclick = act(async () => {
    const { pruned } = await api<{ pruned: Row[] }>('POST', '/api/admin/containers/prune');
    say(`Removed ${pruned.filter((p) => p.removed).length} stopped container(s).`);
  });
  $('orphaned').onchange = act(async () => {});
  $('all-sessions').onchange = act(async () => {});
  const form = $<HTMLFormElement>('add-user');
  form.onsubmit = (event) => {
    event.preventDefault();
    const data = new FormData(form);
    act(async () => {
      const added = await api<{ user: Row; password: string }>('POST', '/api/admin/users', {
        username: data.get('username'),
        admin: data.get('admin') === 'on',
      });
      say(
        `Created ${cell(added.user.username)}. Password (shown once, not stored): ${added.password}`,
      );
      form.reset();
    })();
  };
}

api<{ user: { isAdmin: boolean } }>('GET', '/api/me').then(
  async ({ user }) => {
    if (!user.isAdmin) return say('Only administrators may see this page.');
    $('admin').hidden = false;
    wire();
    await refresh();
  },
  () => {
    say('Log in first, on the terminal page.');
  },
);
