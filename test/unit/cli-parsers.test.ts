// Number and address option values: ranges, bases, and errors that name the option.
import {
  addressTail32,
  isMulticast,
  isSsm,
  parseHexId,
  parseHostPort,
  parseUid,
  resolveHost,
  splitList,
  uidOfAddress,
} from '../../lib/cli/common/addresses';
import { parseFingerprint } from '../../lib/cli/common/fingerprint';
import { parseInteger, RANGES } from '../../lib/cli/common/numbers';
import { UsageError } from '../../lib/cli/exit';

describe('parseInteger', () => {
  it('takes decimal within the range, and 0x hex only where allowed', () => {
    expect(parseInteger('p', 'port', '1044', RANGES.port)).toBe(1044);
    expect(parseInteger('Q', 'dscp', '0x2e', RANGES.dscp)).toBe(46);
    expect(parseInteger('Q', 'dscp', '0X3F', RANGES.dscp)).toBe(63);
    expect(parseInteger('N', 'priority', '-20', RANGES.nice)).toBe(-20);
    expect(() => parseInteger('p', 'port', '0x10', RANGES.port)).toThrow("-p: invalid port '0x10': not an integer");
  });

  it.each([
    ['p', 'port', '0', RANGES.port, '1-65535'],
    ['p', 'port', '65536', RANGES.port, '1-65535'],
    ['t', 'ttl', '256', RANGES.ttl, '0-255'],
    ['Q', 'dscp', '64', RANGES.dscp, '0-63'],
    ['Q', 'dscp', '0x40', RANGES.dscp, '0-63'],
    ['B', 'buffer size', '65535', RANGES.bufferSize, '65536-104857600'],
    ['B', 'buffer size', '104857601', RANGES.bufferSize, '65536-104857600'],
    ['g', 'max log size', '1025', RANGES.maxLogSizeMb, '1-1024'],
    ['n', 'max log count', '0', RANGES.maxLogCount, '1-1000'],
    ['x', 'log level', '6', RANGES.logLevel, '0-5'],
    ['N', 'priority', '20', RANGES.nice, '-20-19'],
    ['T', 'interval percentage', '9', RANGES.aggregationPct, '10-99'],
    ['T', 'interval percentage', '100', RANGES.aggregationPct, '10-99'],
  ])('-%s %s %s is out of range', (opt, what, text, range, shown) => {
    expect(() => parseInteger(opt, what, text, range)).toThrow(`-${opt}: invalid ${what} '${text}': must be ${shown}`);
  });

  it('octal, where asked for, reads a leading 0 as C\'s strtol(..., 0) does', () => {
    const c = { ...RANGES.dscp, octal: true };
    expect(parseInteger('Q', 'dscp', '077', c)).toBe(63);
    expect(parseInteger('Q', 'dscp', '010', c)).toBe(8);
    expect(parseInteger('Q', 'dscp', '0', c)).toBe(0);
    expect(parseInteger('Q', 'dscp', '10', c)).toBe(10);
    expect(parseInteger('Q', 'dscp', '0x10', c)).toBe(16);
    expect(() => parseInteger('Q', 'dscp', '09', c)).toThrow("-Q: invalid dscp '09': not a decimal, 0 octal or 0x hexadecimal integer");
    expect(parseInteger('Q', 'dscp', '010', RANGES.dscp)).toBe(10); // without it, decimal as before
  });

  it('rejects junk, empty and fractional values with a UsageError', () => {
    for (const text of ['', 'abc', '1.5', '12abc', ' 1', '0x']) {
      expect(() => parseInteger('x', 'log level', text, RANGES.logLevel)).toThrow(UsageError);
    }
  });
});

describe('address options', () => {
  it('-U: 0xNNNNNNNN or an IP (its last 4 bytes); 0 and all-ones are reserved', () => {
    expect(parseUid('U', '0x11223344')).toBe(0x11223344);
    expect(parseUid('U', '0x123')).toBe(0x123);
    expect(parseUid('U', '198.18.1.5')).toBe(0xc6120105);
    expect(parseUid('U', 'fd00:198:18:1::a:b')).toBe(0x000a000b);
    expect(() => parseUid('U', '0x0')).toThrow('reserved');
    expect(() => parseUid('U', '255.255.255.255')).toThrow('reserved');
    expect(() => parseUid('U', '0x123456789')).toThrow("-U: invalid unique ID '0x123456789'");
    expect(() => parseUid('U', 'zz')).toThrow(UsageError);
  });

  it('parseHexId: uftpd\'s -U and list IDs, hex with or without 0x, 0 and all-ones reserved', () => {
    expect(parseHexId('-U', 'unique ID', '1234')).toBe(0x1234);
    expect(parseHexId('-U', 'unique ID', '0xABCDEF01')).toBe(0xabcdef01);
    expect(parseHexId('-U', 'unique ID', '0Xff')).toBe(0xff);
    expect(() => parseHexId('-U', 'unique ID', '0')).toThrow("-U: invalid unique ID '0': 0 and 0xFFFFFFFF are reserved");
    expect(() => parseHexId('-U', 'unique ID', 'ffffffff')).toThrow('reserved');
    for (const bad of ['', '0x', '123456789', '1.2.3.4', 'g', ' 1', '+1']) {
      expect(() => parseHexId('-S f line 2', 'ID', bad)).toThrow(`-S f line 2: invalid ID '${bad}': want 1-8 hex digits`);
    }
  });

  it('uidOfAddress: IPv4 as a number; IPv6 the last 4 bytes reversed, as the real programs send it', () => {
    expect(uidOfAddress('198.18.0.2')).toBe(0xc6120002);
    expect(uidOfAddress('fd00:198:18::a:b0c')).toBe(0x0c0b0a00);
    expect(uidOfAddress('fd00::1')).toBe(0x01000000);
    expect(uidOfAddress('fe80::213:72ff:fed6:69ca')).toBe(0xca69d6fe);
    expect(uidOfAddress('::ffff:198.18.250.1')).toBe(0x01fa12c6);
  });

  it('parseFingerprint: 20 hex bytes, upper-cased', () => {
    const fp = '66:1e:c9:1d:fc:99:db:60:b0:1a:f0:8f:ca:f4:28:27:a6:be:94:bc';
    expect(parseFingerprint('-R', fp)).toBe(fp.toUpperCase());
    expect(() => parseFingerprint('-R', fp.slice(3))).toThrow("-R: invalid fingerprint '");
    expect(() => parseFingerprint('-R', `${fp}:00`)).toThrow(UsageError);
  });

  it('addressTail32 reads IPv4, IPv6 with "::" anywhere, and an embedded IPv4 tail', () => {
    expect(addressTail32('1.2.3.4')).toBe(0x01020304);
    expect(addressTail32('::1')).toBe(1);
    expect(addressTail32('fe80::')).toBe(0);
    expect(addressTail32('::ffff:198.18.250.1')).toBe(0xc612fa01);
    expect(addressTail32('1:2:3:4:5:6:7:8')).toBe(0x00070008);
  });

  it('host[:port] items, with brackets for IPv6 and the default port when none is given', () => {
    expect(parseHostPort('H', 'proxy', 1044)).toEqual({ host: 'proxy', port: 1044 });
    expect(parseHostPort('H', '198.18.250.1:2000', 1044)).toEqual({ host: '198.18.250.1', port: 2000 });
    expect(parseHostPort('H', 'fe80::1', 1044)).toEqual({ host: 'fe80::1', port: 1044 });
    expect(parseHostPort('H', '[fe80::1]:7', 1044)).toEqual({ host: 'fe80::1', port: 7 });
    expect(() => parseHostPort('H', 'a:b', 1044)).toThrow("-H: invalid port 'b' in 'a:b'");
    expect(() => parseHostPort('H', 'a:0', 1044)).toThrow('must be 1-65535');
    expect(() => parseHostPort('H', ':5', 1044)).toThrow("-H: missing host in ':5'");
  });

  it('lists split on commas and refuse empty items', () => {
    expect(splitList('I', 'eth0,eth1')).toEqual(['eth0', 'eth1']);
    expect(() => splitList('M', '230.4.4.1,,230.4.4.2')).toThrow("-M: empty item in list '230.4.4.1,,230.4.4.2'");
  });

  it('multicast and SSM ranges as the page gives them (232/8, ff30::/96)', () => {
    expect(isMulticast('230.4.4.1')).toBe(true);
    expect(isMulticast('240.0.0.1')).toBe(false);
    expect(isMulticast('ff15::1')).toBe(true);
    expect(isMulticast('fe80::1')).toBe(false);
    expect(isSsm('232.1.2.3')).toBe(true);
    expect(isSsm('230.4.4.1')).toBe(false);
    expect(isSsm('ff35::1234:5678')).toBe(true);
    expect(isSsm('ff35::1:0:0:1')).toBe(false);
    expect(isSsm('ff15::1')).toBe(false);
  });

  it('resolveHost keeps literals of the family, refuses the other family, looks names up', async () => {
    await expect(resolveHost('s', '198.18.250.3', 4)).resolves.toBe('198.18.250.3');
    await expect(resolveHost('s', '::1', 4)).rejects.toThrow("-s: '::1' is not an IPv4 address");
    await expect(resolveHost('s', 'localhost', 4)).resolves.toMatch(/^127\./);
    await expect(resolveHost('s', 'no-such-host.invalid', 4)).rejects.toThrow("-s: invalid name/address 'no-such-host.invalid'");
  });

  it("resolveHost 'any' keeps literals of either family and takes the resolver's first address", async () => {
    await expect(resolveHost('H', 'fd00::1', 'any')).resolves.toBe('fd00::1');
    await expect(resolveHost('H', '198.18.0.1', 'any')).resolves.toBe('198.18.0.1');
    await expect(resolveHost('H', 'localhost', 'any')).resolves.toMatch(/^(127\.|::1$)/);
  });
});
