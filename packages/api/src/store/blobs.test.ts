/**
 * Blobs on the test store (SQLite, and PostgreSQL in the postgres project): `putBlob(data, ref)`
 * stores under a server-derived ref once (a second write of that ref keeps the first), refuses a
 * ref that is not a UUID, and `deleteBlob` removes a blob (and nothing for an unknown ref).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobCount, type Harness, removeDir, startHarness } from '../testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('putBlob with a ref', () => {
  it('stores once: a second write of the same ref, in turn or at the same moment, keeps the first', async () => {
    const before = await blobCount(h);
    const ref = randomUUID();
    expect(await h.store.putBlob(Buffer.from('first'), ref)).toBe(ref);
    expect(await h.store.putBlob(Buffer.from('second'), ref)).toBe(ref);
    expect((await h.store.getBlob(ref)).toString()).toBe('first');
    const racing = randomUUID();
    const got = await Promise.all(['a', 'b', 'c'].map((t) => h.store.putBlob(Buffer.from(t.repeat(100_000)), racing)));
    expect(got).toEqual([racing, racing, racing]);
    const text = (await h.store.getBlob(racing)).toString();
    expect(['a', 'b', 'c'].map((t) => t.repeat(100_000))).toContain(text);
    expect(await blobCount(h)).toBe(before + 2);
  });

  it('refuses a ref that is not a UUID (never a client path)', async () => {
    for (const bad of ['../beatplan.sqlite', 'x', ''])
      await expect(h.store.putBlob(Buffer.from('x'), bad)).rejects.toThrow(/invalid blob ref/);
  });
});

describe('deleteBlob', () => {
  it('deletes a blob; an unknown ref is nothing to do', async () => {
    const ref = await h.store.putBlob(Buffer.from('gone soon'));
    const before = await blobCount(h);
    await h.store.deleteBlob(ref);
    expect(await blobCount(h)).toBe(before - 1);
    await expect(h.store.getBlob(ref)).rejects.toThrow();
    await h.store.deleteBlob(randomUUID());
    expect(await blobCount(h)).toBe(before - 1);
  });
});
