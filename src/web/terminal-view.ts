import { ClipboardAddon, type IClipboardProvider } from '@xterm/addon-clipboard';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import { type Action, isMac, shortcut } from './keys.js';

/**
 * Programs may put text on the clipboard (OSC 52), but never read it: what a user copied
 * elsewhere is not for whatever runs in the terminal.
 */
const writeOnlyClipboard: IClipboardProvider = {
  readText: async () => '',
  writeText: async (_selection, text) => navigator.clipboard.writeText(text),
};

/**
 * The queries tmux answers itself, as the terminal of the pane: the browser's terminal must
 * not answer them a second time (the answer would be typed into the program).
 */
function leaveQueriesToTmux(term: Terminal) {
  const parser = term.parser;
  parser.registerCsiHandler({ final: 'c' }, () => true);
  parser.registerCsiHandler({ prefix: '>', final: 'c' }, () => true);
  parser.registerCsiHandler({ prefix: '>', final: 'q' }, () => true);
  parser.registerCsiHandler({ final: 'n' }, (params) => params[0] === 5 || params[0] === 6);
  parser.registerCsiHandler({ final: 't' }, (params) => params[0] === 18);
}

/** The WebGL renderer where the browser has it, the DOM renderer where it does not. */
function fastRenderer(term: Terminal) {
  try {
    const webgl = new WebglAddon();
    webgl.onContextLoss(() => webgl.dispose());
    term.loadAddon(webgl);
  } catch {
    // No WebGL (no GPU, or too many contexts): xterm.js keeps its DOM renderer.
  }
}

/**
 * On the normal screen, the wheel scrolls the scrollback by as much as it turned (a notch, or
 * a trackpad's pixels), and never reaches the program. On a program's alternate screen or
 * with mouse reporting on, xterm.js passes it on as a plain terminal does (arrow keys for
 * `less`, mouse events for `vim` with the mouse on).
 */
function scrollByWheel(term: Terminal, element: HTMLElement) {
  let pending = 0;
  // Caught on the way down, before xterm.js's own scrolling (which moves a notch whatever
  // the event says) sees it.
  const onWheel = (event: WheelEvent) => {
    if (term.buffer.active.type !== 'normal' || term.modes.mouseTrackingMode !== 'none') return;
    const rowPixels = element.clientHeight / term.rows;
    pending +=
      event.deltaMode === WheelEvent.DOM_DELTA_LINE
        ? event.deltaY
        : event.deltaMode === WheelEvent.DOM_DELTA_PAGE
          ? event.deltaY * term.rows
          : event.deltaY / rowPixels;
    const lines = Math.trunc(pending);
    pending -= lines;
    if (lines !== 0) term.scrollLines(lines);
    event.preventDefault();
    event.stopPropagation();
  };
  element.addEventListener('wheel', onWheel, { capture: true, passive: false });
}

export interface TerminalView {
  term: Terminal;
  search: SearchAddon;
  fit(): void;
  onInput(listener: (data: string) => void): void;
  focus(): void;
  dispose(): void;
}

/**
 * One xterm.js terminal in `element`, with scrollback, links, the clipboard (copy with
 * Ctrl+Shift+C or Cmd+C, paste with Ctrl+Shift+V, Cmd+V or a right click, OSC 52 from
 * programs), search, Unicode 11 widths and WebGL. Page-wide shortcuts go to `onAction`.
 */
export function createTerminalView(
  element: HTMLElement,
  onAction: (action: Action) => void,
): TerminalView {
  const term = new Terminal({
    cursorBlink: true,
    fontSize: 14,
    scrollback: 10_000,
    allowProposedApi: true,
    theme: { background: '#1e1e1e' },
  });
  const fit = new FitAddon();
  const search = new SearchAddon();
  for (const addon of [fit, search, new WebLinksAddon(), new Unicode11Addon()])
    term.loadAddon(addon);
  term.loadAddon(new ClipboardAddon(undefined, writeOnlyClipboard));
  term.unicode.activeVersion = '11';
  term.open(element);
  fastRenderer(term);
  leaveQueriesToTmux(term);

  const input = orderedInput(term);
  const paste = () => input.paste(navigator.clipboard.readText().catch(() => ''));
  const act = (action: Action) => {
    if (action.type === 'copy') {
      if (term.hasSelection()) void navigator.clipboard.writeText(term.getSelection());
    } else if (action.type === 'paste') void paste();
    else if (action.type === 'scroll') term.scrollPages(action.pages);
    else if (action.type === 'scroll-edge')
      action.to === 'top' ? term.scrollToTop() : term.scrollToBottom();
    else onAction(action);
  };
  const mac = isMac();
  term.attachCustomKeyEventHandler((event) => {
    const action = shortcut(event, mac);
    if (!action) return true;
    if (event.type === 'keydown') {
      // The browser's own paste would paste a second time.
      event.preventDefault();
      act(action);
    }
    return false;
  });
  scrollByWheel(term, element);
  element.addEventListener('contextmenu', (event) => {
    event.preventDefault();
    void paste();
  });

  return {
    term,
    /** What the user types and pastes, in the order they did it. */
    onInput: input.onInput,
    search,
    fit: () => fit.fit(),
    focus: () => term.focus(),
    dispose: () => term.dispose(),
  };
}

/**
 * The terminal's input in the order the user gave it: reading the clipboard takes a
 * moment, and what is typed meanwhile waits for the paste instead of overtaking it.
 */
function orderedInput(term: Terminal) {
  const listeners: ((data: string) => void)[] = [];
  const send = (data: string) => {
    for (const listener of listeners) listener(data);
  };
  let chain: Promise<void> | undefined;
  let pasting = false;
  const enqueue = (step: () => void | Promise<void>) => {
    const next = (chain ?? Promise.resolve()).then(step);
    chain = next;
    void next.then(() => {
      if (chain === next) chain = undefined;
    });
  };
  term.onData((data) => {
    if (pasting || !chain) send(data);
    else enqueue(() => send(data));
  });
  return {
    onInput: (listener: (data: string) => void) => void listeners.push(listener),
    paste(text: Promise<string>) {
      enqueue(async () => {
        const pasted = await text;
        pasting = true;
        try {
          if (pasted) term.paste(pasted);
        } finally {
          pasting = false;
        }
      });
    },
  };
}
