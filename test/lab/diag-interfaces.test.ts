// uftp_diag interfaces inside a lab host: it sees exactly the namespace's interfaces, with flags and
// the addresses the lab gave them (prefix lengths included), in JSON and in text.
import { Lab, type LabHost } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { diagUnbuilt, jsonLines, runDiag } from '../../scripts/bench/diag-lab';

interface Iface {
  name: string;
  index: number;
  up: boolean;
  loopback: boolean;
  multicast: boolean;
  addresses: Array<{ family: number; address: string; prefixLength: number }>;
}

describeLab('uftp_diag interfaces (lab)', () => {
  let lab: Lab | undefined;
  let h: LabHost;

  beforeAll(async () => {
    lab = await Lab.create({ segments: ['a', 'b'], hosts: { h: { segments: ['a', 'b'] } } });
    h = lab.host('h');
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  test('JSON: lo and one interface per segment, with flags and addresses', async () => {
    const r = await runDiag(h, ['interfaces', '--json']);
    expect(r.code).toBe(0);
    const ifaces = jsonLines<Iface>(r.stdout);
    expect(ifaces.map((i) => i.name).sort()).toEqual(['lo', h.ifname('a'), h.ifname('b')].sort());
    const lo = ifaces.find((i) => i.name === 'lo')!;
    expect(lo).toMatchObject({ up: true, loopback: true });
    expect(lo.addresses).toEqual(
      expect.arrayContaining([
        { family: 4, address: '127.0.0.1', prefixLength: 8 },
        { family: 6, address: '::1', prefixLength: 128 },
      ]),
    );
    for (const segment of ['a', 'b']) {
      const i = ifaces.find((x) => x.name === h.ifname(segment))!;
      expect(i).toMatchObject({ up: true, loopback: false, multicast: true });
      expect(i.addresses).toEqual(
        expect.arrayContaining([
          { family: 4, address: h.addr(segment, 4), prefixLength: 24 },
          { family: 6, address: h.addr(segment, 6), prefixLength: 64 },
        ]),
      );
    }
    expect(new Set(ifaces.map((i) => i.index)).size).toBe(ifaces.length);
  });

  test('text: one header line per interface and its addresses below', async () => {
    const r = await runDiag(h, ['interfaces']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+: lo <up,loopback/m);
    expect(r.stdout).toMatch(new RegExp(`^\\d+: ${h.ifname('a')} <up,multicast>$`, 'm'));
    expect(r.stdout).toContain(`    inet ${h.addr('a', 4)}/24`);
    expect(r.stdout).toContain(`    inet6 ${h.addr('a', 6)}/64`);
  });
}, [diagUnbuilt]);
