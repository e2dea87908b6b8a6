// uftpproxyd's main() in front (-d) in this process, with a small machine in place of the proxy:
// log lines on stderr in the real programs' format, the pid file while it runs, a clean stop.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UdpSocket } from '../../lib/net';
import type { ProxyConfig, ProxyMachine } from '../../lib/proxy/types';
import { main } from '../../lib/cli/proxyd/main';

function freePort(): number {
  const s = UdpSocket.open({ family: 4 });
  s.bind('127.0.0.1', 0);
  const { port } = s.address();
  void s.close();
  return port;
}

describe('uftpproxyd main -d', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'proxyd-main-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the machine with the config from the command line, and stops cleanly', async () => {
    const pidFile = join(dir, 'p.pid');
    const port = freePort();
    let err = '';
    let seen: ProxyConfig | undefined;
    let pidWhileRunning = '';
    const machine = (config: ProxyConfig): ProxyMachine => {
      seen = config;
      return {
        start: () => [{ type: 'log', level: 2, message: 'machine started', groupId: 0x01020304 }],
        handle: () => [],
        sessionCount: () => 0,
      };
    };
    const code = await main(['-d', '-c', '-U', '0x0a0b0c0d', '-p', String(port), '-P', pidFile, '-x', '2', '-T', '40'], {
      stderr: (t) => (err += t),
      createMachine: machine,
      onRunning: (stop) => {
        pidWhileRunning = readFileSync(pidFile, 'utf8');
        stop();
      },
    });
    expect(code).toBe(0);
    expect(pidWhileRunning).toBe(`${process.pid}\n`);
    expect(existsSync(pidFile)).toBe(false);
    expect(seen).toMatchObject({ mode: 'client', uid: 0x0a0b0c0d, port, destPort: 1044, aggregationPct: 40 });
    expect(seen!.keys).toHaveLength(1);
    const lines = err.trimEnd().split('\n').map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}: /, ''));
    expect(lines).toEqual([
      'uftp-ts uftpproxyd, UFTP version 4.10.2 compatible',
      expect.stringMatching(/^Loaded 512 bit RSA key with fingerprint /),
      '[01020304/00:0]: machine started',
      'Exiting on request',
      'Counters: none',
    ]);
  });

  // The real proxy binds its listener without SO_REUSEADDR: a second one on a busy port exits 2 with
  // "Error binding socket for listener: Address already in use". With reuse on both, two of ours shared the
  // port and multicast was forwarded twice. The first socket here has SO_REUSEADDR, as a proxy of ours had.
  it('a second proxy on a busy port exits 2 with "address already in use", even when the first allows reuse', async () => {
    const first = UdpSocket.open({ family: 4, reuseAddr: true });
    first.bind('0.0.0.0', 0);
    const { port } = first.address();
    let err = '';
    let started = false;
    try {
      const code = await main(['-d', '-c', '-U', '0x0a0b0c0d', '-p', String(port)], {
        stderr: (t) => (err += t),
        createMachine: () => ({ start: () => [], handle: () => [], sessionCount: () => 0 }),
        onRunning: (stop) => {
          started = true;
          stop();
        },
      });
      expect(started).toBe(false);
      expect(code).toBe(2);
      expect(err).toMatch(/address already in use/i);
    } finally {
      await first.close();
    }
  });
});
