// Joins and leaves, any-source and source-specific, as the kernel records them
// in /proc/net/{igmp,mcfilter,igmp6,mcfilter6}. The memberships live on lo and
// end with the socket; lo's multicast flag is not touched.
import { readFileSync } from 'node:fs';
import { UdpSocket } from '../../lib/net';
import { readNumber } from './net-helpers';

const loIndex = readNumber('/sys/class/net/lo/ifindex');

/** /proc/net/igmp lists groups per device as the raw 32-bit value in host (little-endian) order. */
function igmpGroupsOnLo(): string[] {
  const groups: string[] = [];
  let onLo = false;
  for (const line of readFileSync('/proc/net/igmp', 'utf8').split('\n')) {
    const device = /^\d+\s+(\S+)\s*:/.exec(line);
    if (device) onLo = device[1] === 'lo';
    else if (onLo && /^\s+[0-9A-F]{8}/.test(line)) {
      const hex = line.trim().slice(0, 8);
      groups.push([6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.'));
    }
  }
  return groups;
}

/** (group, source) pairs on lo from /proc/net/mcfilter, v4 as 0xAABBCCDD. */
function ssmOnLo4(): string[] {
  const dotted = (hex: string) => [0, 8, 16, 24].map((s) => (parseInt(hex, 16) >>> (24 - s)) & 0xff).join('.');
  return readFileSync('/proc/net/mcfilter', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === 'lo')
    .map((f) => `${dotted(f[2])} ${dotted(f[3])}`);
}

function proc6(path: string, device: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === device)
    .map((f) => f.slice(2, path.endsWith('mcfilter6') ? 4 : 3).join(' '));
}

test('IPv4 any-source and source-specific joins on lo, then leaves', async () => {
  const s = UdpSocket.open({ family: 4 });
  try {
    s.bind('0.0.0.0', 0);
    s.joinGroup('239.77.1.2', 'lo');
    s.joinSourceGroup('232.77.1.2', '198.51.100.1', loIndex);
    s.joinSourceGroup('232.77.1.2', '198.51.100.2', '127.0.0.1');
    expect(igmpGroupsOnLo()).toEqual(expect.arrayContaining(['239.77.1.2', '232.77.1.2']));
    expect(ssmOnLo4()).toEqual(expect.arrayContaining(['232.77.1.2 198.51.100.1', '232.77.1.2 198.51.100.2']));
    s.leaveSourceGroup('232.77.1.2', '198.51.100.1', 'lo');
    expect(ssmOnLo4()).not.toContain('232.77.1.2 198.51.100.1');
    expect(ssmOnLo4()).toContain('232.77.1.2 198.51.100.2');
    s.leaveGroup('239.77.1.2', 'lo');
    expect(igmpGroupsOnLo()).not.toContain('239.77.1.2');
  } finally {
    await s.close();
  }
  expect(igmpGroupsOnLo()).not.toContain('232.77.1.2');
});

test('IPv6 any-source and source-specific joins on lo, then leaves', async () => {
  const s = UdpSocket.open({ family: 6 });
  try {
    s.bind('::', 0);
    s.joinGroup('ff15::77:1', 'lo');
    s.joinSourceGroup('ff35::77:2', 'fd00:77::1', 'lo');
    const groups = proc6('/proc/net/igmp6', 'lo');
    expect(groups).toEqual(expect.arrayContaining(['ff150000000000000000000000770001', 'ff350000000000000000000000770002']));
    expect(proc6('/proc/net/mcfilter6', 'lo')).toContain(
      'ff350000000000000000000000770002 fd000077000000000000000000000001',
    );
    s.leaveGroup('ff15::77:1', 'lo');
    s.leaveSourceGroup('ff35::77:2', 'fd00:77::1', 'lo');
    expect(proc6('/proc/net/igmp6', 'lo')).not.toContain('ff150000000000000000000000770001');
    expect(proc6('/proc/net/mcfilter6', 'lo')).toHaveLength(0);
  } finally {
    await s.close();
  }
});

test('joining on an index no interface has names the index', async () => {
  const s = UdpSocket.open({ family: 4 });
  // resolveInterface rejects unknown indexes before the kernel sees them.
  expect(() => s.joinGroup('239.77.1.3', 999999)).toThrow('no interface with index 999999');
  await s.close();
});
