// The daemons' reload (SIGHUP) with real files: list and key files read again, what changed logged, a bad
// file (missing, unparsable, a duplicate entry) refused with the old configuration kept, nothing done when
// nothing changed; -K keys kept; the SIGHUP handler's order of runs; the log file reopened after a rename.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fingerprint, generateKey, privateKeyPem } from '../../lib/crypto';
import type { NetInterface } from '../../lib/net';
import { Hangup } from '../../lib/cli/common/hangup';
import { Logger } from '../../lib/cli/common/log';
import { LogFileError, RotatingLogFile } from '../../lib/cli/common/log-file';
import { reloadDaemon } from '../../lib/cli/common/reloader';
import { parseProxydArgs } from '../../lib/cli/proxyd/options';
import { proxydReloader } from '../../lib/cli/proxyd/reload';
import { loadProxyKeys, prepare } from '../../lib/cli/proxyd/setup';
import { parseUftpdArgs } from '../../lib/cli/uftpd/options';
import { uftpdReloader } from '../../lib/cli/uftpd/reload';
import { loadUftpdKeys, prepareUftpd } from '../../lib/cli/uftpd/setup';
import type { ClientReconfig } from '../../lib/client/types';
import type { ProxyReconfig } from '../../lib/proxy/types';

const ETH0: NetInterface = { name: 'eth0', index: 2, up: true, loopback: false, multicast: true, addresses: [{ family: 4, address: '198.18.0.2', prefixLength: 24 }] };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-reload-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(text: string): string {
  const path = join(dir, `f${++files}`);
  writeFileSync(path, text);
  return path;
}

function keyFile(): { path: string; fingerprint: string } {
  const key = generateKey({ type: 'ec', curve: 'prime256v1' });
  return { path: file(privateKeyPem(key)), fingerprint: fingerprint(key) };
}

async function proxyd(args: string[]) {
  const setup = await prepare(parseProxydArgs(args), [ETH0]);
  const { config, keys } = loadProxyKeys(setup);
  const applied: ProxyReconfig[] = [];
  const reloader = proxydReloader(setup, { serverList: config.serverList, clientList: config.clientList, keys }, (n) => applied.push(n));
  return { reloader, applied };
}

async function uftpd(args: string[]) {
  const setup = await prepareUftpd(parseUftpdArgs(['-D', dir, '-I', 'eth0', '-M', '232.4.4.1', ...args]), [ETH0]);
  const applied: ClientReconfig[] = [];
  const reloader = uftpdReloader(setup, { serverList: setup.serverList, keys: loadUftpdKeys(setup) }, (n) => applied.push(n));
  return { reloader, applied };
}

describe('uftpproxyd reload: -S, -C, -k', () => {
  test('a changed list is applied and logged with its count and the count before', async () => {
    const servers = file('0x11110001|198.18.0.1\n');
    const { reloader, applied } = await proxyd(['-s', '198.18.0.9', '-S', servers, '-M', '232.4.4.1']);
    writeFileSync(servers, '0x11110001|198.18.0.1\n0x11110002|198.18.0.5\n');
    expect(await reloader.reload()).toEqual({ kind: 'reloaded', lines: [`Reloaded: 2 servers in -S ${servers} (was 1)`] });
    expect(applied.map((a) => a.serverList)).toEqual([[{ id: 0x11110001, address: '198.18.0.1' }, { id: 0x11110002, address: '198.18.0.5' }]]);
    writeFileSync(servers, '0x11110001|198.18.0.1\n0x11110003|198.18.0.5\n');
    expect(await reloader.reload()).toEqual({ kind: 'reloaded', lines: [`Reloaded: 2 servers in -S ${servers} (was 2, entries changed)`] });
    expect(reloader.config.serverList?.[1].id).toBe(0x11110003);
  });

  test('the same entries again (reordered, commented) change nothing: no apply', async () => {
    const clients = file('0x00001111\n0x00002222\n');
    const { reloader, applied } = await proxyd(['-c', '-C', clients]);
    writeFileSync(clients, '# reordered\n0x00002222\n\n0x00001111\n');
    expect(await reloader.reload()).toEqual({ kind: 'unchanged' });
    expect(applied).toEqual([]);
  });

  test.each([
    ['a missing', (p: string) => rmSync(p), /^-C: couldn't open list (\S+): ENOENT/],
    ['an unparsable', (p: string) => writeFileSync(p, '0x00001111\nnot-an-id\n'), /^-C (\S+) line 2: invalid ID 'not-an-id'/],
    ['a duplicate', (p: string) => writeFileSync(p, '0x00001111\n0x00001111\n'), /^-C (\S+) line 2: ID 0x00001111 listed twice/],
  ])('%s list is refused naming the file; the old list stays in force', async (_n, spoil, says) => {
    const clients = file('0x00001111\n');
    const { reloader, applied } = await proxyd(['-c', '-C', clients]);
    spoil(clients);
    const outcome = await reloader.reload();
    expect(outcome.kind).toBe('refused');
    const message = (outcome as { message: string }).message;
    expect(message).toMatch(says);
    expect(message.match(says)![1]).toBe(clients);
    expect(applied).toEqual([]);
    expect(reloader.config.clientList).toEqual([{ id: 0x1111 }]);
    writeFileSync(clients, '0x00001111\n');
    expect(await reloader.reload()).toEqual({ kind: 'unchanged' });
  });

  test('-k files are read again: a new key is logged with its fingerprint; a bad one is refused', async () => {
    const [first, second] = [keyFile(), keyFile()];
    const { reloader, applied } = await proxyd(['-c', '-k', first.path]);
    writeFileSync(first.path, readFileSync(second.path));
    const outcome = await reloader.reload();
    expect(outcome).toEqual({
      kind: 'reloaded',
      lines: [`Reloaded: 1 key from -k ${first.path} (was 1, fingerprints changed)`, `Loaded ECDSA key with curve prime256v1 and fingerprint ${second.fingerprint}`],
    });
    expect(applied[0].keys[0].fingerprint).toBe(second.fingerprint);
    writeFileSync(first.path, 'garbage\n');
    expect(await reloader.reload()).toEqual({ kind: 'refused', message: `-k: ${first.path}: not a PEM private key file` });
    expect(reloader.config.keys[0].fingerprint).toBe(second.fingerprint);
  });

  test('-K keys (written to their -k file) are kept as they are: the file is not read again', async () => {
    const path = join(dir, 'generated.pem');
    const { reloader } = await proxyd(['-c', '-K', 'ec:prime256v1', '-k', path]);
    const made = reloader.config.keys[0].fingerprint;
    writeFileSync(path, privateKeyPem(generateKey({ type: 'ec', curve: 'prime256v1' })));
    expect(await reloader.reload()).toEqual({ kind: 'unchanged' });
    expect(reloader.config.keys[0].fingerprint).toBe(made);
  });
});

describe('uftpd reload: -S files and -k', () => {
  test('the -S files add up again; an emptied list is refused (no list would let every server in)', async () => {
    const [one, two] = [file('0x11110001|198.18.0.1\n'), file('0x11110002|198.18.0.5\n')];
    const { reloader, applied } = await uftpd(['-S', one, '-S', two]);
    writeFileSync(two, '0x11110002|198.18.0.5\n0x11110003|198.18.0.6|66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC\n');
    expect(await reloader.reload()).toEqual({ kind: 'reloaded', lines: [`Reloaded: 3 servers in -S ${one}, ${two} (was 2)`] });
    expect(applied[0].serverList?.[2]).toEqual({ id: 0x11110003, address: '198.18.0.6', fingerprint: '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC' });
    writeFileSync(one, '# nobody\n');
    writeFileSync(two, '');
    expect(await reloader.reload()).toEqual({ kind: 'refused', message: `-S: ${one}, ${two}: no servers listed` });
    expect(reloader.config.serverList).toHaveLength(3);
  });

  test('a server listed twice is refused, naming the file and line', async () => {
    const list = file('0x11110001|198.18.0.1\n');
    const { reloader } = await uftpd(['-S', list]);
    writeFileSync(list, '0x11110001|198.18.0.1\n0x11110001|198.18.0.1\n');
    expect(await reloader.reload()).toEqual({ kind: 'refused', message: `-S ${list} line 2: server 0x11110001 at 198.18.0.1 listed twice` });
  });

  test('the same address written another way is the same entry: unchanged', async () => {
    const list = file('0x11110001|198.18.0.1\n');
    const { reloader, applied } = await uftpd(['-S', list]);
    writeFileSync(list, '0x11110001 | 198.18.0.1\n');
    expect(await reloader.reload()).toEqual({ kind: 'unchanged' });
    expect(applied).toEqual([]);
  });
});

/** A logger whose lines are kept (bare, without the timestamp). */
function capturingLogger(level = 2): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _e, done) => (lines.push(chunk.toString().replace(/^\S+ \S+: /, '').trimEnd()), done()) });
  return { logger: new Logger({ level, to: { stream } }), lines };
}

/** winston hands lines on asynchronously. */
function settled(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

describe('the log lines of a reload', () => {
  test('refused at level 0 with the reason; unchanged and reloaded at level 1', async () => {
    const servers = file('0x11110001|198.18.0.1\n');
    const { reloader } = await proxyd(['-s', '198.18.0.9', '-S', servers, '-M', '232.4.4.1']);
    const { logger, lines } = capturingLogger(0);
    writeFileSync(servers, '0x11110001|198.18.0.1|nope\n');
    await reloader.reloadAndLog(logger);
    await settled();
    expect(lines).toEqual([`Reload refused, keeping the previous configuration: -S ${servers} line 1: invalid fingerprint 'nope': want 20 hex bytes separated by ':'`]);

    const verbose = capturingLogger(1);
    writeFileSync(servers, '0x11110001|198.18.0.1\n');
    await reloader.reloadAndLog(verbose.logger);
    await settled();
    expect(verbose.lines).toEqual([`Reloaded: nothing changed in -S ${servers}`]);
  });

  test('a reload that throws (a bug) is logged, and the daemon carries on', async () => {
    const { logger, lines } = capturingLogger(0);
    await reloadDaemon(logger, () => Promise.reject(new Error('boom')));
    await settled();
    expect(lines[0]).toMatch(/^Reload failed, keeping the previous configuration: Error: boom/);
  });
});

describe('SIGHUP handler', () => {
  test('before arm() a SIGHUP is only noted; after, runs one at a time, one more for those during a run', async () => {
    let early = 0;
    const hangup = new Hangup(() => early++);
    try {
      process.emit('SIGHUP', 'SIGHUP');
      expect(early).toBe(1);
      let runs = 0;
      let release: () => void = () => undefined;
      hangup.arm(async () => {
        runs++;
        if (runs === 1) await new Promise<void>((r) => (release = r));
      });
      const first = hangup.fire();
      void hangup.fire();
      void hangup.fire();
      expect(runs).toBe(1);
      release();
      await first;
      expect(runs).toBe(2);
      await hangup.disarm();
      process.emit('SIGHUP', 'SIGHUP');
      expect([runs, early]).toEqual([2, 2]);
    } finally {
      hangup.remove();
    }
  });

  test('the handler is in place while armed and gone after remove()', () => {
    const before = process.listenerCount('SIGHUP');
    const hangup = new Hangup();
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    hangup.remove();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});

describe('log file reopened (logrotate)', () => {
  test('after a rename, the next lines go to a new file at the path; the old one keeps the earlier lines', () => {
    const path = join(dir, 'daemon.log');
    const log = new RotatingLogFile(path, { maxCount: 5 });
    log.write('before\n');
    renameSync(path, `${path}.1`);
    log.write('still old\n');
    log.reopen();
    log.write('after\n');
    log.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('before\nstill old\n');
    expect(readFileSync(path, 'utf8')).toBe('after\n');
  });

  test('a path that cannot be opened again: LogFileError, and the old file stays in use', () => {
    const sub = join(dir, 'gone');
    mkdirSync(sub);
    const path = join(sub, 'daemon.log');
    const log = new RotatingLogFile(path, { maxCount: 5 });
    renameSync(sub, `${sub}.moved`);
    expect(() => log.reopen()).toThrow(LogFileError);
    log.write('kept\n');
    log.close();
    expect(readFileSync(join(`${sub}.moved`, 'daemon.log'), 'utf8')).toBe('kept\n');
  });
});
