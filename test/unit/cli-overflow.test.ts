// The overflow warnings: what the line says for each buffer situation, and the rate limit (a fake clock,
// polls called by hand).
import { OverflowWatch, REPORT_MS, overflowLine, suggestedBufferSize, type ReceiveBuffer } from '../../lib/cli/common/overflow';

const report = { family: 4 as const, lost: 120, total: 300, seconds: 10 };

describe('overflowLine', () => {
  test('FORCE available: the count, the grant, the -B to try', () => {
    const buffer: ReceiveBuffer = { requested: 65536, grant: { requested: 65536, granted: 131072, forced: true }, rmemMax: 4194304 };
    expect(overflowLine(report, buffer, 'linux')).toBe(
      'Warning: 120 datagram(s) lost to a full UDP receive buffer (IPv4 socket) in the last 10 s, 300 in all; ' +
        'the kernel granted 65536 bytes for -B 65536; try -B 131072; SO_RCVBUFFORCE (CAP_NET_ADMIN) available',
    );
  });

  test('no FORCE, granted all the same: -B to try, and the cap it meets', () => {
    const buffer: ReceiveBuffer = { requested: 262144, grant: { requested: 262144, granted: 524288, forced: false }, rmemMax: 4194304 };
    expect(overflowLine(report, buffer, 'linux')).toMatch(
      /granted 262144 bytes for -B 262144; try -B 524288; SO_RCVBUFFORCE not available \(no CAP_NET_ADMIN\): a -B beyond net.core.rmem_max \(4194304 bytes\) will not be granted$/,
    );
  });

  test('no FORCE and cut down: a larger -B cannot help', () => {
    const buffer: ReceiveBuffer = { requested: 8388608, grant: { requested: 8388608, granted: 8388608, forced: false }, rmemMax: 4194304 };
    expect(overflowLine(report, buffer, 'linux')).toMatch(
      /granted 4194304 bytes for -B 8388608; a larger -B cannot help: without SO_RCVBUFFORCE \(needs CAP_NET_ADMIN, not available\) the kernel stops at net.core.rmem_max \(4194304 bytes\)/,
    );
  });

  test('-B at its maximum', () => {
    expect(suggestedBufferSize(104857600)).toBeUndefined();
    expect(suggestedBufferSize(80000000)).toBe(104857600);
    const buffer: ReceiveBuffer = { requested: 104857600, grant: { requested: 104857600, granted: 209715200, forced: true } };
    expect(overflowLine(report, buffer, 'linux')).toContain('-B is at its maximum (104857600)');
  });
});

describe('OverflowWatch', () => {
  function setUp(drops: () => number | undefined) {
    let now = 0;
    const lines: Array<[number, string]> = [];
    const buffer: ReceiveBuffer = { requested: 65536, grant: { requested: 65536, granted: 131072, forced: true } };
    const watch = new OverflowWatch([{ socket: { family: 6, receiveDrops: drops }, buffer }], (l, m) => lines.push([l, m]), () => now);
    return { watch, lines, advance: (ms: number) => (now += ms) };
  }

  test('at most one line per REPORT_MS, each with the count since the last; the rest at stop', () => {
    let drops = 0;
    const { watch, lines, advance } = setUp(() => drops);
    watch.check(false);
    expect(lines).toEqual([]);
    drops = 10;
    advance(1000);
    watch.check(false);
    expect(lines).toHaveLength(1);
    expect(lines[0][0]).toBe(1);
    expect(lines[0][1]).toMatch(/^Warning: 10 datagram\(s\) lost .*\(IPv6 socket\) in the last 1 s, 10 in all/);
    drops = 25;
    advance(REPORT_MS - 1);
    watch.check(false);
    expect(lines).toHaveLength(1);
    advance(1);
    watch.check(false);
    expect(lines).toHaveLength(2);
    expect(lines[1][1]).toMatch(/^Warning: 15 datagram\(s\) lost .* in the last 10 s, 25 in all/);
    drops = 26;
    watch.stop();
    expect(lines).toHaveLength(3);
    expect(lines[2][1]).toMatch(/^Warning: 1 datagram\(s\) lost .* 26 in all/);
  });

  test('unavailable: said once at level 3, never a warning', () => {
    const { watch, lines } = setUp(() => undefined);
    watch.check(false);
    watch.stop();
    expect(lines).toEqual([[3, expect.stringMatching(/does not report datagrams lost/)]]);
  });
});
