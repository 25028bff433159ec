import { describe, expect, it } from '@jest/globals';
import { Allowlist, DEFAULT_ALLOWLIST, allowlistRefusal, parseAddress, parseRange } from '../src/index.ts';
import { INJECTION_PAYLOADS } from './support/payloads.ts';

const canonical = (text: string) => {
  const parsed = parseAddress(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.address.text;
};

describe('parseAddress', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:1:0:0:0', '2001:db8:0:0:1::'],
    ['::', '::'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['::FFFF:c633:6407', '198.51.100.7'],
    ['64:ff9b::198.51.100.7', '64:ff9b::c633:6407'],
  ])('canonicalizes %s to %s', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it.each(INJECTION_PAYLOADS)('refuses %j with a reason', (payload) => {
    const parsed = parseAddress(payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toMatch(/not an IP address|empty|must be a string/);
      // the reason quotes the text on one line, cut short
      expect(parsed.reason).not.toContain('\n');
      expect(parsed.reason.length).toBeLessThan(300);
    }
  });

  it('refuses what is no string at all', () => {
    for (const value of [undefined, null, 16909060, ['1.2.3.4'], { ip: '1.2.3.4' }]) expect(parseAddress(value)).toMatchObject({ ok: false, reason: expect.stringMatching(/must be a string/) });
  });
});

describe('parseRange', () => {
  it('takes CIDRs and single addresses, canonical', () => {
    expect(parseRange('203.0.113.0/24')).toMatchObject({ ok: true, range: { cidr: '203.0.113.0/24', bits: 24 } });
    expect(parseRange('2001:DB8::/32')).toMatchObject({ ok: true, range: { cidr: '2001:db8::/32', bits: 32 } });
    expect(parseRange('192.0.2.7')).toMatchObject({ ok: true, range: { cidr: '192.0.2.7/32' } });
  });

  it('refuses host bits, bad prefix lengths and mapped ranges', () => {
    expect(parseRange('10.0.0.1/8')).toMatchObject({ ok: false, reason: expect.stringContaining('did you mean 10.0.0.0/8') });
    expect(parseRange('10.0.0.0/33')).toMatchObject({ ok: false });
    expect(parseRange('10.0.0.0/08')).toMatchObject({ ok: false });
    expect(parseRange('10.0.0.0/')).toMatchObject({ ok: false });
    expect(parseRange('::ffff:10.0.0.0/104')).toMatchObject({ ok: false, reason: expect.stringContaining('as IPv4') });
  });
});

describe('Allowlist', () => {
  const allowlist = new Allowlist({ extra: ['203.0.113.0/24'], defaults: true, localAddresses: () => [{ iface: 'eth0', address: '198.51.100.1' }, { iface: 'eth0', address: 'fe80::1%eth0' }] });
  const match = (text: string) => {
    const parsed = parseAddress(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    const entry = allowlist.match(parsed.address);
    return entry === undefined ? undefined : allowlistRefusal(parsed.address, entry);
  };

  it.each([
    ['127.0.0.1', '127.0.0.0/8 (loopback'],
    ['10.1.2.3', '10.0.0.0/8 (private (RFC 1918)'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.168.1.1', '192.168.0.0/16'],
    ['169.254.0.9', '169.254.0.0/16 (link-local'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['239.1.1.1', '224.0.0.0/4 (multicast'],
    ['255.255.255.255', '255.255.255.255/32 (broadcast'],
    ['::1', '::1/128 (loopback'],
    ['::', '::/128 (unspecified'],
    ['fe80::abcd', 'fe80::/10 (link-local'],
    ['fd12:3456::1', 'fc00::/7 (unique local (ULA)'],
    ['ff02::1', 'ff00::/8 (multicast'],
    ['::ffff:10.0.0.1', '10.0.0.0/8'],
    ['203.0.113.99', '203.0.113.0/24 (from the configuration)'],
    ['198.51.100.1', '198.51.100.1/32 (an address of this host (eth0))'],
  ])('never blocks %s, naming the entry that matched', (ip, entry) => {
    expect(match(ip)).toContain(`is in ${entry}`);
  });

  it('lets other addresses through', () => {
    for (const ip of ['198.51.100.7', '8.8.8.8', '2001:db8::1', '172.32.0.1', '100.64.0.1', '198.18.0.1']) expect(match(ip)).toBeUndefined();
  });

  it('drops the defaults when told, keeping the configuration and the host itself', () => {
    const bare = new Allowlist({ extra: ['192.0.2.0/24'], defaults: false, localAddresses: () => [{ iface: 'lo', address: '127.0.0.1' }] });
    const entry = (text: string) => {
      const parsed = parseAddress(text);
      return parsed.ok ? bare.match(parsed.address)?.range.cidr : 'unparsed';
    };
    expect(entry('10.1.2.3')).toBeUndefined();
    expect(entry('192.0.2.1')).toBe('192.0.2.0/24');
    expect(entry('127.0.0.1')).toBe('127.0.0.1/32');
    expect(bare.entries).toHaveLength(1);
    expect(new Allowlist({ extra: [], defaults: true }).entries).toHaveLength(DEFAULT_ALLOWLIST.length);
  });

  it("allowlists this machine's own addresses by default (os.networkInterfaces)", () => {
    const own = new Allowlist({ extra: [], defaults: false });
    const parsed = parseAddress('127.0.0.1');
    expect(parsed.ok && own.match(parsed.address)?.source).toMatch(/an address of this host/);
  });
});
