// Acceptance of buffer sizing and socket settings, read back through `uftp_diag socket` in a lab host:
// FORCE as root gets what was asked; a plain request (asked for, or as an unprivileged user after EPERM)
// is clamped to net.core.[rw]mem_max, and the report shows the kernel's doubled figure truthfully.
import type { LabHost } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { useLab } from './helpers/use-lab';
import type { SocketReport as Report } from '../../lib/cli/diag/socket';
import { diagArgv, diagUnbuilt, interfaceIndex, jsonLines, runDiag } from '../../scripts/bench/diag-lab';


const MB8 = 8 * 1024 * 1024;

describeLab('addon socket buffers and settings (lab)', () => {
  const lab = useLab({ segments: ['a'], hosts: { h: { segments: ['a'] } } });
  let h: LabHost;
  beforeAll(() => {
    h = lab().host('h');
  });

  async function sysctl(name: string): Promise<number> {
    const r = await h.exec('sysctl', ['-n', name]);
    expect(r.code).toBe(0);
    return Number(r.stdout.trim());
  }

  async function report(args: string[], asNobody = false): Promise<Report> {
    const [node, argv] = diagArgv(['socket', ...args, '--json']);
    const drop = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups'];
    const r = asNobody ? await h.exec(drop[0], [...drop.slice(1), node, ...argv]) : await runDiag(h, ['socket', ...args, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines<Report>(r.stdout);
    expect(lines).toHaveLength(1);
    return lines[0];
  }

  test('no request: the kernel defaults, unforced', async () => {
    const r = await report([]);
    expect(r.rcvbuf).toBe(await sysctl('net.core.rmem_default'));
    expect(r.sndbuf).toBe(await sysctl('net.core.wmem_default'));
    expect(r).toMatchObject({ rcvbufRequested: null, sndbufRequested: null, forced: false, tos: 0, dscp: 0 });
  });

  test('as root, 8 MB with FORCE is granted at least 8 MB', async () => {
    const r = await report(['--rcvbuf', String(MB8), '--sndbuf', '8M']);
    expect(r).toMatchObject({ rcvbufRequested: MB8, rcvbufForced: true, sndbufRequested: MB8, sndbufForced: true, forced: true });
    expect(r.rcvbuf).toBeGreaterThanOrEqual(MB8);
    expect(r.sndbuf).toBeGreaterThanOrEqual(MB8);
  });

  test('as root, 100 MB with FORCE is granted', async () => {
    const r = await report(['--rcvbuf', '100M']);
    expect(r.rcvbuf).toBeGreaterThanOrEqual(100 * 1024 * 1024);
  });

  test.each([
    ['as root with --no-force', ['--no-force'], false],
    ['as an unprivileged user (FORCE fails with EPERM, plain request used)', [], true],
  ])('%s: 8 MB is clamped to [rw]mem_max, reported doubled', async (_who, extra, asNobody) => {
    const r = await report(['--rcvbuf', '8M', '--sndbuf', '8M', ...extra], asNobody);
    const rmemMax = await sysctl('net.core.rmem_max');
    const wmemMax = await sysctl('net.core.wmem_max');
    expect(r).toMatchObject({ rcvbufRequested: MB8, rcvbufForced: false, sndbufForced: false, forced: false });
    expect(r.rcvbuf).toBe(2 * Math.min(MB8, rmemMax));
    expect(r.sndbuf).toBe(2 * Math.min(MB8, wmemMax));
  });

  test.each([4, 6])('IPv%i: dscp, ttl and egress interface are reported as the kernel holds them', async (family) => {
    const index = await interfaceIndex(h, 'a');
    const r = await report(['--family', String(family), '--dscp', '46', '--ttl', '9', '--if', h.ifname('a')]);
    expect(r).toMatchObject({ family, tos: 0xb8, dscp: 46, ttl: 9, ifindex: index });
    const plain = await report(['--family', String(family)]);
    expect(plain).toMatchObject({ family, tos: 0, ifindex: 0 });
  });
}, [diagUnbuilt]);
