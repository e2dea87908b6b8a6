// A stand-in for systemd's notify socket: socat bound to an AF_UNIX datagram socket in a lab host (a path,
// or an abstract name, which lives in the host's network namespace), dumping each datagram it receives
// in hex (-x) under a header with its length, so message boundaries survive.
import { existsSync } from 'node:fs';
import type { LabProcess } from '../../../scripts/lab';
import type { AnyHost, ProxyTestLab } from './proxy-lab';

export interface NotifyListener {
  /** The value for NOTIFY_SOCKET. */
  readonly address: string;
  readonly proc: LabProcess;
  /** Every datagram so far, as text. */
  messages(): string[];
  /** The first message (from index `from` on) that passes `test`; fails after timeoutMs. */
  waitFor(test: (message: string) => boolean, timeoutMs: number, from?: number): Promise<{ message: string; index: number }>;
}

const HEADER = /^> \S+ \S+\s+length=(\d+) from=\d+ to=\d+$/;

/** socat -x output -> datagrams: a header line, then the bytes as hex pairs on the lines up to the next one. */
export function parseSocatHex(dump: string): string[] {
  const out: string[] = [];
  let bytes: number[] | undefined;
  let expected = 0;
  const finish = (): void => {
    if (bytes !== undefined && bytes.length === expected) out.push(Buffer.from(bytes).toString('utf8'));
  };
  for (const line of dump.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      finish();
      bytes = [];
      expected = Number(header[1]);
    } else if (bytes !== undefined) {
      for (const pair of line.trim().split(/\s+/).filter(Boolean)) bytes.push(parseInt(pair, 16));
    }
  }
  finish(); // the last one only once all its bytes are in
  return out;
}

/** Starts the listener on `host` and resolves once its socket exists. `address`: '/path' or '@name'. */
export async function listenForNotify(t: ProxyTestLab, host: AnyHost, address: string): Promise<NotifyListener> {
  const spec = address.startsWith('@') ? `ABSTRACT-RECV:${address.slice(1)}` : `UNIX-RECV:${address}`;
  const proc = t.spawn(host, 'socat', ['-u', '-x', spec, 'OPEN:/dev/null']);
  const end = Date.now() + 10_000;
  for (;;) {
    const there = address.startsWith('@')
      ? (await t.host(host).exec('ss', ['-Hxa'])).stdout.split('\n').some((l) => l.split(/\s+/).includes(address))
      : existsSync(address);
    if (there) break;
    if (Date.now() > end) throw new Error(`socat did not bind ${address}: ${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const messages = (): string[] => parseSocatHex(proc.stderr());
  return {
    address,
    proc,
    messages,
    async waitFor(test, timeoutMs, from = 0) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const all = messages();
        const index = all.findIndex((m, i) => i >= from && test(m));
        if (index >= 0) return { message: all[index], index };
        if (Date.now() > until) throw new Error(`no such notify message in ${timeoutMs} ms; got:\n${all.join('\n--\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** A message's assignments: "READY=1\nSTATUS=x" -> { READY: '1', STATUS: 'x' }. */
export function assignments(message: string): Record<string, string> {
  return Object.fromEntries(message.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
