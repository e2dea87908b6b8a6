// The benchmarks' check of the real programs: compiled, and saying UFTP 4.10.2.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBanner, programFileProblem, realProgramProblem } from '../../scripts/bench/real-programs';

const dir = mkdtempSync(join(tmpdir(), 'real-programs-'));
function file(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
const elf = (text: string) => Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.from(`\0junk\0${text}\0more`)]);

describe('programFileProblem', () => {
  test.each([
    ['missing', join(dir, 'nothing'), true, /cannot be read \(ENOENT\): apt-get install uftp/],
    ['ours installed over it (a script)', file('script', '#!/usr/bin/env node\nrequire("../dist/lib/cli/uftpd/main.js")\n'), true, /is not a compiled program/],
    ['another version', file('old', elf('UFTP version 4.9.3  Copyright (C) 2001-2019  Dennis A. Bush')), true, /says UFTP 4\.9\.3, the comparison needs 4\.10\.2/],
    ['no banner', file('nobanner', elf('hello')), true, /carries no "UFTP version \.\.\. Copyright" banner/],
  ])('%s', (_what, path, banner, message) => {
    expect(programFileProblem(path, banner)).toMatch(message);
  });

  test('4.10.2, or a compiled program where no banner is asked for', () => {
    expect(programFileProblem(file('good', elf('UFTP version 4.10.2  Copyright (C) 2001-2020  Dennis A. Bush')), true)).toBeUndefined();
    expect(programFileProblem(file('keymgt', elf('usage')), false)).toBeUndefined();
  });

  (existsSync('/usr/bin/uftpd') ? test : test.skip)("Debian's uftp package here passes", () => {
    for (const name of ['uftp', 'uftpd', 'uftpproxyd', 'uftp_keymgt'] as const) expect([name, realProgramProblem(name)]).toEqual([name, undefined]);
  });
});

describe('checkBanner', () => {
  test('the start-up line of a real program', () => {
    expect(() => checkBanner('UFTP version 4.10.2  Copyright (C) 2001-2020  Dennis A. Bush\nStarting\n', 'uftpd')).not.toThrow();
  });
  test.each([
    ['ours', 'uftp-ts uftpd, UFTP version 4.10.2 compatible\n', /said nothing/],
    ['another version', 'UFTP version 5.0  Copyright (C) 2001-2023  Dennis A. Bush\n', /said 5\.0/],
  ])('%s is refused', (_what, log, message) => {
    expect(() => checkBanner(log, 'uftpd')).toThrow(message);
  });
});
