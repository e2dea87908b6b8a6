// The lab itself: reachability on a segment and across a router, multicast confined to its segment,
// process helpers, and a teardown that leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Lab, sha256File, sizeStableFor, waitForFile, waitForFileMatch, type LabHost, type LabProcess } from '../../scripts/lab';
import { describeLab } from './helpers/gate';

const PROBE = join(__dirname, 'helpers', 'udp-probe.js');
const REGISTER = join(__dirname, 'helpers', 'ts-register.js');
const LAB_INDEX = join(__dirname, '..', '..', 'scripts', 'lab', 'index.ts');

// a1, a2 on segment a; b1 on segment b; r routes between a and b.
const SPEC = {
  segments: ['a', 'b'],
  hosts: { a1: { segments: ['a'] }, a2: { segments: ['a'] }, r: { segments: ['a', 'b'], router: true }, b1: { segments: ['b'] } },
};

function namespacesNow(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return r.stdout.split('\n').map((line) => line.split(' ')[0]).filter(Boolean);
}

// Asked of ps, independently of the lab's own bookkeeping. A zombie (stat Z) only awaits reaping: dead.
function alive(pid: number): boolean {
  const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return stat !== '' && !stat.startsWith('Z');
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}

async function udpReach(from: LabHost, to: LabHost, addr: string, port: number): Promise<string> {
  const echo = to.spawn('node', [PROBE, 'echo', String(port)]);
  await echo.waitForOutput(/listening/, 10_000);
  const r = await from.exec('node', [PROBE, 'ask', addr, String(port), '3000']);
  await echo.stop();
  return r.stdout + r.stderr;
}

describeLab('netns lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await Lab.create(SPEC);
  });
  afterAll(() => lab?.destroy());

  test('addresses and interface names follow the segment plan', async () => {
    expect(lab.host('a1').addr('a')).toBe('198.18.0.1');
    expect(lab.host('b1').addr('b')).toBe('198.18.1.4');
    expect(lab.host('b1').addr('b', 6)).toBe('fd00:198:18:1::4');
    expect(lab.host('r').ifname('b')).toBe('eth1');
    const shown = await lab.host('r').exec('ip', ['-o', 'address', 'show', 'dev', 'eth1']);
    expect(shown.stdout).toContain('198.18.1.3/24');
    expect(shown.stdout).toContain('fd00:198:18:1::3/64');
    expect(() => lab.host('a1').addr('b')).toThrow(/a1 is not on segment "b"/);
    expect(() => lab.host('nobody')).toThrow(/no host "nobody"/);
  });

  test('hosts on one segment reach each other over IPv4 and IPv6', async () => {
    const [a1, a2] = [lab.host('a1'), lab.host('a2')];
    expect(await udpReach(a1, a2, a2.addr('a'), 7001)).toMatch(/reply from 198\.18\.0\.2/);
    expect(await udpReach(a1, a2, a2.addr('a', 6), 7002)).toMatch(/reply from fd00:198:18::2/);
  });

  test('unicast crosses the router both ways, IPv4 and IPv6', async () => {
    const [a1, b1] = [lab.host('a1'), lab.host('b1')];
    expect(await udpReach(a1, b1, b1.addr('b'), 7003)).toMatch(/reply from 198\.18\.1\.4/);
    expect(await udpReach(b1, a1, a1.addr('a', 6), 7004)).toMatch(/reply from fd00:198:18::1/);
  });

  test.each([
    ['IPv4', '239.1.2.3', 4],
    ['IPv6', 'ff0e::1:2:3', 6],
  ] as const)('%s multicast reaches its own segment but does not cross the router', async (_name, group, family) => {
    const [a1, a2, b1] = [lab.host('a1'), lab.host('a2'), lab.host('b1')];
    const port = family === 4 ? '7005' : '7006';
    const listen = (h: LabHost, seg: string): LabProcess =>
      h.spawn('node', [PROBE, 'listen', group, port, h.addr(seg, family), h.ifname(seg)]);
    const near = listen(a2, 'a');
    const far = listen(b1, 'b');
    await Promise.all([near.waitForOutput(/listening/, 10_000), far.waitForOutput(/listening/, 10_000)]);
    const send = await a1.exec('node', [PROBE, 'send', group, port, a1.addr('a', family), a1.ifname('a'), '10']);
    expect(send.code).toBe(0);
    await near.waitForOutput(/got mc9 from/, 5000);
    // The near host heard every datagram; the far one, listening the whole time, must have heard none.
    await Promise.all([near.stop(), far.stop()]);
    expect(near.stdout().match(/got mc\d+/g)).toHaveLength(10);
    expect(far.stdout()).not.toMatch(/got /);
  });

  test('exec returns exit code, output and stdin; timeouts and early exits are clear errors', async () => {
    const a1 = lab.host('a1');
    const r = await a1.exec('sh', ['-c', 'cat; echo err >&2; exit 3'], { input: 'hello' });
    expect(r).toEqual({ code: 3, signal: null, stdout: 'hello', stderr: 'err\n' });
    await expect(a1.exec('sleep', ['30'], { timeoutMs: 200 })).rejects.toThrow(/timed out after 200 ms: \[pid \d+\] ip netns exec \S+ sleep 30/);
    const quick = a1.spawn('sh', ['-c', 'echo started; exit 4']);
    await expect(quick.waitForOutput(/never printed/, 5000)).rejects.toThrow(/exited \(code 4\) before printing/);
    expect(quick.stdout()).toBe('started\n');
    const slow = a1.spawn('sleep', ['30']);
    await expect(slow.waitForOutput(/x/, 100)).rejects.toThrow(/timed out after 100 ms waiting for \/x\//);
    await slow.stop();
    expect(await slow.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  test('stop() escalates to SIGKILL when SIGTERM is ignored', async () => {
    const stubborn = lab.host('a1').spawn('sh', ['-c', "trap '' TERM; echo ready; while :; do sleep 0.05; done"]);
    await stubborn.waitForOutput(/ready/, 5000);
    await stubborn.stop('SIGTERM', 300);
    expect((await stubborn.exited).signal).toBe('SIGKILL');
  });

  test('file waits: appearance, a stable size, a matching line, a clear timeout; sha256 of a file', async () => {
    const file = join(lab.tmpdir(), 'growing.log');
    // A writer in the lab appends ten lines over about half a second.
    const writer = lab.host('a2').spawn('sh', ['-c', `for i in 0 1 2 3 4 5 6 7 8 9; do echo line$i >> ${file}; sleep 0.05; done`]);
    expect((await waitForFileMatch(file, /line(3)/, 5000))[1]).toBe('3');
    const whole = await waitForFile(file, 5000, sizeStableFor(300));
    expect(whole.toString()).toBe(Array.from({ length: 10 }, (_, i) => `line${i}\n`).join(''));
    expect(await writer.exited).toEqual({ code: 0, signal: null });
    expect(await sha256File(file)).toBe(createHash('sha256').update(whole).digest('hex'));
    await expect(waitForFile(join(lab.tmpdir(), 'never'), 100)).rejects.toThrow(/timed out after 100 ms waiting for .*never \(no such file\)/);
    await expect(waitForFileMatch(file, /line10/, 100)).rejects.toThrow(/\/line10\/ in .*\(60 bytes, not yet\)/);
    await expect(sha256File(join(lab.tmpdir(), 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('processes really run inside the host namespace', async () => {
    const r = await lab.host('b1').exec('ip', ['-o', '-4', 'address', 'show']);
    expect(r.stdout).toContain('198.18.1.4');
    expect(r.stdout).not.toContain('198.18.0.');
  });
});

describeLab('netns lab teardown', () => {
  test('a bad spec is refused before anything is made', async () => {
    const before = namespacesNow();
    await expect(Lab.create({ segments: ['a'], hosts: { h: { segments: ['z'] } } })).rejects.toThrow(
      /host h is on unknown segment "z"/,
    );
    await expect(Lab.create({ segments: ['a'], hosts: { 'bad name': { segments: ['a'] } } })).rejects.toThrow(/host name/);
    expect(namespacesNow()).toEqual(before);
  });

  test('destroy() removes namespaces, temp dir and every process, also untracked ones; twice is fine', async () => {
    const lab = await Lab.create({ segments: ['s'], hosts: { x: { segments: ['s'] }, y: { segments: ['s'] } } });
    const ours = (): string[] => namespacesNow().filter((ns) => ns.startsWith(`${lab.id}-`));
    expect(ours().sort()).toEqual([`${lab.id}-s.br`, `${lab.id}-x`, `${lab.id}-y`]);
    const tracked = lab.host('x').spawn('sleep', ['300']);
    // A background child outlives its exec() (holding its stdout open): only the namespace knows about it.
    const escaped = await lab.host('y').exec('sh', ['-c', 'sleep 300 & echo $!'], { timeoutMs: 5000 });
    const escapedPid = Number(escaped.stdout.trim());
    expect(alive(tracked.pid) && alive(escapedPid)).toBe(true);
    // Name lookups stay inside the lab: each namespace sees a resolver on its own loopback.
    const resolv = await lab.host('x').exec('cat', ['/etc/resolv.conf']);
    expect(resolv.stdout).toMatch(/^nameserver 127\.0\.0\.1$/m);
    expect(resolv.stdout).not.toMatch(/^nameserver (?!127\.0\.0\.1$)/m);

    await lab.destroy();
    await lab.destroy();
    expect(ours()).toEqual([]);
    expect(alive(tracked.pid)).toBe(false);
    expect(await goneWithin(escapedPid, 2000)).toBe(true);
    expect(existsSync(lab.tmpdir())).toBe(false);
    expect(existsSync(`/etc/netns/${lab.id}-x`)).toBe(false);
    expect(() => lab.host('x').spawn('true', [])).toThrow(/is destroyed/);
  });

  test('a process that exits without destroy() still leaves nothing behind', async () => {
    const script = `
      const { Lab } = require(${JSON.stringify(LAB_INDEX)});
      Lab.create({ segments: ['s'], hosts: { x: { segments: ['s'] } } }).then((lab) => {
        const p = lab.host('x').spawn('sleep', ['300']);
        console.log(JSON.stringify({ id: lab.id, pid: p.pid, dir: lab.tmpdir() }));
        process.exit(0);
      });`;
    const child = spawnSync('node', ['-r', REGISTER, '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    const made = JSON.parse(child.stdout) as { id: string; pid: number; dir: string };
    expect(namespacesNow().filter((ns) => ns.startsWith(`${made.id}-`))).toEqual([]);
    expect(await goneWithin(made.pid, 2000)).toBe(true);
    expect(existsSync(made.dir)).toBe(false);
  });
});
