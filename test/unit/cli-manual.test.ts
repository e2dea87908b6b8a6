// `--help` of every program: a manual page with the usual sections, on stdout, exit 0, that documents
// exactly the options its parser takes (no option left out, none described that the parser refuses).
import { parseOptstring } from '../../lib/cli/common/getopt';
import { renderManual, shortOptionsOf, type Manual } from '../../lib/cli/common/manual';
import { SUBCOMMANDS } from '../../lib/cli/diag/main';
import { diagManual } from '../../lib/cli/diag/manual';
import { main as keymgtMain } from '../../lib/cli/keymgt/main';
import { MANUAL as KEYMGT } from '../../lib/cli/keymgt/manual';
import { OPTSTRING as KEYMGT_OPTS } from '../../lib/cli/keymgt/options';
import { main as proxydMain } from '../../lib/cli/proxyd/main';
import { MANUAL as PROXYD } from '../../lib/cli/proxyd/manual';
import { OPTSTRING as PROXYD_OPTS } from '../../lib/cli/proxyd/options';
import { main as uftpMain } from '../../lib/cli/uftp/main';
import { MANUAL as UFTP } from '../../lib/cli/uftp/manual';
import { OPTSTRING as UFTP_OPTS } from '../../lib/cli/uftp/options';
import { main as uftpdMain } from '../../lib/cli/uftpd/main';
import { MANUAL as UFTPD } from '../../lib/cli/uftpd/manual';
import { OPTSTRING as UFTPD_OPTS } from '../../lib/cli/uftpd/options';
import { runDiag } from './diag-helpers';

const SECTIONS = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'SEE ALSO'];

const GETOPT_PROGRAMS: Array<[string, Manual, string]> = [
  ['uftp', UFTP, UFTP_OPTS],
  ['uftpd', UFTPD, UFTPD_OPTS],
  ['uftpproxyd', PROXYD, PROXYD_OPTS],
  ['uftp_keymgt', KEYMGT, KEYMGT_OPTS],
];

/** The section titles of a rendered page, in order. */
function titles(text: string): string[] {
  return text.split('\n').filter((line) => /^[A-Z][A-Z ]+$/.test(line));
}

describe.each(GETOPT_PROGRAMS)('%s --help', (name, manual, optstring) => {
  const text = renderManual(manual);

  test('documents every option the parser takes, and no other', () => {
    const accepted = [...parseOptstring(optstring).keys()].sort();
    expect([...shortOptionsOf(manual)].sort()).toEqual(accepted);
  });

  test('has the sections of a manual page, in order', () => {
    const found = titles(text);
    expect(found.filter((t) => SECTIONS.includes(t))).toEqual(SECTIONS);
    expect(text.startsWith(`NAME\n       ${name} - `)).toBe(true);
  });

  test('the daemons say where their files are', () => {
    expect(titles(text).includes('FILES')).toBe(name === 'uftpd' || name === 'uftpproxyd');
  });

  test('wrapped to 80 columns outside the synopsis', () => {
    const synopsis = new Set(manual.synopsis.split('\n').map((l) => `       ${l}`));
    const long = text.split('\n').filter((line) => line.length > 80 && !synopsis.has(line));
    expect(long).toEqual([]);
  });
});

describe('uftp_diag --help', () => {
  test('documents every long option of every subcommand, and names every subcommand', async () => {
    const r = await runDiag(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const c of SUBCOMMANDS) {
      expect(r.stdout).toMatch(new RegExp(`\\n {7}${c.name}\\s`));
      for (const option of Object.keys(c.options)) expect(r.stdout).toMatch(new RegExp(`\\n {7}--${option}\\b`));
    }
    expect(titles(r.stdout).filter((t) => SECTIONS.includes(t))).toEqual(SECTIONS);
  });

  test('an option without a text is an error, not a silent gap', () => {
    const bogus = { ...SUBCOMMANDS[0], options: { frobnicate: { type: 'boolean' as const } } };
    expect(() => diagManual([bogus])).toThrow('--frobnicate');
  });
});

describe('the programs answer --help alone with their page on stdout, exit 0', () => {
  function capture(): { out: string[]; write: (t: string) => void } {
    const out: string[] = [];
    return { out, write: (t) => void out.push(t) };
  }

  test('uftpd and uftpproxyd', async () => {
    for (const [run, manual] of [[uftpdMain, UFTPD], [proxydMain, PROXYD]] as const) {
      const stdout = capture();
      const stderr = capture();
      expect(await run(['--help'], { stdout: stdout.write, stderr: stderr.write })).toBe(0);
      expect(stdout.out.join('')).toBe(renderManual(manual));
      expect(stderr.out).toEqual([]);
    }
  });

  test('uftp', async () => {
    const stdout = capture();
    const stderr = { write: (t: string) => { throw new Error(`unexpected stderr: ${t}`); }, isTTY: false } as unknown as NodeJS.WriteStream;
    expect(await uftpMain(['--help'], { stdout: stdout.write, stderr })).toBe(0);
    expect(stdout.out.join('')).toBe(renderManual(UFTP));
  });

  test('uftp_keymgt', () => {
    const stdout = capture();
    const stderr = capture();
    expect(keymgtMain(['--help'], stderr.write, stdout.write)).toBe(0);
    expect(stdout.out.join('')).toBe(renderManual(KEYMGT));
    expect(stderr.out).toEqual([]);
  });

  test('--help among other arguments is still the bad option the real programs call it', async () => {
    const stderr = capture();
    expect(await proxydMain(['-c', '--help'], { stdout: () => undefined, stderr: stderr.write })).toBe(1);
    expect(stderr.out.join('')).toContain("invalid option -- '-'");
  });
});
