/**
 * The page's own keyboard shortcuts, as a table. They use Ctrl+Shift (Cmd on a Mac for copy
 * and paste), Shift with paging keys, and Alt+Shift: a terminal cannot tell Ctrl+Shift+C
 * from Ctrl+C, so programs never get those combinations anyway, while Ctrl+letter, Alt+letter
 * and every plain key still reach the shell (Ctrl+B included).
 */
export type Action =
  | { type: 'copy' }
  | { type: 'paste' }
  | { type: 'search' }
  | { type: 'scroll'; pages: number }
  | { type: 'scroll-edge'; to: 'top' | 'bottom' }
  | { type: 'new-tab' }
  | { type: 'next-tab'; step: 1 | -1 }
  | { type: 'tab'; index: number };

interface Keys {
  key: string;
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

type Rule = [matches: (k: Keys, mac: boolean) => boolean, action: (k: Keys) => Action];

const ctrlShift = (k: Keys, code: string) =>
  k.ctrlKey && k.shiftKey && !k.altKey && !k.metaKey && k.code === code;
const cmd = (k: Keys, code: string) => k.metaKey && !k.ctrlKey && !k.altKey && k.code === code;
const shiftOnly = (k: Keys, key: string) =>
  k.shiftKey && !k.ctrlKey && !k.altKey && !k.metaKey && k.key === key;
const altShift = (k: Keys) => k.altKey && k.shiftKey && !k.ctrlKey && !k.metaKey;

const rules: Rule[] = [
  [(k, mac) => ctrlShift(k, 'KeyC') || (mac && cmd(k, 'KeyC')), () => ({ type: 'copy' })],
  [(k, mac) => ctrlShift(k, 'KeyV') || (mac && cmd(k, 'KeyV')), () => ({ type: 'paste' })],
  [(k, mac) => ctrlShift(k, 'KeyF') || (mac && cmd(k, 'KeyF')), () => ({ type: 'search' })],
  [(k) => shiftOnly(k, 'PageUp'), () => ({ type: 'scroll', pages: -1 })],
  [(k) => shiftOnly(k, 'PageDown'), () => ({ type: 'scroll', pages: 1 })],
  [(k) => shiftOnly(k, 'Home'), () => ({ type: 'scroll-edge', to: 'top' })],
  [(k) => shiftOnly(k, 'End'), () => ({ type: 'scroll-edge', to: 'bottom' })],
  [(k) => altShift(k) && k.code === 'KeyT', () => ({ type: 'new-tab' })],
  [(k) => altShift(k) && k.code === 'ArrowRight', () => ({ type: 'next-tab', step: 1 })],
  [(k) => altShift(k) && k.code === 'ArrowLeft', () => ({ type: 'next-tab', step: -1 })],
  [
    (k) => altShift(k) && /^Digit[1-9]$/.test(k.code),
    (k) => ({ type: 'tab', index: Number(k.code.slice(5)) - 1 }),
  ],
];

/** The page's action for a key press, or undefined: the key goes to the terminal. */
export function shortcut(keys: Keys, mac: boolean): Action | undefined {
  const rule = rules.find(([matches]) => matches(keys, mac));
  return rule?.[1](keys);
}

export const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform);
