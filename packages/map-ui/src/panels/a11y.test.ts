// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { trapFocus, wireTabs } from './a11y.js';

const key = (target: Element, k: string, shiftKey = false) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }));

describe('tabs', () => {
  it('arrow keys, Home and End move the focus and select; only the selected tab is tabbable', () => {
    document.body.innerHTML =
      '<div role="tablist"><button role="tab" aria-selected="true">A</button><button role="tab">B</button><button role="tab">C</button></div>';
    const list = document.querySelector<HTMLElement>('[role=tablist]')!;
    const tabs = Array.from(list.querySelectorAll<HTMLElement>('[role=tab]'));
    const picked: number[] = [];
    wireTabs(list, (k) => picked.push(k));
    expect(tabs.map((t) => t.getAttribute('tabindex'))).toEqual(['0', '-1', '-1']);
    tabs[0]!.focus();
    key(tabs[0]!, 'ArrowRight');
    expect(document.activeElement).toBe(tabs[1]);
    key(tabs[1]!, 'End');
    key(tabs[2]!, 'ArrowRight');
    key(tabs[0]!, 'ArrowLeft');
    key(tabs[2]!, 'Home');
    expect(picked).toEqual([1, 2, 0, 2, 0]);
    expect(tabs.map((t) => t.getAttribute('tabindex'))).toEqual(['0', '-1', '-1']);
  });
});

describe('focus trap', () => {
  it('Tab from the last control goes to the first, Shift+Tab from the first to the last; Escape closes', () => {
    document.body.innerHTML =
      '<div id="d"><button id="a">a</button><input id="b" /><button id="c">c</button></div><button id="outside">x</button>';
    const d = document.getElementById('d')!;
    let closed = 0;
    trapFocus(d, () => closed++);
    document.getElementById('c')!.focus();
    key(document.getElementById('c')!, 'Tab');
    expect(document.activeElement?.id).toBe('a');
    key(document.getElementById('a')!, 'Tab', true);
    expect(document.activeElement?.id).toBe('c');
    key(document.getElementById('c')!, 'Escape');
    expect(closed).toBe(1);
  });
});
