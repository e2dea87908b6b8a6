// Shared by the test/unit/net-*.test.ts files: receive helpers and /proc readers.
import { readFileSync, readdirSync } from 'node:fs';
import type { Datagram, UdpSocket } from '../../lib/net';

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
