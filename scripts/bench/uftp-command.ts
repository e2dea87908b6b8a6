// argv that starts a server: our uftp from this repository's bin/ (run by node itself, so the process is
// node, no wrapper), or the real one of Debian's uftp package, by absolute path (after `npm install -g .`
// ours is on PATH under the same name). `nodeFlags` go to node before our bin (e.g. --cpu-prof).
import path from 'node:path';
import { repoRoot } from './diag-lab';

export type ServerImpl = 'ours' | 'real';

export function uftpCommand(which: ServerImpl, nodeFlags: string[] = []): string[] {
  return which === 'real' ? ['/usr/bin/uftp'] : [process.execPath, ...nodeFlags, path.join(repoRoot(), 'bin/uftp')];
}
