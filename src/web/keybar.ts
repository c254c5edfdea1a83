import type { Terminal } from '@xterm/xterm';
import { $ } from './page.js';

type Key = [label: string, name: string, send: (t: Terminal) => string | 'ctrl' | 'alt'];

const arrow = (final: string) => (t: Terminal) =>
  t.modes.applicationCursorKeysMode ? `\x1bO${final}` : `\x1b[${final}`;

/** The keys a phone's keyboard lacks. */
const keys: Key[] = [
  ['Esc', 'Escape', () => '\x1b'],
  ['Tab', 'Tab', () => '\t'],
  ['Ctrl', 'Control', () => 'ctrl'],
  ['Alt', 'Alt', () => 'alt'],
  ['←', 'Left', arrow('D')],
  ['↑', 'Up', arrow('A')],
  ['↓', 'Down', arrow('B')],
  ['→', 'Right', arrow('C')],
];

/**
 * On touch screens, a bar of keys under the terminal: Esc, Tab, arrows, and Ctrl and Alt,
 * which apply to the next key typed (Ctrl then c is Ctrl-C). Tapping it keeps the focus
 * (and the on-screen keyboard) in the terminal.
 */
export function createKeyBar(terminal: () => Terminal | undefined) {
  const bar = $<HTMLElement>('keybar');
  const touch = navigator.maxTouchPoints > 0 || matchMedia('(pointer: coarse)').matches;
  document.body.classList.toggle('touch', touch);
  const held = { ctrl: false, alt: false };
  const buttons = new Map<string, HTMLButtonElement>();
  const render = () => {
    buttons.get('Control')?.setAttribute('aria-pressed', String(held.ctrl));
    buttons.get('Alt')?.setAttribute('aria-pressed', String(held.alt));
  };
  for (const [label, name, send] of keys) {
    const button = bar.appendChild(document.createElement('button'));
    button.type = 'button';
    button.textContent = label;
    button.setAttribute('aria-label', name);
    buttons.set(name, button);
    button.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      const term = terminal();
      if (!term) return;
      const data = send(term);
      if (data === 'ctrl' || data === 'alt') held[data] = !held[data];
      else term.input(data, true);
      render();
      term.focus();
    });
  }
  return {
    /** Input typed: a printable key with Ctrl or Alt held on the bar becomes that combination. */
    transform(data: string): string {
      if (!/^[\x20-\x7e]$/.test(data) || !(held.ctrl || held.alt)) return data;
      const ctrl = held.ctrl ? String.fromCharCode(data.toUpperCase().charCodeAt(0) & 0x1f) : data;
      const out = held.alt ? `\x1b${ctrl}` : ctrl;
      held.ctrl = false;
      held.alt = false;
      render();
      return out;
    },
  };
}
