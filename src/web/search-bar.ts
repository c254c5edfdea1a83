import type { SearchAddon } from '@xterm/addon-search';
import { $ } from './page.js';

const decorations = {
  matchBackground: '#5a4a00',
  activeMatchBackground: '#b58900',
  matchOverviewRuler: '#b58900',
  activeMatchColorOverviewRuler: '#ffd75f',
};

/**
 * The search bar (Ctrl+Shift+F): Enter finds the next match further up the scrollback,
 * Shift+Enter the one below, Escape closes it and gives the terminal its keys back.
 */
export function createSearchBar(current: () => { search: SearchAddon; focus(): void } | undefined) {
  const bar = $<HTMLElement>('search');
  const input = $<HTMLInputElement>('search-input');
  const count = $<HTMLElement>('search-count');
  /** Up the scrollback (towards older output) by default, the way history is read. */
  const find = (down: boolean) => {
    const view = current();
    if (!view || input.value === '') return;
    const options = { decorations, incremental: false };
    const found = down
      ? view.search.findNext(input.value, options)
      : view.search.findPrevious(input.value, options);
    count.textContent = found ? '' : 'not found';
  };
  const close = () => {
    bar.hidden = true;
    current()?.search.clearDecorations();
    current()?.focus();
  };
  input.onkeydown = (event) => {
    if (event.key === 'Enter') find(event.shiftKey);
    else if (event.key === 'Escape') close();
  };
  $<HTMLButtonElement>('search-up').onclick = () => find(false);
  $<HTMLButtonElement>('search-down').onclick = () => find(true);
  $<HTMLButtonElement>('search-close').onclick = close;
  return {
    open() {
      bar.hidden = false;
      input.select();
      input.focus();
    },
  };
}
