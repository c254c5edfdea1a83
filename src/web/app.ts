import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import { $, api } from './page.js';

interface Session {
  id: string;
  name: string;
  status: string;
}

const overlay = $<HTMLDivElement>('overlay');
const show = (text: string | undefined) => {
  overlay.hidden = !text;
  overlay.textContent = text ?? '';
};

/** One terminal, connected to one session, reconnecting with backoff until the session dies. */
function openTerminal(session: Session): () => void {
  const container = $<HTMLElement>('terminal');
  container.replaceChildren();
  const term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 10_000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.loadAddon(new WebLinksAddon());
  term.open(container);
  fit.fit();
  (window as unknown as { claudeWebTerminal: Terminal }).claudeWebTerminal = term;
  let socket: WebSocket | undefined;
  let delay = 500;
  let closed = false;
  const encoder = new TextEncoder();

  const connect = () => {
    const url = `${location.origin.replace(/^http/, 'ws')}/api/sessions/${session.id}/terminal?cols=${term.cols}&rows=${term.rows}`;
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string')
        return term.write(new Uint8Array(event.data as ArrayBuffer));
      const message = JSON.parse(event.data) as {
        type: string;
        state?: string;
        detail?: string;
        message?: string;
      };
      if (message.type === 'status' && message.state === 'starting')
        show(`Starting your workspace… ${message.detail ?? ''}`);
      if (message.type === 'status' && message.state === 'attached') {
        delay = 500;
        show(undefined);
      }
      if (message.type === 'error') show(message.message);
    };
    ws.onclose = async (event) => {
      if (closed) return;
      if (event.code === 4401) {
        show('You have been logged out. Reload the page to log in again.');
        return;
      }
      const sessions = await api<{ sessions: Session[] }>('GET', '/api/sessions').catch(
        () => undefined,
      );
      if (sessions && !sessions.sessions.some((s) => s.id === session.id)) {
        show(
          `The session “${session.name}” has ended: its workspace stopped or it was closed. Open a new one with +.`,
        );
        return;
      }
      show(
        `Reconnecting… (${event.code === 1001 ? 'the server is restarting' : 'connection lost'})`,
      );
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 8_000);
    };
  };
  term.onData((data) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
  });
  term.onResize(({ cols, rows }) => {
    if (socket?.readyState === WebSocket.OPEN)
      socket.send(JSON.stringify({ type: 'resize', cols, rows }));
  });
  const onWindowResize = () => fit.fit();
  window.addEventListener('resize', onWindowResize);
  connect();
  term.focus();
  return () => {
    closed = true;
    window.removeEventListener('resize', onWindowResize);
    socket?.close();
    term.dispose();
  };
}

async function showApp({ user }: { user: { isAdmin: boolean } }): Promise<void> {
  $<HTMLFormElement>('login').hidden = true;
  $<HTMLElement>('app').hidden = false;
  if (user.isAdmin) {
    const link = $<HTMLElement>('tabs').appendChild(document.createElement('a'));
    link.href = '/admin';
    link.id = 'admin-link';
    link.textContent = 'Administration';
  }
  const logout = $<HTMLElement>('tabs').appendChild(document.createElement('button'));
  logout.type = 'button';
  logout.id = 'logout';
  logout.textContent = 'Log out';
  // The shells keep running; only this browser's login ends.
  logout.onclick = () => void api('POST', '/api/logout').finally(() => location.reload());
  let { sessions } = await api<{ sessions: Session[] }>('GET', '/api/sessions');
  if (sessions.length === 0)
    sessions = [
      (await api<{ session: Session }>('POST', '/api/sessions', { name: 'main' })).session,
    ];
  let close = () => {};
  const tabs = $<HTMLElement>('tabs');
  const select = (session: Session) => {
    for (const tab of tabs.querySelectorAll('button[data-id]'))
      tab.setAttribute('aria-selected', String((tab as HTMLElement).dataset.id === session.id));
    close();
    close = openTerminal(session);
  };
  const addTab = (session: Session) => {
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.textContent = session.name;
    tab.dataset.id = session.id;
    tab.onclick = () => select(session);
    tabs.insertBefore(tab, $('new-tab'));
    return session;
  };
  for (const s of sessions) addTab(s);
  $<HTMLButtonElement>('new-tab').onclick = async () => {
    const name = `shell ${tabs.querySelectorAll('button[data-id]').length + 1}`;
    select(addTab((await api<{ session: Session }>('POST', '/api/sessions', { name })).session));
  };
  const first = sessions[0];
  if (first) select(first);
}

function showLogin(): void {
  const form = $<HTMLFormElement>('login');
  form.hidden = false;
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await showApp(
        await api<{ user: { isAdmin: boolean } }>('POST', '/api/login', {
          username: data.get('username'),
          password: data.get('password'),
        }),
      );
    } catch (error) {
      $('login-error').textContent = (error as Error).message;
    }
  };
}

api<{ user: { isAdmin: boolean } }>('GET', '/api/me').then(showApp, showLogin);
