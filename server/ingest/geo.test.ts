import { describe, expect, it } from 'vitest';
import { lookupIp, normalizeIp, parseIPv6 } from './geo';

describe('geo', () => {
  it('parses IPv6 text', () => {
    expect(parseIPv6('::1')).toBe(1n);
    expect(parseIPv6('2001:db8::')).toBe(0x20010db8n << 96n);
    expect(parseIPv6('::ffff:1.2.3.4')).toBe((0xffffn << 32n) | 0x01020304n);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
  });

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(normalizeIp('::ffff:1.1.1.1')).toBe('1.1.1.1');
    expect(normalizeIp('::ffff:101:101')).toBe('1.1.1.1');
    expect(normalizeIp('[2001:db8::1]')).toBe('2001:db8::1');
  });

  it('maps known addresses to their ASN, ISP and country from the real database', () => {
    // 1.1.1.0/24: asn-ipv4-num.csv row "16843008,16843263,13335,Cloudflare, Inc."
    expect(lookupIp('1.1.1.1')).toMatchObject({ asn: 13335, isp: 'Cloudflare, Inc.' });
    expect(lookupIp('::ffff:1.1.1.1').asn).toBe(13335);
    // 2606:4700:4700::1111 is Cloudflare's resolver
    expect(lookupIp('2606:4700:4700::1111').asn).toBe(13335);
    expect(lookupIp('8.8.8.8')).toMatchObject({ asn: 15169, country: 'US' });
  });

  it('maps private, loopback and garbage to ASN 0 unknown', () => {
    for (const ip of [
      '10.1.2.3',
      '192.168.0.1',
      '172.20.1.1',
      '100.64.1.1',
      'fd00::5',
      '2001:db8::1',
      '127.0.0.1',
      '::1',
      'fe80::1',
      'not-an-ip',
      '',
    ]) {
      expect(lookupIp(ip)).toEqual({ asn: 0, isp: 'unknown', country: '' });
    }
  });
});
