// systemd integration without systemd: the notify messages, the environment handling, the notifier's
// choices (with a recording transport and a hand-cranked scheduler: no timings), the transport's errors
// through the real addon, and the daemons' status lines.
import { takeNotifyEnv, type NotifyEnv } from '../../lib/cli/common/notify-env';
import { MAX_STATUS_CHARS, readyMessage, statusMessage, statusValue, stoppingMessage, watchdogIntervalMs } from '../../lib/cli/common/notify-messages';
import { STATUS_CHECK_MS, SystemdNotifier, type Every } from '../../lib/cli/common/systemd-notifier';
import { isNotifyAddress, sendNotify } from '../../lib/net';
import { clientStatusLine } from '../../lib/cli/uftpd/status-summary';
import { proxyStatusLine } from '../../lib/cli/proxyd/status-summary';
import { CompletionStatus } from '../../lib/protocol';

describe('notify messages', () => {
  test('READY=1 names the main PID and carries the first status', () => {
    expect(readyMessage(4242, '0 sessions active')).toBe('READY=1\nMAINPID=4242\nSTATUS=0 sessions active');
    expect(readyMessage(7)).toBe('READY=1\nMAINPID=7');
    expect(statusMessage('x')).toBe('STATUS=x');
    expect(stoppingMessage('Exiting on signal 15')).toBe('STOPPING=1\nSTATUS=Exiting on signal 15');
    expect(stoppingMessage()).toBe('STOPPING=1');
  });

  test('a status cannot smuggle in assignments of its own: control characters become "?"', () => {
    const hostile = 'received x\nMAINPID=1\rWATCHDOG=1\u0000\u2028end';
    expect(statusValue(hostile)).toBe('received x?MAINPID=1?WATCHDOG=1??end');
    expect(statusMessage(hostile).split('\n')).toHaveLength(1);
    expect(readyMessage(9, hostile).split('\n')).toEqual(['READY=1', 'MAINPID=9', 'STATUS=received x?MAINPID=1?WATCHDOG=1??end']);
  });

  test('a long status is cut to one readable line', () => {
    const v = statusValue('é'.repeat(1000));
    expect(v).toHaveLength(MAX_STATUS_CHARS);
    expect(v.endsWith('...')).toBe(true);
    expect(statusValue('short')).toBe('short');
  });

  test('the watchdog is pinged at half its timeout', () => {
    expect(watchdogIntervalMs(30_000_000)).toBe(15_000);
    expect(watchdogIntervalMs(200_000)).toBe(100);
    expect(watchdogIntervalMs(1)).toBe(1);
    expect(watchdogIntervalMs(60 * 86_400 * 1e6)).toBe(2 ** 31 - 1); // WatchdogSec=60d: Node's longest timer, not 1 ms
  });
});

describe('notify environment', () => {
  test('NOTIFY_SOCKET and WATCHDOG_* are taken out of the environment, other variables stay', () => {
    const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '55', PATH: '/bin' };
    expect(takeNotifyEnv(env, 55)).toEqual({ socket: '/run/systemd/notify', watchdogUsec: 30_000_000 });
    expect(env).toEqual({ PATH: '/bin' });
  });

  test('no NOTIFY_SOCKET: nothing to do, and a stray WATCHDOG_USEC is still removed', () => {
    const env: NodeJS.ProcessEnv = { WATCHDOG_USEC: '1000000' };
    expect(takeNotifyEnv(env, 1)).toBeUndefined();
    expect(takeNotifyEnv({ NOTIFY_SOCKET: '' }, 1)).toBeUndefined();
    expect(env).toEqual({});
  });

  test('a watchdog meant for another process (WATCHDOG_PID) is not ours to ping', () => {
    expect(takeNotifyEnv({ NOTIFY_SOCKET: '@n', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '1234' }, 99)).toEqual({ socket: '@n' });
    expect(takeNotifyEnv({ NOTIFY_SOCKET: '@n', WATCHDOG_USEC: '1000000' }, 99)).toEqual({ socket: '@n', watchdogUsec: 1_000_000 });
  });

  test('a WATCHDOG_USEC that is no positive number is ignored, with a reason to log', () => {
    for (const bad of ['0', '-5', '1e6', 'abc', '99999999999999999999']) {
      const found = takeNotifyEnv({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: bad }, 1);
      expect(found?.watchdogUsec).toBeUndefined();
      expect(found?.ignored).toContain(`WATCHDOG_USEC=${bad}`);
    }
  });
});

/** A scheduler turned by hand: tick(ms) runs what was registered at that period. */
function manualEvery(): { every: Every; tick: (ms: number) => void; periods: () => number[] } {
  const entries = new Set<{ ms: number; fn: () => void }>();
  return {
    every: (ms, fn) => {
      const entry = { ms, fn };
      entries.add(entry);
      return () => entries.delete(entry);
    },
    tick: (ms) => [...entries].filter((e) => e.ms === ms).forEach((e) => e.fn()),
    periods: () => [...entries].map((e) => e.ms).sort((a, b) => a - b),
  };
}

function notifier(env: NotifyEnv, fail?: () => never) {
  const sent: string[] = [];
  const warnings: string[] = [];
  const clock = manualEvery();
  const n = new SystemdNotifier({
    env,
    pid: 321,
    warn: (m) => warnings.push(m),
    send: (address, message) => {
      expect(address).toBe(env.socket);
      if (fail) fail();
      sent.push(message);
    },
    every: clock.every,
  });
  return { n, sent, warnings, clock };
}

describe('SystemdNotifier', () => {
  test('READY once started, then STATUS only when the summary changed, looked at once a second', () => {
    const { n, sent, clock } = notifier({ socket: '/s' });
    let summary = '0 sessions active';
    expect(sent).toEqual([]);
    n.ready(() => summary);
    expect(sent).toEqual(['READY=1\nMAINPID=321\nSTATUS=0 sessions active']);
    expect(clock.periods()).toEqual([STATUS_CHECK_MS]);
    clock.tick(STATUS_CHECK_MS);
    expect(sent).toHaveLength(1); // unchanged: nothing sent
    summary = '1 session active';
    clock.tick(STATUS_CHECK_MS);
    clock.tick(STATUS_CHECK_MS);
    expect(sent.slice(1)).toEqual(['STATUS=1 session active']);
  });

  test('WATCHDOG=1 at half of WATCHDOG_USEC from the start; STOPPING=1 ends pings and updates', () => {
    const { n, sent, clock } = notifier({ socket: '@sd', watchdogUsec: 4_000_000 });
    expect(clock.periods()).toEqual([2000]);
    clock.tick(2000);
    n.ready(() => 'idle');
    clock.tick(2000);
    expect(sent).toEqual(['WATCHDOG=1', 'READY=1\nMAINPID=321\nSTATUS=idle', 'WATCHDOG=1']);
    n.stopping('Exiting on signal 15');
    expect(clock.periods()).toEqual([]);
    expect(sent.at(-1)).toBe('STOPPING=1\nSTATUS=Exiting on signal 15');
  });

  test('a reload is framed by RELOADING=1 (with CLOCK_MONOTONIC in usec) and READY=1, also when it fails', async () => {
    const { n, sent } = notifier({ socket: '/s' });
    const before = process.hrtime.bigint() / 1000n;
    let during: string[] = [];
    await n.reloading(async () => {
      during = [...sent];
    });
    const [reloading, ready] = sent;
    expect(during).toEqual([reloading]);
    const usec = BigInt(/^RELOADING=1\nMONOTONIC_USEC=(\d+)$/.exec(reloading)![1]);
    expect(usec >= before && usec <= process.hrtime.bigint() / 1000n).toBe(true);
    expect(ready).toBe('READY=1');
    await expect(n.reloading(async () => Promise.reject(new Error('bad list')))).rejects.toThrow('bad list');
    expect(sent.slice(2).map((m) => m.split('\n')[0])).toEqual(['RELOADING=1', 'READY=1']);
  });

  test('no watchdog without WATCHDOG_USEC', () => {
    const { clock } = notifier({ socket: '/s' });
    expect(clock.periods()).toEqual([]);
  });

  test('a failed send is reported once and never thrown', () => {
    const err = Object.assign(new Error('sendto ECONNREFUSED: connection refused'), { code: 'ECONNREFUSED' });
    const { n, warnings, clock } = notifier({ socket: '/gone', watchdogUsec: 1000 }, () => {
      throw err;
    });
    expect(() => n.ready(() => 'x')).not.toThrow();
    clock.tick(1);
    n.status('y');
    n.stopping();
    expect(warnings).toEqual(['Warning: cannot notify systemd at /gone: sendto ECONNREFUSED: connection refused (not repeated)']);
  });

  test('an ignored watchdog setting is said once', () => {
    const { warnings } = notifier({ socket: '/s', ignored: 'WATCHDOG_USEC=x is not a positive number of microseconds' });
    expect(warnings).toEqual(['Warning: WATCHDOG_USEC=x is not a positive number of microseconds; no watchdog pings']);
  });
});

describe('notify transport (the addon, real syscalls)', () => {
  test('addresses: an absolute path or @name', () => {
    expect(isNotifyAddress('/run/systemd/notify')).toBe(true);
    expect(isNotifyAddress('@abstract')).toBe(true);
    expect(isNotifyAddress('@')).toBe(false);
    expect(isNotifyAddress('relative/sock')).toBe(false);
    expect(isNotifyAddress('')).toBe(false);
    expect(isNotifyAddress('/a\0b')).toBe(false);
  });

  test('errors carry code and syscall', () => {
    const caught = (address: string): NodeJS.ErrnoException => {
      try {
        sendNotify(address, 'READY=1');
      } catch (err) {
        return err as NodeJS.ErrnoException;
      }
      throw new Error(`sending to ${address} did not fail`);
    };
    expect(caught('/nonexistent-dir-uftp-ts/notify')).toMatchObject({ code: 'ENOENT', syscall: 'sendto' });
    expect(caught(`/${'x'.repeat(200)}`)).toMatchObject({ code: 'ENAMETOOLONG', syscall: 'sendto' });
    expect(caught(`@${'x'.repeat(108)}`)).toMatchObject({ code: 'ENAMETOOLONG', syscall: 'sendto' });
    expect(caught('not/absolute')).toMatchObject({ code: 'EINVAL' });
  });
});

describe('status lines', () => {
  const wallMs = new Date(2026, 11, 4, 10, 11, 15).getTime();

  test('uftpd: sessions and the last file', () => {
    expect(clientStatusLine({ sessions: 0, files: 0 })).toBe('0 sessions active; no file yet');
    expect(clientStatusLine({ sessions: 1, files: 1, last: { name: 'x.bin', size: 262_144, status: CompletionStatus.NORMAL, serverId: 0x0a000001, wallMs } }))
      .toBe('1 session active; 1 file so far; last: received x.bin (256 KB) from 0x0A000001 at 2026/12/04-10:11:15');
    expect(clientStatusLine({ sessions: 2, files: 5, last: { name: 'd/old', size: 10, status: CompletionStatus.SKIPPED, serverId: 0xc6120001, wallMs } }))
      .toBe('2 sessions active; 5 files so far; last: skipped d/old (0 KB) from 0xC6120001 at 2026/12/04-10:11:15');
  });

  test('uftpproxyd: mode, sessions, traffic', () => {
    expect(proxyStatusLine({ mode: 'server', sessions: 1, datagramsIn: 10_234, datagramsOut: 10_230 })).toBe('server proxy; 1 session active; 10234 datagrams in, 10230 out');
    expect(proxyStatusLine({ mode: 'response', sessions: 0, datagramsIn: 1, datagramsOut: 0 })).toBe('response proxy; 0 sessions active; 1 datagram in, 0 out');
  });
});
