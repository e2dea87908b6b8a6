// `openssl speed` as the yardstick for our AES-GCM unwrap: the same cipher on blocks of the same size,
// one core, machine-readable output (-mr) parsed for bytes per second.
import { spawnSync } from 'node:child_process';

export interface OpensslSpeed {
  cipher: string;
  blockBytes: number;
  mbPerSec: number;
  version: string;
}

/** `+F:<n>:<CIPHER>:<bytes/s for each -bytes size>` is the result line of `openssl speed -mr`. */
export function parseSpeedOutput(stdout: string, cipher: string): number {
  const line = stdout.split('\n').find((l) => l.startsWith('+F:') && l.split(':')[2]?.toLowerCase() === cipher.toLowerCase());
  const rate = line === undefined ? NaN : Number(line.split(':')[3]);
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`no result for ${cipher} in openssl speed output:\n${stdout}`);
  return rate;
}

/** Runs `openssl speed -evp CIPHER -bytes N -seconds S -mr`; throws with openssl's output if it fails. */
export function opensslSpeed(cipher: string, blockBytes: number, seconds: number): OpensslSpeed {
  const args = ['speed', '-evp', cipher, '-bytes', String(blockBytes), '-seconds', String(seconds), '-mr'];
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  if (r.error) throw new Error(`openssl ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim().split(' (')[0];
  return { cipher, blockBytes, mbPerSec: parseSpeedOutput(r.stdout, cipher) / 1e6, version };
}
