// -s: the post-receive script, run as the real uftpd runs it: `script -I <group ID> <file>...`, not waited
// for, its output discarded, in a process of its own.
import { spawn } from 'node:child_process';

export function runPostReceive(script: string, groupId: number, paths: string[], onError: (message: string) => void): void {
  const args = ['-I', (groupId >>> 0).toString(16).toUpperCase().padStart(8, '0'), ...paths];
  try {
    const child = spawn(script, args, { detached: true, stdio: 'ignore' });
    child.on('error', (err) => onError(`Error running postreceive script ${script}: ${err.message}`));
    child.unref();
  } catch (err) {
    onError(`Error running postreceive script ${script}: ${(err as Error).message}`);
  }
}

/** The log line the real client writes before running it. */
export function postReceiveLine(script: string, groupId: number, paths: string[]): string {
  return `Running postreceive: ${script} -I ${(groupId >>> 0).toString(16).toUpperCase().padStart(8, '0')} ${paths.join(' ')}`;
}
