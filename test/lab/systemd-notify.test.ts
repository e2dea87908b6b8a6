// Our daemons under a stand-in for systemd's notify socket (socat on an AF_UNIX datagram socket, a path or
// an abstract name): READY=1 only once the UDP port is bound, STATUS= lines that change when a transfer
// from the real uftp completes, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM and the exit
// status of a signal stop; children do not see NOTIFY_SOCKET. And the journal's priority prefixes on
// stderr when JOURNAL_STREAM names that very stream (a shell sets it from stat of its own fd 2).
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../scripts/bench/diag-lab';
import { UFTP_PORT } from '../../scripts/bench/programs';
import { waitForFile, type LabProcess } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { assignments, listenForNotify, type NotifyListener } from './helpers/notify-listener';
import { payload, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type AnyHost, type ProxyTestLab } from './helpers/proxy-lab';
import { expectCompleted, sendFiles } from './helpers/uftpd-lab';

const LAB = { segments: ['a'], hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, proxy: { segments: ['a'] } } };
const PROBE = path.join(__dirname, 'helpers', 'udp-probe.js');
const SIGNAL_STOP_EXIT = 6; // ExitCode.INTERRUPTED, as the real daemons

const bin = (name: string): string => path.join(repoRoot(), 'bin', name);
const has = (key: string, value?: string) => (m: string): boolean => (value === undefined ? key in assignments(m) : assignments(m)[key] === value);

/** Our daemon in the foreground on `host`, its stderr a pipe; `env` over the test's own. */
function startOurs(t: ProxyTestLab, host: AnyHost, program: string, args: string[], env: NodeJS.ProcessEnv): LabProcess {
  return t.spawn(host, process.execPath, [bin(program), '-d', ...args], { env });
}

/** Whether UDP `port` can be bound in the host's namespace now: "bound" or the error code. */
async function bindProbe(t: ProxyTestLab, host: AnyHost, port: number): Promise<string> {
  const r = await t.host(host).exec(process.execPath, [PROBE, 'bind', String(port)]);
  return r.stdout.trim();
}

async function stopBySignal(proc: LabProcess, listener: NotifyListener): Promise<void> {
  const before = listener.messages().length;
  process.kill(proc.pid, 'SIGTERM');
  const { code } = await proc.exited;
  expect(code).toBe(SIGNAL_STOP_EXIT);
  const stopping = await listener.waitFor(has('STOPPING', '1'), 5000, before);
  expect(assignments(stopping.message).STATUS).toBe('Exiting on signal 15');
  expect(listener.messages().slice(stopping.index + 1)).toEqual([]); // nothing after it: no pings, no status
}

describeLab(
  'systemd notify and journal',
  () => {
    const lab = useProxyLab(LAB);

    test('uftpd, path socket: READY after the bind, STATUS after a real uftp transfer, WATCHDOG, STOPPING, no NOTIFY_SOCKET in -s', async () => {
      const t = lab();
      const dir = await t.freshDir('uftpd-notify');
      const dest = path.join(dir, 'dest');
      const envDump = path.join(dir, 'script-env.txt');
      const script = path.join(dir, 'post-receive.sh');
      await writeFile(script, `#!/bin/sh\nenv > ${envDump}.tmp && mv ${envDump}.tmp ${envDump}\n`);
      await chmod(script, 0o755);
      await t.host('near').exec('mkdir', ['-p', dest]);
      const listener = await listenForNotify(t, 'near', path.join(dir, 'notify.sock'));

      const ours = startOurs(t, 'near', 'uftpd', ['-D', dest, '-I', t.ifname('near'), '-s', script], {
        NOTIFY_SOCKET: listener.address,
        WATCHDOG_USEC: '400000',
      });
      const ready = await listener.waitFor(has('READY', '1'), 20_000);
      // Sent after the bind: the port is taken the moment READY=1 is in.
      expect(await bindProbe(t, 'near', UFTP_PORT)).toBe('EADDRINUSE');
      expect(assignments(ready.message)).toEqual({ READY: '1', MAINPID: String(ours.pid), STATUS: '0 sessions active; no file yet' });
      expect(listener.messages().slice(0, ready.index).every(has('WATCHDOG', '1'))).toBe(true);

      const src = await payload(path.join(dir, 'src'));
      const run = await sendFiles(t, [], [src.file]);
      expectCompleted(run.log, t.uid('near'));
      expect(await treeDigest(dest)).toEqual(src.digest);
      const status = await listener.waitFor((m) => /last: received payload\.bin \(256 KB\) from 0x[0-9A-F]{8} at /.test(assignments(m).STATUS ?? ''), 10_000);
      expect(assignments(status.message).STATUS).toMatch(new RegExp(`^\\d+ sessions? active; 1 file so far; last: received payload\\.bin \\(256 KB\\) from ${t.uid('server')} at `));
      expect(status.index).toBeGreaterThan(ready.index);

      // WATCHDOG_USEC 0.4 s: a ping every 0.2 s all along.
      await listener.waitFor(has('WATCHDOG', '1'), 5000, status.index + 1);
      expect(listener.messages().filter(has('WATCHDOG', '1')).length).toBeGreaterThanOrEqual(3);

      await waitForFile(envDump, 10_000, (text) => text.includes('PATH='));
      const childEnv = await readFile(envDump, 'utf8');
      expect(childEnv).not.toMatch(/^(NOTIFY_SOCKET|WATCHDOG_USEC|WATCHDOG_PID)=/m);

      await stopBySignal(ours, listener);
    });

    // Each mode: READY=1 once bound, its first STATUS=, a STATUS= that follows traffic, STOPPING=1. The
    // response proxy carries a real transfer (real uftp, real uftpd -R); the others get datagrams of garbage.
    test.each([
      ['server', (t: ProxyTestLab) => ['-s', t.addr('near')], '@'],
      ['client', () => ['-c'], '/'],
      ['response', () => ['-r'], '@'],
    ] as const)('uftpproxyd, %s proxy: READY after the bind, STATUS follows the traffic, STOPPING', async (mode, modeArgs, kind) => {
      const t = lab();
      const dir = await t.freshDir(`proxy-${mode}`);
      const address = kind === '@' ? `@uftp-ts-notify-${process.pid}-${mode}` : path.join(dir, 'notify.sock');
      const listener = await listenForNotify(t, 'proxy', address);
      const proxy = startOurs(t, 'proxy', 'uftpproxyd', [...modeArgs(t), '-I', t.ifname('proxy')], { NOTIFY_SOCKET: address });
      const ready = await listener.waitFor(has('READY', '1'), 20_000);
      expect(await bindProbe(t, 'proxy', UFTP_PORT)).toBe('EADDRINUSE');
      expect(assignments(ready.message)).toEqual({ READY: '1', MAINPID: String(proxy.pid), STATUS: `${mode} proxy; 0 sessions active; 0 datagrams in, 0 out` });

      let traffic: RegExp;
      if (mode === 'response') {
        const src = await payload(path.join(dir, 'src'));
        const client = await t.client('near', path.join(dir, 'near'), ['-R', t.addr('proxy')]);
        await client.waitForOutput(/Received PROXY_KEY/, 10_000);
        const run = await sendFiles(t, [], [src.file]);
        expectCompleted(run.log, t.uid('near'));
        expect(run.log).toContain(`Got COMPLETE from proxy ${t.uid('proxy')}`);
        expect(await treeDigest(path.join(dir, 'near'))).toEqual(src.digest);
        traffic = /^response proxy; \d+ sessions? active; [1-9]\d* datagrams? in, [1-9]\d* out$/;
      } else {
        // Garbage to its port: counted in, dropped.
        await t.host('server').exec(process.execPath, [PROBE, 'ask', t.addr('proxy'), String(UFTP_PORT), '500']);
        traffic = new RegExp(`^${mode} proxy; 0 sessions active; [1-9]\\d* datagrams? in, 0 out$`);
      }
      const status = await listener.waitFor((m) => traffic.test(assignments(m).STATUS ?? ''), 10_000);
      expect(status.index).toBeGreaterThan(ready.index);
      expect(listener.messages().some(has('WATCHDOG'))).toBe(false); // no WATCHDOG_USEC, no pings

      await stopBySignal(proxy, listener);
    });

    // The shell execs the daemon after reading its own stderr's device and inode: the same pipe.
    const journalWrapper = (program: string, args: string[], stream: 'matching' | 'other'): string[] => {
      const value = stream === 'matching' ? '$(stat -L -c %d:%i /proc/self/fd/2)' : '1:1';
      const quoted = [process.execPath, bin(program), ...args].map((a) => `'${a}'`).join(' ');
      return ['-c', `JOURNAL_STREAM=${value}; export JOURNAL_STREAM; exec ${quoted}`];
    };

    test('journal: with JOURNAL_STREAM naming stderr every line opens with its priority; otherwise none', async () => {
      const t = lab();
      const dir = await t.freshDir('journal');
      // WATCHDOG_USEC=abc: a warning (level 1) to see <4>; -x 3 adds level-3 lines (<6>).
      const args = ['-d', '-x', '3', '-D', dir, '-I', t.ifname('near')];
      const env = { NOTIFY_SOCKET: '/nonexistent-uftp-ts/notify', WATCHDOG_USEC: 'abc' };
      const run = async (stream: 'matching' | 'other'): Promise<string[]> => {
        const proc = t.spawn('near', '/bin/sh', journalWrapper('uftpd', args, stream), { env });
        await proc.waitForOutput(/Listening on port/, 20_000);
        await proc.waitForOutput(/cannot notify systemd/, 5000);
        process.kill(proc.pid, 'SIGTERM');
        expect((await proc.exited).code).toBe(SIGNAL_STOP_EXIT);
        return proc.stderr().split('\n').filter(Boolean);
      };

      const lines = await run('matching');
      for (const line of lines) expect(line).toMatch(/^<[3-7]>/);
      const priorityOf = (pattern: RegExp): string | undefined => lines.find((l) => pattern.test(l))?.slice(0, 3);
      expect(priorityOf(/uftp-ts uftpd, UFTP version/)).toBe('<5>'); // the banner: a notice, not an error
      expect(priorityOf(/Loaded .* key/)).toBe('<5>');
      expect(priorityOf(/Warning: WATCHDOG_USEC=abc/)).toBe('<4>');
      expect(priorityOf(/Warning: cannot notify systemd at \/nonexistent-uftp-ts\/notify: sendto ENOENT/)).toBe('<4>');
      expect(priorityOf(/Listening on port/)).toBe('<5>');
      expect(priorityOf(/Paths beneath -D\/-T\/-A resolved with/)).toBe('<6>');
      expect(lines.filter((l) => /cannot notify systemd/.test(l))).toHaveLength(1); // once, not per message

      const plain = await run('other');
      expect(plain.filter((l) => /^<\d>/.test(l))).toEqual([]);
      expect(plain.some((l) => /Listening on port/.test(l))).toBe(true);
    });

    test('journal: a start that fails says why as an error (<3>)', async () => {
      const t = lab();
      const dir = await t.freshDir('journal-fail');
      const proc = t.spawn('near', '/bin/sh', journalWrapper('uftpd', ['-d', '-D', dir, '-k', path.join(dir, 'no-such-key.pem')], 'matching'));
      const { code } = await proc.exited;
      expect(code).not.toBe(0);
      const lines = proc.stderr().split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/^<3>/);
      expect(lines.join('\n')).toMatch(/^<3>uftpd: .*no-such-key\.pem/m);
    });
  },
  [realProgramsMissing, () => (existsSync('/usr/bin/socat') ? undefined : 'socat is not installed (apt-get install socat)')],
);
