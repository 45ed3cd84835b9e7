/** Small helpers shared by tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BeatplanError } from '../../packages/engine/src/errors.js';

/** Writes `content` (JSON-stringified unless a string or Buffer) to `dir/name` and returns the path. */
export function writeTempFile(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return path;
}

/** Awaits `p`, which must reject with a BeatplanError, and returns that error. */
export async function rejection(p: Promise<unknown>): Promise<BeatplanError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BeatplanError);
    return e as BeatplanError;
  }
  throw new Error('expected a BeatplanError');
}
