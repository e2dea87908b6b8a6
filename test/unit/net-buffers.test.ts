// Socket buffer requests and what the kernel grants, read back with getsockopt.
import { isRoot, readNumber, useSockets } from './net-helpers';

const socket = useSockets();

const cases = [
  { kind: 'receive', max: '/proc/sys/net/core/rmem_max', set: 'setRecvBufferSize', get: 'getRecvBufferSize' },
  { kind: 'send', max: '/proc/sys/net/core/wmem_max', set: 'setSendBufferSize', get: 'getSendBufferSize' },
] as const;

describe.each(cases)('$kind buffer', ({ max, set, get }) => {
  test('without force the kernel clamps to its maximum (and reports double)', () => {
    const limit = readNumber(max);
    const requested = limit + 1024 * 1024;
    const s = socket();
    const grant = s[set](requested, { force: false });
    expect(grant).toEqual({ requested, granted: limit * 2, forced: false });
    expect(s[get]()).toBe(limit * 2);
  });

  test('a request under the maximum is granted (doubled) without force', () => {
    const s = socket();
    const grant = s[set](65536, { force: false });
    expect(grant).toEqual({ requested: 65536, granted: 131072, forced: false });
  });

  const asRoot = isRoot() ? test : test.skip;
  asRoot('as root, force passes the maximum (skipped when not root: FORCE needs CAP_NET_ADMIN)', () => {
    const requested = Math.min(readNumber(max) * 4, 100 * 1024 * 1024);
    const s = socket();
    const grant = s[set](requested);
    expect(grant.forced).toBe(true);
    expect(grant.requested).toBe(requested);
    expect(grant.granted).toBeGreaterThanOrEqual(requested);
    expect(s[get]()).toBe(grant.granted);
  });

  const asUser = isRoot() ? test.skip : test;
  asUser('as a user, force falls back to the plain option (skipped as root)', () => {
    const s = socket();
    const grant = s[set](65536);
    expect(grant.forced).toBe(false);
    expect(grant.granted).toBe(131072);
  });
});
