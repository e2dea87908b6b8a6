// interfaces() against what the kernel shows in /sys/class/net, and resolveInterface lookups.
import { existsSync } from 'node:fs';
import { interfaces, resolveInterface } from '../../lib/net';
import { readNumber } from './net-helpers';

const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_MULTICAST = 0x1000;

describe('interfaces()', () => {
  const list = interfaces();

  test('sees lo with 127.0.0.1/8 and ::1/128', () => {
    const lo = list.find((i) => i.name === 'lo');
    expect(lo).toBeDefined();
    expect(lo!.index).toBe(readNumber('/sys/class/net/lo/ifindex'));
    expect(lo!.up).toBe(true);
    expect(lo!.loopback).toBe(true);
    expect(lo!.addresses).toEqual(
      expect.arrayContaining([
        { family: 4, address: '127.0.0.1', prefixLength: 8 },
        { family: 6, address: '::1', prefixLength: 128 },
      ]),
    );
  });

  // Lab tests may add or remove interfaces meanwhile: compare those both listings hold.
  test('indexes and flags match /sys/class/net', () => {
    const present = list.filter((i) => existsSync(`/sys/class/net/${i.name}/ifindex`));
    expect(present.length).toBeGreaterThan(0);
    for (const ifc of present) {
      const flags = readNumber(`/sys/class/net/${ifc.name}/flags`);
      expect([ifc.name, ifc.index, ifc.loopback, ifc.multicast]).toEqual([
        ifc.name,
        readNumber(`/sys/class/net/${ifc.name}/ifindex`),
        (flags & IFF_LOOPBACK) !== 0,
        (flags & IFF_MULTICAST) !== 0,
      ]);
    }
    const lo = list.find((i) => i.name === 'lo')!;
    expect(lo.up).toBe((readNumber('/sys/class/net/lo/flags') & IFF_UP) !== 0);
  });
});

describe('resolveInterface()', () => {
  const loIndex = readNumber('/sys/class/net/lo/ifindex');

  test('finds lo by name, index and address of either family', () => {
    expect(resolveInterface('lo', 4).index).toBe(loIndex);
    expect(resolveInterface(loIndex, 6).name).toBe('lo');
    expect(resolveInterface('127.0.0.1', 4).name).toBe('lo');
    expect(resolveInterface('::1', 6).name).toBe('lo');
    expect(resolveInterface('0:0:0::1', 6).name).toBe('lo');
  });

  test('says what it could not find', () => {
    expect(() => resolveInterface('nope0', 4)).toThrow("no interface named 'nope0'");
    expect(() => resolveInterface(999999, 4)).toThrow('no interface with index 999999');
    expect(() => resolveInterface('198.51.100.77', 4)).toThrow("no interface has the address '198.51.100.77'");
    expect(() => resolveInterface('::1', 4)).toThrow("interface address '::1' is not an IPv4 address");
    expect(() => resolveInterface(-1, 4)).toThrow(RangeError);
  });
});
