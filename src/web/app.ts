import { createKeyBar } from './keybar.js';
import { isMac, shortcut } from './keys.js';
import { $, api } from './page.js';
import type { Session } from './session-tab.js';
import { createTabs } from './tabs.js';

interface Me {
  user: { isAdmin: boolean };
}

function navigation(user: Me['user']) {
  const tabs = $<HTMLElement>('tabs');
  if (user.isAdmin) {
    const link = tabs.appendChild(document.createElement('a'));
    link.href = '/admin';
    link.id = 'admin-link';
    link.textContent = 'Administration';
  }
  const logout = tabs.appendChild(document.createElement('button'));
  logout.type = 'button';
  logout.id = 'logout';
  logout.textContent = 'Log out';
  // The shells keep running; only this browser's login ends.
  logout.onclick = () => void api('POST', '/api/logout').finally(() => location.reload());
}

async function showApp({ user }: Me): Promise<void> {
  $<HTMLFormElement>('login').hidden = true;
  $<HTMLElement>('app').hidden = false;
  navigation(user);
  let keybar: ReturnType<typeof createKeyBar> | undefined;
  const tabs = createTabs((data) => keybar?.transform(data) ?? data);
  keybar = createKeyBar(() => tabs.active()?.view.term);
  // Tab shortcuts also work where the terminal does not have the keyboard (a tab button).
  const mac = isMac();
  window.addEventListener('keydown', (event) => {
    const action = shortcut(event, mac);
    const inTerminal = (event.target as Element | null)?.closest?.('.xterm');
    if (!action || inTerminal || (event.target as Element).tagName === 'INPUT') return;
    if (['new-tab', 'next-tab', 'tab', 'search'].includes(action.type)) {
      event.preventDefault();
      tabs.action(action);
    }
  });
  let { sessions } = await api<{ sessions: Session[] }>('GET', '/api/sessions');
  if (sessions.length === 0)
    sessions = [
      (await api<{ session: Session }>('POST', '/api/sessions', { name: 'main' })).session,
    ];
  for (const session of sessions) tabs.add(session);
  tabs.select(tabs.first());
}

function showLogin(): void {
  const form = $<HTMLFormElement>('login');
  form.hidden = false;
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await showApp(
        await api<Me>('POST', '/api/login', {
          username: data.get('username'),
          password: data.get('password'),
        }),
      );
    } catch (error) {
      $('login-error').textContent = (error as Error).message;
    }
  };
}

api<Me>('GET', '/api/me').then(showApp, showLogin);
