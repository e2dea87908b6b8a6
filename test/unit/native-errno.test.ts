// The addon's errors carry errno as Node's own do: libuv's negative code, the key of
// util.getSystemErrorMap(), for sockets and files alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSystemErrorMap, getSystemErrorName } from 'node:util';
import { nativeFiles } from '../../lib/files/native';
import { UdpSocket } from '../../lib/net';
import { thrown } from './net-helpers';

test('a socket error: errno is the negative code Node uses', () => {
  const a = UdpSocket.open({ family: 4, reuseAddr: false });
  const b = UdpSocket.open({ family: 4, reuseAddr: false });
  try {
    a.bind('127.0.0.1', 0);
    const err = thrown(() => b.bind('127.0.0.1', a.address().port));
    expect(err.errno).toBeLessThan(0);
    expect(getSystemErrorName(err.errno)).toBe(err.code);
  } finally {
    void a.close();
    void b.close();
  }
});

test('a file error: errno is the negative code Node uses, and getSystemErrorMap knows it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uftpts-errno-'));
  const files = nativeFiles();
  const root = files.openRoot(dir);
  try {
    const err = thrown(() => files.readdirAt(root, 'missing'));
    expect(err.code).toBe('ENOENT');
    expect(err.errno).toBeLessThan(0);
    expect(getSystemErrorMap().get(err.errno)?.[0]).toBe('ENOENT');
  } finally {
    files.closeRoot(root);
    rmSync(dir, { recursive: true });
  }
});
