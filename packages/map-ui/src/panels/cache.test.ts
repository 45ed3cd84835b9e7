import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedCache, KeyedState } from './cache.js';

describe('KeyedCache', () => {
  it('asks each key once, shares the promise, and asks again after a failure', async () => {
    const c = new KeyedCache<number>();
    let asked = 0;
    const load = async () => ++asked;
    expect(await c.get('a', load)).toBe(1);
    expect(await c.get('a', load)).toBe(1);
    expect(await c.get('b', load)).toBe(2);
    await expect(c.get('c', async () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    await Promise.resolve();
    expect(c.has('c')).toBe(false);
    expect(await c.get('c', load)).toBe(3);
    c.clear();
    expect(c.has('a')).toBe(false);
    expect(c.current).toBe('');
  });

  it('knows which key the panel is on', () => {
    const c = new KeyedCache<number>();
    c.current = 'p@2';
    expect(c.isCurrent('p@2')).toBe(true);
    expect(c.isCurrent('p@1')).toBe(false);
  });
});

describe('KeyedState', () => {
  it('any sequence of keys: the state survives exactly while the key stays the same', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 30 }), (keys) => {
        const s = new KeyedState(() => ({ n: 0 }));
        let prev = '';
        let expected = 0;
        for (const k of keys) {
          expected = k === prev ? expected + 1 : 1;
          s.at(k).n++;
          expect(s.at(k).n).toBe(expected);
          expect(s.set(k === 'a' ? 'b' : 'a', { n: -1 })).toBe(false);
          prev = k;
        }
      }),
    );
  });

  it('set replaces the state of the current key only', () => {
    const s = new KeyedState<string>(() => 'idle');
    s.at('x');
    expect(s.set('x', 'running')).toBe(true);
    expect(s.value).toBe('running');
    expect(s.is('x')).toBe(true);
    expect(s.at('y')).toBe('idle');
  });
});
