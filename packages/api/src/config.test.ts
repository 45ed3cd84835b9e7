import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  it('defaults: loopback, CORS off', () => {
    const c = parseConfig([], {});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', corsOrigins: [], jobConcurrency: 1 });
  });
  it('arguments win over the environment', () => {
    const c = parseConfig(['--port', '9000', '--data', '/tmp/x'], {
      BEATPLAN_PORT: '7000',
      BEATPLAN_CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(c).toMatchObject({ port: 9000, dataDir: '/tmp/x', corsOrigins: ['https://a.example', 'https://b.example'] });
  });
  it('names the invalid setting', () => {
    expect(() => parseConfig(['--port', 'eighty'], {})).toThrow(/port \(BEATPLAN_PORT\)/);
    expect(() => parseConfig(['--bogus'], {})).toThrow();
  });
});
