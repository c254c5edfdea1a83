import type { RemovalNotice } from '../terminals/wire.js';
import type { Action } from './keys.js';
import { $, api } from './page.js';
import { createSearchBar } from './search-bar.js';
import { createSessionTab, type Session, type SessionTab } from './session-tab.js';

const overlay = () => $<HTMLDivElement>('overlay');

/**
 * The workspace's removal notice, above the terminals: every tab is in the same workspace,
 * so the latest word from any of them holds. The terminals refit to the space left.
 */
function noticeBanner(refit: () => void) {
  const banner = $<HTMLDivElement>('notice');
  return (notice: RemovalNotice | null) => {
    const at = notice && new Date(notice.at).toLocaleTimeString([], { timeStyle: 'short' });
    const text = notice ? `${notice.message} Due at ${at}.` : '';
    if (banner.textContent === text && banner.hidden === !notice) return;
    banner.textContent = text;
    banner.dataset.rule = notice?.rule ?? '';
    banner.hidden = !notice;
    refit();
  };
}

/** Desktop notifications, once the user allowed them (the 🔔 button asks). */
function notifications() {
  const button = $<HTMLButtonElement>('notify');
  const supported = 'Notification' in window;
  const render = () => {
    const on = supported && Notification.permission === 'granted';
    button.setAttribute('aria-pressed', String(on));
    button.title = on
      ? 'Notifications are on: a bell in a tab you are not looking at shows one'
      : 'Notify me when a program in another tab rings the bell';
  };
  button.hidden = !supported;
  button.onclick = () => void Notification.requestPermission().then(render);
  render();
  return {
    show(title: string, body: string, onClick: () => void) {
      if (!supported || Notification.permission !== 'granted') return;
      const note = new Notification(title, { body, tag: title });
      note.onclick = () => {
        window.focus();
        onClick();
        note.close();
      };
    },
  };
}

/**
 * The session tabs: open, switch (click or Alt+Shift+arrows, Alt+Shift+1…9), add (+ or
 * Alt+Shift+T), rename (double click), close (×, after asking: its programs end). The
 * active tab's status shows in the overlay and its title in the window's title.
 */
export function createTabs(input: (data: string) => string) {
  const bar = $<HTMLElement>('tabs');
  const newTab = $<HTMLButtonElement>('new-tab');
  const area = $<HTMLElement>('terminal');
  const tabs: SessionTab[] = [];
  let active: SessionTab | undefined;
  const notify = notifications();
  const search = createSearchBar(() => active?.view);
  const notice = noticeBanner(() => active?.view.fit());

  const show = () => {
    const state = active?.state;
    overlay().hidden = !state?.status;
    overlay().textContent = state?.status ?? '';
    const title = state?.title || state?.name;
    document.title = title ? `${title} · claude-web` : 'claude-web';
  };
  const select = (tab: SessionTab | undefined) => {
    if (!tab) return;
    active = tab;
    for (const t of tabs) t.show(t === tab);
    (window as unknown as { claudeWebTerminal: unknown }).claudeWebTerminal = tab.view.term;
    show();
  };
  const remove = (tab: SessionTab) => {
    const at = tabs.indexOf(tab);
    tabs.splice(at, 1);
    tab.dispose();
    if (active === tab) select(tabs[Math.min(at, tabs.length - 1)]);
    if (tabs.length === 0) {
      active = undefined;
      overlay().hidden = false;
      overlay().textContent = 'No session is open. Open one with +.';
    }
  };
  const failed = (error: unknown) => {
    overlay().hidden = false;
    overlay().textContent = (error as Error).message;
  };

  const host = {
    select,
    changed: (tab: SessionTab) => {
      if (tab === active) show();
    },
    async close(tab: SessionTab) {
      const question = `Close “${tab.state.name}”? The programs running in it end.`;
      if (!window.confirm(question)) return;
      await api('DELETE', `/api/sessions/${tab.id}`).then(() => remove(tab), failed);
    },
    async rename(tab: SessionTab, name: string) {
      await api<{ session: Session }>('PATCH', `/api/sessions/${tab.id}`, { name }).then(
        ({ session }) => tab.rename(session.name),
        failed,
      );
    },
    notice,
    bell(tab: SessionTab) {
      notify.show(`claude-web: ${tab.state.name}`, 'A program rang the bell.', () => select(tab));
    },
    action(action: Action) {
      if (action.type === 'search') search.open();
      else if (action.type === 'new-tab') void open();
      else if (action.type === 'next-tab') {
        const at = active ? tabs.indexOf(active) : 0;
        select(tabs[(at + action.step + tabs.length) % tabs.length]);
      } else if (action.type === 'tab') select(tabs[action.index]);
    },
    input,
    async stillExists(id: string) {
      const { sessions } = await api<{ sessions: Session[] }>('GET', '/api/sessions');
      return sessions.some((s) => s.id === id);
    },
  };

  const add = (session: Session) => {
    const tab = createSessionTab(session, host, newTab, area);
    tabs.push(tab);
    return tab;
  };
  async function open() {
    const name = `shell ${tabs.length + 1}`;
    await api<{ session: Session }>('POST', '/api/sessions', { name }).then(
      ({ session }) => select(add(session)),
      failed,
    );
  }
  newTab.onclick = () => void open();
  window.addEventListener('resize', () => active?.view.fit());
  bar.setAttribute('role', 'tablist');

  return {
    add,
    select,
    action: host.action,
    first: () => tabs[0],
    /** The active tab's terminal, for the key bar. */
    active: () => active,
  };
}
