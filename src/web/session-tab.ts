import type { RemovalNotice, StatusMessage } from '../terminals/wire.js';
import { type Lost, openConnection } from './connection.js';
import type { Action } from './keys.js';
import { createTerminalView } from './terminal-view.js';

export interface Session {
  id: string;
  name: string;
  status: string;
}

/** What a tab tells the tab bar, and asks of it. */
export interface TabHost {
  select(tab: SessionTab): void;
  close(tab: SessionTab): void;
  rename(tab: SessionTab, name: string): void;
  /** The tab's title, badge or status changed. */
  changed(tab: SessionTab): void;
  /** A program in a tab that is not in view rang the bell. */
  bell(tab: SessionTab): void;
  /** Cleanup's notice for the workspace all tabs share (null: withdrawn). */
  notice(notice: RemovalNotice | null): void;
  action(action: Action): void;
  /** Input on its way to the terminal (the key bar's Ctrl and Alt apply here). */
  input(data: string): string;
  stillExists(id: string): Promise<boolean>;
}

/** Output this soon after attaching is the restore and redraws, not news. */
const QUIET_AFTER_ATTACH_MS = 1_000;

const lostText = (name: string, lost: Lost) =>
  ({
    'logged-out': 'You have been logged out. Reload the page to log in again.',
    ended: `The session “${name}” has ended: its workspace stopped or it was closed. Open a new one with +.`,
    restarting: 'Reconnecting… (the server is restarting)',
    lost: 'Reconnecting… (connection lost)',
  })[lost.why];

/** The tab button and its close button, before `before` in the tab bar. */
function tabElements(session: Session, before: Element) {
  const wrap = document.createElement('span');
  wrap.className = 'tab';
  const button = wrap.appendChild(document.createElement('button'));
  button.type = 'button';
  button.setAttribute('role', 'tab');
  button.dataset.id = session.id;
  const name = button.appendChild(document.createElement('span'));
  name.className = 'name';
  const title = button.appendChild(document.createElement('span'));
  title.className = 'title';
  const badge = button.appendChild(document.createElement('span'));
  badge.className = 'badge';
  const close = wrap.appendChild(document.createElement('button'));
  close.type = 'button';
  close.className = 'close';
  close.textContent = '×';
  before.before(wrap);
  return { wrap, button, name, title, badge, close };
}

/**
 * One session: its tab, its terminal and its connection. Every tab stays connected while
 * the page is open, so that a bell or output in a tab that is not in view shows on its tab.
 */
export function createSessionTab(session: Session, host: TabHost, before: Element, area: Element) {
  const el = tabElements(session, before);
  const element = area.appendChild(document.createElement('div'));
  element.className = 'term';
  const view = createTerminalView(element, host.action);
  const state = {
    name: session.name,
    title: '',
    badge: '' as '' | 'bell' | 'activity',
    status: undefined as string | undefined,
    visible: false,
    quietUntil: Number.POSITIVE_INFINITY,
  };
  const tab = {
    id: session.id,
    view,
    state,
    button: el.button,
    show(visible: boolean) {
      state.visible = visible;
      element.classList.toggle('active', visible);
      el.button.setAttribute('aria-selected', String(visible));
      if (visible) {
        state.badge = '';
        view.fit();
        view.focus();
      }
      render();
    },
    rename(name: string) {
      state.name = name;
      render();
    },
    dispose() {
      connection.close();
      view.dispose();
      element.remove();
      el.wrap.remove();
    },
  };
  const render = () => {
    el.name.textContent = state.name;
    el.title.textContent = state.title && state.title !== state.name ? state.title : '';
    el.badge.dataset.kind = state.badge;
    el.badge.title =
      state.badge === 'bell' ? 'rang the bell' : state.badge === 'activity' ? 'new output' : '';
    el.close.setAttribute('aria-label', `Close ${state.name}`);
    host.changed(tab);
  };
  const setStatus = (text: string | undefined) => {
    state.status = text;
    render();
  };

  const connection = openConnection(
    session.id,
    () => ({ cols: view.term.cols, rows: view.term.rows }),
    {
      output(bytes) {
        // The restore after attaching, and the prompt a shell redraws for the new size,
        // are not news.
        const news = Date.now() > state.quietUntil;
        if (news && !state.visible && state.badge === '') state.badge = 'activity';
        view.term.write(bytes);
        if (state.badge === 'activity' && el.badge.dataset.kind !== 'activity') render();
      },
      status(message: StatusMessage) {
        if (message.state === 'starting')
          return setStatus(`Starting your workspace… ${message.detail ?? ''}`);
        state.quietUntil = Date.now() + QUIET_AFTER_ATTACH_MS;
        if (message.scrollbackLines)
          view.term.options.scrollback = Math.max(10_000, message.scrollbackLines);
        setStatus(undefined);
      },
      error: (message) => setStatus(message.message),
      notice: (notice) => host.notice(notice),
      lost: (lost) => setStatus(lostText(state.name, lost)),
    },
    () => host.stillExists(session.id),
  );
  view.onInput((data) => connection.send(host.input(data)));
  view.term.onResize(({ cols, rows }) => connection.resize(cols, rows));
  view.term.onTitleChange((title) => {
    state.title = title;
    render();
  });
  view.term.onBell(() => {
    if (state.visible && !document.hidden) return;
    if (!state.visible) state.badge = 'bell';
    render();
    host.bell(tab);
  });
  el.button.onclick = () => host.select(tab);
  el.button.ondblclick = () => editName(el.name, state.name, (name) => host.rename(tab, name));
  el.close.onclick = () => host.close(tab);
  render();
  return tab;
}

export type SessionTab = ReturnType<typeof createSessionTab>;

/** Renames in place: Enter or leaving the field keeps the new name, Escape the old one. */
function editName(label: HTMLElement, current: string, done: (name: string) => void) {
  const input = document.createElement('input');
  input.value = current;
  input.className = 'rename';
  input.setAttribute('aria-label', 'Session name');
  label.replaceChildren(input);
  input.select();
  let finished = false;
  const finish = (keep: boolean) => {
    if (finished) return;
    finished = true;
    label.textContent = current;
    const name = input.value.trim();
    if (keep && name !== '' && name !== current) done(name);
  };
  input.onkeydown = (event) => {
    event.stopPropagation();
    if (event.key === 'Enter') finish(true);
    if (event.key === 'Escape') finish(false);
  };
  input.onclick = (event) => event.stopPropagation();
  input.onblur = () => finish(true);
}
