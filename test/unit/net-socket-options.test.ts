// Real sockets in the root namespace: bind, errors with errno, options read back with getsockopt.
import { constants } from 'node:os';
import { types } from 'node:util';
import { UdpSocket, type SyscallError } from '../../lib/net';
import { readNumber, thrown, useSockets } from './net-helpers';

const loIndex = readNumber('/sys/class/net/lo/ifindex');
const socket = useSockets();

describe.each([4, 6] as const)('IPv%i socket', (family) => {
  const loopback = family === 4 ? '127.0.0.1' : '::1';
  const any = family === 4 ? '0.0.0.0' : '::';

  test('binds to an ephemeral port and reports it', () => {
    const s = socket(family);
    s.bind(loopback, 0);
    const { address, port } = s.address();
    expect(address).toBe(loopback);
    expect(port).toBeGreaterThan(0);
    const t = socket(family);
    t.bind(any, 0);
    expect(t.address().address).toBe(any);
  });

  test('EADDRINUSE when reuseAddr is off, with code, errno and syscall', () => {
    const a = socket(family, false);
    a.bind(loopback, 0);
    const b = socket(family, false);
    const err = thrown(() => b.bind(loopback, a.address().port));
    // The addon makes its errors in Node's realm, not jest's: instanceof cannot see them.
    expect(types.isNativeError(err)).toBe(true);
    expect(err.code).toBe('EADDRINUSE');
    expect(err.errno).toBe(-constants.errno.EADDRINUSE); // negative, as Node reports it
    expect(err.syscall).toBe('bind');
    expect(err.message).toMatch(/^bind EADDRINUSE/);
  });

  test('two sockets share a port with reuseAddr on (the default)', () => {
    const a = socket(family);
    a.bind(any, 0);
    const b = socket(family);
    expect(() => b.bind(any, a.address().port)).not.toThrow();
  });

  test('DSCP sets the TOS byte / traffic class', () => {
    const s = socket(family);
    expect(s.getTos()).toBe(0);
    s.setDscp(46);
    expect(s.getTos()).toBe(0xb8);
    s.setDscp(0);
    expect(s.getTos()).toBe(0);
  });

  test('the DSCP marking names the kernel option that carries it, and none for DSCP 0', () => {
    const s = socket(family);
    expect(s.dscpMarking()).toEqual({ mechanism: 'none', detail: 'no marking asked' });
    s.setDscp(46);
    expect(s.dscpMarking()).toEqual({ mechanism: family === 4 ? 'IP_TOS' : 'IPV6_TCLASS', detail: 'applied by the kernel' });
    s.setDscp(0);
    expect(s.dscpMarking()).toEqual({ mechanism: 'none', detail: 'no marking asked (DSCP 0)' });
  });

  test('multicast TTL, loopback and egress interface', () => {
    const s = socket(family);
    s.setMulticastTtl(7);
    expect(s.getMulticastTtl()).toBe(7);
    expect(() => s.setMulticastLoopback(false)).not.toThrow();
    expect(s.getMulticastInterface()).toBe(0);
    s.setMulticastInterface('lo');
    expect(s.getMulticastInterface()).toBe(loIndex);
    s.setMulticastInterface(loopback);
    expect(s.getMulticastInterface()).toBe(loIndex);
  });

  test('bad arguments name the argument', () => {
    const s = socket(family);
    expect(() => s.setDscp(64)).toThrow(RangeError);
    expect(() => s.setDscp(64)).toThrow(/dscp .*0 to 63.*64/);
    expect(() => s.setMulticastTtl(300)).toThrow(/ttl .*0 to 255.*300/);
    expect(() => s.bind(loopback, 70000)).toThrow(/port .*70000/);
    expect(() => s.bind('300.1.2.3', 0)).toThrow(TypeError);
    expect(() => s.bind('300.1.2.3', 0)).toThrow(`address '300.1.2.3' is not an IPv${family} address`);
    expect(() => s.send(Buffer.from('x'), loopback, 70000)).toThrow(/port/);
    expect(() => s.send('x' as unknown as Buffer, loopback, 9)).toThrow(/data/);
    expect(() => s.setRecvBufferSize(0)).toThrow(/bytes/);
    expect(() => s.setSendBufferSize(200 * 1024 * 1024)).toThrow(/bytes .*104857600/);
    expect(() => s.sendBatch([{ data: Buffer.from('x'), address: loopback, port: 0 }])).toThrow(/datagrams\[0\]\.port/);
    expect(() => UdpSocket.open({ family: 5 as 4 })).toThrow(/family/);
  });

  test('joining on a missing interface or a unicast group says so', () => {
    const s = socket(family);
    const group = family === 4 ? '239.1.2.3' : 'ff15::1:2';
    expect(() => s.joinGroup(group, 'nope0')).toThrow("no interface named 'nope0'");
    expect(() => s.joinSourceGroup(group, loopback, 'nope0')).toThrow("no interface named 'nope0'");
    expect(() => s.joinGroup(loopback, 'lo')).toThrow(`group '${loopback}' is not an IPv${family} multicast address`);
    const err = thrown(() => s.leaveGroup(group, 'lo'));
    expect(err.code).toBe('EADDRNOTAVAIL');
    expect(err.syscall).toBe('setsockopt');
  });

  test('close() is idempotent and later calls fail clearly', async () => {
    const s = socket(family);
    s.bind(loopback, 0);
    const first = s.close();
    expect(s.close()).toBe(first);
    await first;
    expect(() => s.address()).toThrow(expect.objectContaining({ code: 'ERR_SOCKET_CLOSED' }));
    expect(() => s.send(Buffer.from('x'), loopback, 9)).toThrow(/closed/);
  });
});

test('a v6 socket refuses v4 addresses and the other way round', () => {
  const s6 = socket(6);
  expect(() => s6.bind('127.0.0.1', 0)).toThrow("address '127.0.0.1' is not an IPv6 address");
  const s4 = socket(4);
  expect(() => s4.send(Buffer.from('x'), '::1', 9)).toThrow("address '::1' is not an IPv4 address");
});

test('an IPv6 group is multicast only with ff in its first group of four digits (ff::1 is 00ff::1)', () => {
  const s = socket(6);
  expect(() => s.joinGroup('ff::1', 'lo')).toThrow("group 'ff::1' is not an IPv6 multicast address");
  expect(() => s.joinGroup('FF15::1:3', 'lo')).not.toThrow();
});
