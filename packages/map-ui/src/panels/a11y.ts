/**
 * Keyboard patterns of the panels: arrow keys in the tab list (WAI-ARIA tabs, automatic
 * activation, roving tabindex) and a focus trap in dialogs.
 */

/**
 * Makes `tablist`'s tabs keyboard-operable: Left/Right (wrapping), Home and End move the focus
 * and select the tab (`onSelect(index)`); only the selected tab is in the Tab order.
 * @returns a function that marks tab `index` as the selected one (tabindex 0, others −1)
 */
export function wireTabs(tablist: HTMLElement, onSelect: (index: number) => void): (index: number) => void {
  const tabs = () => Array.from(tablist.querySelectorAll<HTMLElement>('[role=tab]'));
  const mark = (index: number) => tabs().forEach((t, k) => t.setAttribute('tabindex', k === index ? '0' : '-1'));
  tablist.addEventListener('keydown', (e) => {
    const all = tabs();
    const at = all.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    const to =
      e.key === 'ArrowRight'
        ? (at + 1) % all.length
        : e.key === 'ArrowLeft'
          ? (at - 1 + all.length) % all.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? all.length - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    e.stopPropagation();
    all[to]!.focus();
    mark(to);
    onSelect(to);
  });
  mark(
    Math.max(
      0,
      tabs().findIndex((t) => t.getAttribute('aria-selected') === 'true'),
    ),
  );
  return mark;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps the focus inside `dialog` while it is shown: Tab from the last focusable element goes
 * to the first, Shift+Tab from the first to the last; Escape calls `onEscape`.
 */
export function trapFocus(dialog: HTMLElement, onEscape: () => void): void {
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onEscape();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((x) => !x.closest('[hidden]'));
    if (!items.length) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const at = document.activeElement;
    if (e.shiftKey && (at === first || !dialog.contains(at))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (at === last || !dialog.contains(at))) {
      e.preventDefault();
      first.focus();
    }
  });
}
