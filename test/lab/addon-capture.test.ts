// The addon's packet capture (UdpCapture, through `uftp_diag sniff`) on a real veth between two namespaces:
// what our sender coalesces (UDP GSO) is seen as the datagrams the wire carries, on the sending host ('out')
// and on the receiving one ('in'), IPv4 and IPv6, with both ports; other ports and fragments are filtered
// out by the kernel; and the program that owns the port still gets every datagram.
import { join } from 'node:path';
import type { SniffOther, SniffSummary } from '../../lib/cli/diag/sniff';
import { diagArgv, diagUnbuilt, jsonLines, runDiag, spawnDiag, startListener, stopListener } from '../../scripts/bench/diag-lab';
import { Lab, waitForFile, type LabHost, type LabProcess } from '../../scripts/lab';
import { describeLab } from './helpers/gate';

const PORT = 5500;

describeLab('packet capture (AF_PACKET) of one UDP port', () => {
  let lab: Lab;
  const procs: LabProcess[] = [];
  beforeAll(async () => {
    lab = await Lab.create({ segments: ['a'], hosts: { tx: { segments: ['a'] }, rx: { segments: ['a'] } } });
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });
  afterAll(() => lab?.destroy());

  async function startSniff(host: LabHost, name: string): Promise<LabProcess> {
    const ready = join(lab.tmpdir(), `${name}.ready`);
    const proc = spawnDiag(host, ['sniff', '--json', '--port', String(PORT), '--if', host.ifname('a'), '--ready-file', ready]);
    procs.push(proc);
    await Promise.race([
      waitForFile(ready, 15_000),
      proc.exited.then(() => Promise.reject(new Error(`sniff exited before ready: ${proc.stderr()}`))),
    ]);
    return proc;
  }

  async function stopSniff(proc: LabProcess): Promise<{ seen: SniffOther[]; summary: SniffSummary }> {
    const { code, stdout, stderr } = await stopListener(proc);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = jsonLines<SniffOther | SniffSummary>(stdout);
    const summary = lines.pop() as SniffSummary;
    return { seen: lines as SniffOther[], summary };
  }

  async function send(to: string, port: number, count: number, size: number): Promise<void> {
    const r = await runDiag(lab.host('tx'), ['send', '--to', to, '--port', String(port), '--count', String(count), '--size', String(size)]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  }

  test('both ends see each datagram once, split as on the wire, with ports and direction; the owner of the port gets all', async () => {
    const tx = lab.host('tx');
    const rx = lab.host('rx');
    // The program that owns the port: bound without SO_REUSEADDR, so nothing else could bind it.
    const owner = await startListener(rx, ['--port', String(PORT), '--no-reuse', '--count', '42', '--timeout', '60', '--json'], join(lab.tmpdir(), 'owner.ready'));
    procs.push(owner);
    const atRx = await startSniff(rx, 'rx');
    const atTx = await startSniff(tx, 'tx');
    await send(rx.addr('a'), PORT, 40, 1000); // equal sizes: our sender coalesces them (GSO)
    await send(rx.addr('a', 6), PORT, 10, 300);
    await send(rx.addr('a'), PORT + 1, 5, 100); // another port: the kernel filter keeps it out
    await send(rx.addr('a'), PORT, 2, 3000); // fragmented at the 1500-byte MTU: not seen
    expect((await owner.exited).code).toBe(0);
    // All 42 of IPv4 (it is an IPv4 socket), fragmented ones included: the capture took nothing from it.
    expect(jsonLines(owner.stdout()).pop()).toEqual({ summary: true, received: 42 });

    const expected = (direction: 'in' | 'out') => [
      ...Array.from({ length: 40 }, () => ({ from: tx.addr('a'), to: rx.addr('a'), toPort: PORT, direction, length: 1000 })),
      ...Array.from({ length: 10 }, () => ({ from: tx.addr('a', 6), to: rx.addr('a', 6), toPort: PORT, direction, length: 300 })),
    ];
    for (const [proc, direction] of [[atRx, 'in'], [atTx, 'out']] as const) {
      const { seen, summary } = await stopSniff(proc);
      expect(seen.map(({ from, to, toPort, direction: d, length }) => ({ from, to, toPort, direction: d, length }))).toEqual(expected(direction));
      expect(new Set(seen.map((s) => s.fromPort)).size).toBe(2); // one sending socket per family
      expect(summary).toMatchObject({ via: 'capture', received: 50, kernelDrops: 0, unreadable: 0 });
      // Our sender's runs crossed the veth coalesced (GSO), and were seen so at both ends: split here.
      expect([direction, summary.coalesced]).toEqual([direction, expect.any(Number)]);
      expect(summary.coalesced).toBeGreaterThan(0);
    }
  });

  test('frames whose lengths lie are counted as unreadable, IPv4 options are read past, and sniff goes on', async () => {
    const tx = lab.host('tx');
    const rx = lab.host('rx');
    const atRx = await startSniff(rx, 'raw');
    // Hand-made IPv4/UDP packets (IP_HDRINCL: the kernel fills in the IP length, ID and checksum).
    const script = [
      'import socket, struct, sys',
      'src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])',
      's = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)',
      'def ip(payload, options=b""):',
      '    hdr = struct.pack("!BBHHHBBH4s4s", 0x45 + len(options) // 4, 0, 0, 0, 0, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))',
      '    return hdr + options + payload',
      'def udp(data, length=None):',
      '    return struct.pack("!HHHH", 40000, port, len(data) + 8 if length is None else length, 0) + data',
      'for p in [ip(udp(b"claims 100", 100)), ip(udp(b"claims 4", 4)), ip(udp(b"with options"), b"\\x01\\x01\\x01\\x00"), ip(udp(b"plain"))]:',
      '    s.sendto(p, (dst, 0))',
    ].join('\n');
    const sent = await tx.exec('python3', ['-c', script, tx.addr('a'), rx.addr('a'), String(PORT)]);
    expect({ code: sent.code, stderr: sent.stderr }).toEqual({ code: 0, stderr: '' });
    // Both good ones seen means the bad ones before them were handled already: no waiting on time.
    await atRx.waitForOutput(/"length":5/, 10_000);
    const { seen, summary } = await stopSniff(atRx);
    expect(seen.map(({ from, fromPort, toPort, length }) => ({ from, fromPort, toPort, length }))).toEqual([
      { from: tx.addr('a'), fromPort: 40000, toPort: PORT, length: 12 },
      { from: tx.addr('a'), fromPort: 40000, toPort: PORT, length: 5 },
    ]);
    expect(summary).toMatchObject({ via: 'capture', received: 2, unreadable: 2 });
  });

  test('an unprivileged user with CAP_NET_RAW alone captures (FORCE refused for its buffer, the plain request serves)', async () => {
    const tx = lab.host('tx');
    const rx = lab.host('rx');
    // Text output: its first line says the capture is open (nobody may not write a ready file in the lab's directory).
    const [node, argv] = diagArgv(['sniff', '--port', String(PORT), '--if', rx.ifname('a'), '--count', '3']);
    const caps = ['--reuid', '65534', '--regid', '65534', '--clear-groups', '--inh-caps', '+net_raw', '--ambient-caps', '+net_raw'];
    const proc = rx.spawn('setpriv', [...caps, node, ...argv]);
    procs.push(proc);
    await proc.waitForOutput(/^capturing UDP port 5500 on /m, 15_000);
    await send(rx.addr('a'), PORT, 3, 200);
    const { code, signal } = await proc.exited;
    expect({ code, signal, stderr: proc.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
    const seen = proc.stdout().split('\n').filter((l) => l.includes(` > ${rx.addr('a')}:${PORT} in len 200  not UFTP`));
    expect(seen).toHaveLength(3);
    expect(proc.stdout()).toContain('received 3 datagrams: 0 UFTP, 3 not UFTP');
  });

  test('without CAP_NET_RAW, sniff says capture was refused and falls back to a bound socket', async () => {
    const rx = lab.host('rx');
    const [node, argv] = diagArgv(['sniff', '--group', '230.4.4.1', '--timeout', '0.5', '--json']);
    const r = await rx.exec('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', node, ...argv]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^uftp_diag sniff: packet capture refused \(.*EPERM.*\); falling back to a socket bound to port 1044/);
    expect(jsonLines<SniffSummary>(r.stdout)).toEqual([{ summary: true, via: 'socket', received: 0, uftp: 0, other: 0, byType: {} }]);
  });
}, [diagUnbuilt]);
