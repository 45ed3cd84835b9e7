import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from './server.js';

describe('startServer', () => {
  it('listens, creates a bootstrap admin token on an empty store once, and stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beatplan-server-'));
    try {
      const s = await startServer({ port: 0, dataDir: dir, logLevel: 'silent' }, { bootstrapToken: true });
      expect(s.bootstrapToken).toMatch(/^bp_/);
      const health = await fetch(`${s.url}/api/v1/health`);
      expect(health.status).toBe(200);
      const me = await fetch(`${s.url}/api/v1/me`, { headers: { Authorization: `Bearer ${s.bootstrapToken}` } });
      expect(((await me.json()) as { role: string }).role).toBe('admin');
      await s.stop();
      const again = await startServer({ port: 0, dataDir: dir, logLevel: 'silent' }, { bootstrapToken: true });
      expect(again.bootstrapToken).toBeUndefined();
      await again.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
