// Which captured datagrams `uftp_diag sniff` shows: unicast always, multicast as --group, --source,
// --family and --follow say.
import type { CapturedDatagram } from '../../lib/net';
import { CaptureView } from '../../lib/cli/diag/sniff-capture';

function datagram(from: string, to: string): CapturedDatagram {
  return { data: Buffer.alloc(0), from, fromPort: 1044, to, toPort: 1044, ifindex: 2, tos: 0, direction: 'in' };
}

describe('CaptureView', () => {
  test('no --group: everything of either family', () => {
    const view = new CaptureView([], [], undefined);
    for (const [from, to] of [['198.18.0.1', '230.4.4.1'], ['198.18.0.2', '198.18.0.1'], ['fd00::1', 'ff15::1'], ['fd00::2', 'fd00::1']]) {
      expect([to, view.shows(datagram(from, to))]).toEqual([to, true]);
    }
    expect(view.follow('230.5.5.1')).toBe(false); // nothing to add: all groups show already
  });

  test('--group: unicast and those groups; --follow adds an announced private group', () => {
    const view = new CaptureView(['230.4.4.1'], [], 4);
    expect(view.shows(datagram('198.18.0.2', '198.18.0.1'))).toBe(true); // REGISTER, STATUS ...
    expect(view.shows(datagram('198.18.0.1', '230.4.4.1'))).toBe(true);
    expect(view.shows(datagram('198.18.0.1', '230.5.5.1'))).toBe(false);
    expect(view.follow('230.5.5.1')).toBe(true);
    expect(view.follow('230.5.5.1')).toBe(false);
    expect(view.shows(datagram('198.18.0.1', '230.5.5.1'))).toBe(true);
    expect(view.shows(datagram('fd00::2', 'fd00::1'))).toBe(false); // IPv4 was asked for
  });

  test('--source limits multicast, not unicast', () => {
    const view = new CaptureView(['230.4.4.1'], ['198.18.0.1'], 4);
    expect(view.shows(datagram('198.18.0.1', '230.4.4.1'))).toBe(true);
    expect(view.shows(datagram('198.18.0.9', '230.4.4.1'))).toBe(false);
    expect(view.shows(datagram('198.18.0.9', '198.18.0.1'))).toBe(true);
  });
});
