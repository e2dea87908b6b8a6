// Shared by the test/unit/net-*.test.ts files: sockets, receive helpers and /proc readers.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UdpSocket, type Datagram, type Family, type SyscallError } from '../../lib/net';

/**
 * Opens sockets for the tests of one file and closes each after the test that opened it. Call it
 * at the top level of the file: it registers the afterEach.
 */
export function useSockets(): (family?: Family, reuseAddr?: boolean) => UdpSocket {
  const open: UdpSocket[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return (family = 4, reuseAddr) => {
    const s = UdpSocket.open({ family, reuseAddr });
    open.push(s);
    return s;
  };
}

/** Resolves with the first `count` datagrams the socket receives; rejects after timeoutMs. */
export function receive(sock: UdpSocket, count: number, timeoutMs = 10000): Promise<Datagram[]> {
  return new Promise((resolve, reject) => {
    const got: Datagram[] = [];
    const timer = setTimeout(() => reject(new Error(`received ${got.length} of ${count} datagrams`)), timeoutMs);
    sock.onMessages((batch) => {
      got.push(...batch);
      if (got.length >= count) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function readNumber(path: string): number {
  return Number(readFileSync(path, 'utf8').trim());
}

export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A private network namespace for one test file (needs root): `ip` in it, a node script run in it, removal. */
export class TestNetns {
  readonly name: string;

  constructor(label: string) {
    this.name = `uftpts-${label}-${process.pid}`;
    execFileSync('ip', ['netns', 'add', this.name]);
    this.ip('link', 'set', 'lo', 'up');
  }

  ip(...args: string[]): void {
    execFileSync('ip', ['-n', this.name, ...args]);
  }

  exec(cmd: string, ...args: string[]): void {
    execFileSync('ip', ['netns', 'exec', this.name, cmd, ...args]);
  }

  /** Runs `node -e script addonPath ...args` inside the namespace and parses the JSON it prints. */
  node<T>(script: string, args: string[], timeoutMs = 60000): T {
    const out = execFileSync('ip', ['netns', 'exec', this.name, process.execPath, '-e', script, ADDON_PATH, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    return JSON.parse(out) as T;
  }

  remove(): void {
    execFileSync('ip', ['netns', 'del', this.name]);
  }
}

/** The built addon, for child scripts that use it directly. */
export const ADDON_PATH = join(__dirname, '../../build/Release/uftp_native.node');

/** The error `fn` throws (a test failure when it throws none). */
export function thrown(fn: () => unknown): SyscallError {
  try {
    fn();
  } catch (err) {
    return err as SyscallError;
  }
  throw new Error('expected a throw');
}
