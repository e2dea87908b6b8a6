// `uftp_diag sniff` beside a real session: Debian's uftp 4.10.2 sends a file to a real uftpd on the segment.
// With --socket, sniff in a third namespace joins the groups and sees the multicast side (ANNOUNCE, FILEINFO,
// FILESEG, DONE). By default it captures (AF_PACKET), so it runs on the client's own host, beside the uftpd
// that holds port 1044, and sees the whole session in both directions, unicast included.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SniffPacket, SniffSummary } from '../../lib/cli/diag/sniff';
import { diagUnbuilt, jsonLines, runDiag, spawnDiag, stopListener } from '../../scripts/bench/diag-lab';
import { waitForUdpPort } from '../../scripts/bench/programs';
import { Lab, sha256File, waitForFile, type LabProcess } from '../../scripts/lab';
import { describeLab, uftpPrograms } from './helpers/gate';

const FILE = randomBytes(20_000);
const BLOCK = 1300;

function split(stdout: string): { packets: SniffPacket[]; summary?: SniffSummary } {
  const lines = jsonLines<SniffPacket | SniffSummary>(stdout);
  const summary = lines.find((l): l is SniffSummary => 'summary' in l);
  return { packets: lines.filter((l): l is SniffPacket => !('summary' in l)), summary };
}

describeLab(
  'uftp_diag sniff on a real uftp -> uftpd session',
  () => {
    let lab: Lab;
    let file: string;
    const procs: LabProcess[] = [];
    beforeAll(async () => {
      lab = await Lab.create({
        segments: ['a'],
        hosts: { srv: { segments: ['a'] }, cli: { segments: ['a'] }, snf: { segments: ['a'] } },
      });
      file = join(lab.tmpdir(), 'sniffed.bin');
      await writeFile(file, FILE);
    });
    afterEach(async () => {
      await Promise.all(procs.splice(0).map((p) => p.stop()));
    });
    afterAll(() => lab?.destroy());

    async function startSniff(args: string[], name: string, on = 'snf'): Promise<LabProcess> {
      const ready = join(lab.tmpdir(), `${name}.ready`);
      const snf = lab.host(on);
      const proc = spawnDiag(snf, ['sniff', '--json', '--if', snf.ifname('a'), '--ready-file', ready, ...args]);
      procs.push(proc);
      await Promise.race([
        waitForFile(ready, 15_000),
        proc.exited.then(() => Promise.reject(new Error(`sniff exited before ready: ${proc.stderr()}`))),
      ]);
      return proc;
    }

    /** Starts the real client daemon on cli, receiving into a fresh directory; returns it and the directory. */
    async function startClient(name: string): Promise<{ client: LabProcess; dest: string }> {
      const dest = join(lab.tmpdir(), name);
      await mkdir(dest);
      const cli = lab.host('cli');
      const client = cli.spawn('/usr/bin/uftpd', ['-d', '-q', '-D', dest, '-I', cli.ifname('a')]);
      procs.push(client);
      await client.waitForOutput(/Loaded \d+ bit \w+ key/, 10_000);
      return { client, dest };
    }

    /** Runs the real server to a client on the segment; returns the server's log. */
    async function sendFile(name: string, serverArgs: string[], started?: { client: LabProcess; dest: string }): Promise<string> {
      const { client, dest } = started ?? (await startClient(name));
      const srv = lab.host('srv');
      const run = await srv.exec('/usr/bin/uftp', ['-I', srv.ifname('a'), '-R', '100000', '-t', '16', ...serverArgs, file], { timeoutMs: 60_000 });
      const log = run.stdout + run.stderr;
      expect({ code: run.code, log }).toEqual({ code: 0, log: expect.stringContaining('Group complete') });
      await client.waitForOutput(/Group file transfer confirmed/, 10_000);
      expect(await sha256File(join(dest, 'sniffed.bin'))).toBe(await sha256File(file));
      return log;
    }

    /** What every sniff run must have seen of one session. */
    function checkSession(packets: SniffPacket[], summary: SniffSummary | undefined, log: string, privateGroup?: string): void {
      const srvAddr = lab.host('srv').addr('a');
      const announces = packets.filter((p) => p.type === 'ANNOUNCE');
      expect(announces.length).toBeGreaterThan(0);
      const groupId = String(announces[0].header.groupId);
      expect(groupId).toMatch(/^0x[0-9A-F]{8}$/);
      const announced = String(announces[0].fields.privateAddr);
      if (privateGroup !== undefined) expect(announced).toBe(privateGroup);
      // The server's own word on the session: "Using private multicast address A  Group ID: HEX".
      expect(log).toContain(`Using private multicast address ${announced}  Group ID: ${groupId.slice(2)}`);
      for (const t of ['ANNOUNCE', 'FILEINFO', 'FILESEG', 'DONE']) expect([t, packets.some((p) => p.type === t)]).toEqual([t, true]);
      for (const p of packets) {
        expect({ type: p.type, from: p.from, groupId: p.header.groupId, uftp: p.uftp }).toEqual({ type: p.type, from: srvAddr, groupId, uftp: true });
        expect(p.to).toBe(p.type === 'ANNOUNCE' ? '230.4.4.1' : announced);
      }
      const info = packets.find((p) => p.type === 'FILEINFO') as SniffPacket;
      expect(info.fields).toMatchObject({ fileType: 'REGULAR', name: 'sniffed.bin', size: FILE.length });
      // Every block of the file went by, each as long as the block size says (the last one shorter).
      const segs = packets.filter((p) => p.type === 'FILESEG');
      const blocks = new Map(segs.map((p) => [p.fields.blockNum, p.fields.dataBytes]));
      expect(blocks.size).toBe(Math.ceil(FILE.length / BLOCK));
      expect([...blocks.values()].reduce((a, b) => Number(a) + Number(b), 0)).toBe(FILE.length);
      expect(summary).toEqual({
        summary: true, via: 'socket', received: packets.length, uftp: packets.length, other: 0,
        byType: Object.fromEntries([...new Set(packets.map((p) => p.type))].map((t) => [t, packets.filter((p) => p.type === t).length])),
      });
    }

    test('any-source on the public group, following the private group the ANNOUNCE names', async () => {
      const sniff = await startSniff(['--socket', '--group', '230.4.4.1', '--follow'], 'follow');
      const log = await sendFile('follow', []);
      const { code, stdout, stderr } = await stopListener(sniff);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const { packets, summary } = split(stdout);
      checkSession(packets, summary, log);
    });

    test('source-specific, with the public and a chosen private group given as --group', async () => {
      const srvAddr = lab.host('srv').addr('a');
      const sniff = await startSniff(['--socket', '--group', '230.4.4.1,230.5.5.9', '--source', srvAddr], 'ssm');
      const log = await sendFile('ssm', ['-P', '230.5.5.9']);
      const { code, stdout, stderr } = await stopListener(sniff);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const { packets, summary } = split(stdout);
      checkSession(packets, summary, log, '230.5.5.9');
    });

    /** Sniffs by capture on the client's host, beside the real uftpd, while the real uftp sends to it. */
    async function captureBeside(name: string, serverArgs: string[]): Promise<{ packets: SniffPacket[]; summary?: SniffSummary }> {
      const started = await startClient(name);
      await waitForUdpPort(lab.host('cli'), 1044, started.client, 10_000);
      // The bound socket is what fails here: uftpd holds port 1044 without SO_REUSEADDR.
      const bound = await runDiag(lab.host('cli'), ['sniff', '--socket', '--group', '230.4.4.1', '--timeout', '1']);
      expect({ code: bound.code, stderr: bound.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('EADDRINUSE') });
      const sniff = await startSniff(['--group', '230.4.4.1', '--follow'], name, 'cli');
      await sendFile(name, serverArgs, started);
      const { code, stdout, stderr } = await stopListener(sniff);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const out = split(stdout);
      expect(out.summary).toMatchObject({ via: 'capture', kernelDrops: 0, unreadable: 0, other: 0 });
      return out;
    }

    /** The types seen, each with who sent it to whom and the direction from the client's host. */
    function flows(packets: SniffPacket[]): Record<string, string[]> {
      const srv = lab.host('srv').addr('a');
      const cli = lab.host('cli').addr('a');
      const name = (a: string) => (a === srv ? 'srv' : a === cli ? 'cli' : a.startsWith('230.') ? 'group' : a);
      const seen: Record<string, Set<string>> = {};
      for (const p of packets) (seen[p.type] ??= new Set()).add(`${name(p.from)}>${name(p.to)} ${p.direction}`);
      return Object.fromEntries(Object.entries(seen).map(([t, s]) => [t, [...s].sort()]));
    }

    test('capture beside the real uftpd, plain: every message of the session, both directions', async () => {
      const { packets } = await captureBeside('plain', []);
      const seen = flows(packets);
      const completion = seen.COMPLETE !== undefined ? 'COMPLETE' : 'STATUS'; // STATUS only after a loss
      expect({ ...seen, [completion]: seen[completion] }).toMatchObject({
        ANNOUNCE: ['srv>group in'],
        REGISTER: ['cli>srv out'],
        REG_CONF: ['srv>group in'],
        FILEINFO: ['srv>group in'],
        FILEINFO_ACK: ['cli>srv out'],
        FILESEG: ['srv>group in'],
        DONE: ['srv>group in'],
        [completion]: ['cli>srv out'],
        DONE_CONF: ['srv>group in'],
      });
      const segs = packets.filter((p) => p.type === 'FILESEG');
      expect(new Set(segs.map((p) => p.fields.blockNum)).size).toBe(Math.ceil(FILE.length / BLOCK));
    });

    test('capture beside the real uftpd, encrypted: the key exchange by name, the rest as ENCRYPTED both ways', async () => {
      const { packets } = await captureBeside('encrypted', ['-Y', 'aes256-gcm', '-h', 'sha256']);
      expect(flows(packets)).toEqual({
        ANNOUNCE: ['srv>group in'],
        REGISTER: ['cli>srv out'],
        KEYINFO: ['srv>group in'],
        // Sealed: FILEINFO, FILESEG, DONE, DONE_CONF from the server; KEYINFO_ACK (the real uftpd seals it
        // too), FILEINFO_ACK, STATUS/COMPLETE from the client.
        ENCRYPTED: ['cli>srv out', 'srv>group in'],
      });
      // In the order of the exchange: the client's first sealed answer (its KEYINFO_ACK) follows the KEYINFO.
      const order = packets.map((p) => `${p.type} ${p.direction}`);
      const at = (what: string) => order.indexOf(what);
      expect(at('ANNOUNCE in')).toBeLessThan(at('REGISTER out'));
      expect(at('REGISTER out')).toBeLessThan(at('KEYINFO in'));
      expect(at('KEYINFO in')).toBeLessThan(at('ENCRYPTED out'));
      // At least one per block of the file went by, sealed.
      const sealed = packets.filter((p) => p.type === 'ENCRYPTED' && p.direction === 'in');
      expect(sealed.length).toBeGreaterThan(Math.ceil(FILE.length / BLOCK));
    });
  },
  [uftpPrograms('uftp', 'uftpd'), diagUnbuilt],
);
