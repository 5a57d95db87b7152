import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientKey } from '../auth/request';
import { resetEnvCache } from '../env';
import { PEER_HEADER } from '../net/peer';
import { clientAddress, parseTrustedProxies } from './client-address';

const req = (peer: string, xff?: string) =>
  new Headers({ [PEER_HEADER]: peer, ...(xff && { 'x-forwarded-for': xff }) });

describe('one client-address parser', () => {
  beforeAll(() => {
    process.env.TRUSTED_PROXIES = '10.0.0.1, 10.0.0.2 fd00::/8';
    resetEnvCache();
  });
  afterAll(() => {
    delete process.env.TRUSTED_PROXIES;
    resetEnvCache();
  });

  it('behind two trusted proxies, ingest and sign-in both see the real client, not the first proxy', () => {
    const h = req('10.0.0.2', '203.0.113.9, 10.0.0.1');
    expect(clientAddress(h)).toBe('203.0.113.9');
    expect(clientKey(h)).toBe('203.0.113.9');
    // Two users behind the same pair of proxies get two lockout buckets.
    expect(clientKey(req('10.0.0.2', '198.51.100.4, 10.0.0.1'))).not.toBe(clientKey(h));
  });

  it('ignores X-Forwarded-For from an untrusted peer, and a spoofed left-most entry', () => {
    expect(clientKey(req('192.0.2.50', '203.0.113.9'))).toBe('192.0.2.50');
    expect(clientKey(req('10.0.0.2', '1.2.3.4, 203.0.113.9'))).toBe('203.0.113.9');
    expect(clientKey(req('::ffff:10.0.0.1', '203.0.113.7'))).toBe('203.0.113.7');
    expect(clientKey(req('fd00::5', '2001:db8::7'))).toBe('2001:db8::7');
  });

  it('refuses a malformed TRUSTED_PROXIES entry', () => {
    expect(() => parseTrustedProxies('10.0.0.0/99')).toThrow(/TRUSTED_PROXIES/);
    expect(() => parseTrustedProxies('proxy.local')).toThrow(/TRUSTED_PROXIES/);
  });
});
