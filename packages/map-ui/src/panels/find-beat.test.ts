// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { FindBeatBox } from './find-beat.js';

describe('FindBeatBox', () => {
  it('suggests the plan’s beats, selects the best match on Enter, and says when nothing matches', () => {
    const picked: number[] = [];
    const said: string[] = [];
    const ids = ['1012', '311', '1011'];
    const box = new FindBeatBox({ beatIds: () => ids, pick: (b) => picked.push(b), say: (m) => said.push(m) });
    const form = box.mount(document.body);
    box.render();
    expect([...document.querySelectorAll('#find-beat-list option')].map((o) => (o as HTMLOptionElement).value)).toEqual([
      '311',
      '1011',
      '1012',
    ]);
    const input = document.getElementById('find-beat-input') as HTMLInputElement;
    expect(document.querySelector('label[for="find-beat-input"]')?.textContent).toBe('Find beat');
    input.value = '1011';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(picked).toEqual([2]);
    expect(box.find('31')).toBe(1);
    expect(box.find('999')).toBeNull();
    expect(said).toEqual(['No beat matches “999”.']);
  });
});
