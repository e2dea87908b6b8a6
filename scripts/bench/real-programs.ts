// The real UFTP programs a benchmark compares with, checked before it starts: run by absolute path
// (after `npm install -g .` ours carry the same names on PATH), compiled programs rather than scripts
// (ours installed over them), and saying UFTP 4.10.2: the banner each prints at start-up ("UFTP version
// 4.10.2  Copyright ..."), read from the program file itself. uftp_keymgt prints no banner: it is checked
// for being the compiled program only.
import { readFileSync } from 'node:fs';

export const REAL_VERSION = '4.10.2';
export type RealProgram = 'uftp' | 'uftpd' | 'uftpproxyd' | 'uftp_keymgt';

export function realPath(name: RealProgram): string {
  return `/usr/bin/${name}`;
}

/** What is wrong with the real program `name`, or undefined when it is Debian's UFTP 4.10.2. */
export function realProgramProblem(name: RealProgram): string | undefined {
  return programFileProblem(realPath(name), name !== 'uftp_keymgt');
}

/** What is wrong with `file` as a real UFTP program (with the start-up banner when `banner`). */
export function programFileProblem(file: string, banner: boolean): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return `${file} cannot be read (${(err as NodeJS.ErrnoException).code}): apt-get install uftp`;
  }
  if (bytes.subarray(0, 4).toString('latin1') !== '\x7fELF') return `${file} is not a compiled program (ours installed over the real one?)`;
  if (!banner) return undefined;
  const said = /UFTP version (\d+\.\d+\.\d+) {2}Copyright/.exec(bytes.toString('latin1'))?.[1];
  if (said === undefined) return `${file} carries no "UFTP version ... Copyright" banner: not the real UFTP`;
  return said === REAL_VERSION ? undefined : `${file} says UFTP ${said}, the comparison needs ${REAL_VERSION}`;
}

/** Throws naming every problem; otherwise prints one line saying what the comparison runs against. */
export function checkRealPrograms(...names: RealProgram[]): void {
  const problems = names.map(realProgramProblem).filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new Error(`the real programs are not right:\n  ${problems.join('\n  ')}`);
  console.log(`real programs: ${names.map(realPath).join(', ')} (UFTP ${REAL_VERSION})`);
}

/** The version a real program's own log states at start-up; throws when it is not REAL_VERSION. */
export function checkBanner(log: string, who: string): void {
  const said = /UFTP version (\S+) {2}Copyright/.exec(log)?.[1];
  if (said !== REAL_VERSION) throw new Error(`${who} did not say UFTP ${REAL_VERSION} at start-up (said ${said ?? 'nothing'}):\n${log.slice(0, 500)}`);
}
