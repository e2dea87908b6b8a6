// uftp's restart file (-f writes it, -F reads it): the page's name, a round trip of everything a restart
// needs (names as bytes), atomic replacement, and refusals of damaged files and of the real uftp's format.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../lib/cli/exit';
import { readRestartFile, RESTART_MAGIC, restartFileName, writeRestartFile, type RestartData } from '../../lib/cli/uftp/restart-file';

const FP = '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uftp-restart-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DATA: RestartData = {
  groupId: 0x0a0b4701,
  groupInst: 2,
  cwd: '/srv/data',
  sources: [Buffer.from('file20k.bin'), Buffer.from('/abs/tree'), Buffer.concat([Buffer.from('raw-'), Buffer.from([0xe9, 0xff])]), Buffer.from('@DELETE:old')],
  clients: [{ id: 0x0a0b4702, name: '198.18.71.2' }, { id: 0x0a0b47ff, fingerprint: FP }],
};

function refused(content: string | Buffer): string {
  const path = join(dir, 'r');
  writeFileSync(path, content);
  try {
    readRestartFile(path);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message.replace(`-F: ${path}: `, '');
  }
  throw new Error('accepted');
}

function withJson(patch: Record<string, unknown>): string {
  const json = JSON.parse(readFileSync(writeRestartFile(DATA, dir), 'utf8').split('\n').slice(1).join('\n')) as Record<string, unknown>;
  return `${RESTART_MAGIC}\n${JSON.stringify({ ...json, ...patch })}`;
}

describe('restart file', () => {
  it('is named as the page says: _group_{group ID}_restart, 8 upper-case hex digits', () => {
    expect(restartFileName(0x0a0b4701)).toBe('_group_0A0B4701_restart');
    expect(restartFileName(0x1f)).toBe('_group_0000001F_restart');
  });

  it('round-trips the group, instance, directory, sources (as bytes) and failed clients', () => {
    const path = writeRestartFile(DATA, dir);
    expect(path).toBe(join(dir, '_group_0A0B4701_restart'));
    expect(readFileSync(path, 'utf8').startsWith(`${RESTART_MAGIC}\n`)).toBe(true);
    expect(readRestartFile(path)).toEqual(DATA);
  });

  it('replaces an earlier one of the same group (a restart that fails again) and leaves no temporary file', () => {
    writeRestartFile(DATA, dir);
    writeRestartFile({ ...DATA, groupInst: 3, clients: [{ id: 7 }] }, dir);
    expect(readdirSync(dir)).toEqual(['_group_0A0B4701_restart']);
    expect(readRestartFile(join(dir, '_group_0A0B4701_restart'))).toMatchObject({ groupInst: 3, clients: [{ id: 7 }] });
  });

  it('a failed write leaves nothing behind and throws', () => {
    expect(() => writeRestartFile(DATA, join(dir, 'missing'))).toThrow(/ENOENT/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('a missing file is a UsageError (exit 1, as the real "Failed to open restart file")', () => {
    expect(() => readRestartFile(join(dir, 'nope'))).toThrow(new UsageError(`-F: ${join(dir, 'nope')}: cannot read the restart file: ENOENT`));
  });

  it("refuses the real uftp's restart files (a C struct dump) and other files", () => {
    const real = Buffer.alloc(768);
    real.writeUInt32LE(0x58b88abe, 0);
    real.write('top.txt', 12);
    expect(refused(real)).toMatch(/^not a restart file of this uftp .*the real uftp's restart files cannot be read/);
    expect(refused('short')).toMatch(/^not a restart file/);
    expect(refused(`${RESTART_MAGIC}\n{`)).toMatch(/^damaged: /);
    expect(refused(`${RESTART_MAGIC}\nnull`)).toBe('damaged: not an object');
  });

  it('refuses damaged fields', () => {
    expect(refused(withJson({ groupId: 'xyz' }))).toBe('groupId is not 8 hex digits');
    expect(refused(withJson({ groupInst: 256 }))).toBe('groupInst is not 0-255');
    expect(refused(withJson({ groupInst: 1.5 }))).toBe('groupInst is not 0-255');
    expect(refused(withJson({ cwd: 'rel' }))).toBe('cwd is not an absolute path');
    expect(refused(withJson({ sources: ['a*b'] }))).toBe('sources is not a list of base64 names');
    expect(refused(withJson({ sources: [] }))).toBe('no sources to send');
    expect(refused(withJson({ clients: [] }))).toBe('no clients to send to');
    expect(refused(withJson({ clients: 'x' }))).toBe('clients is not a list');
    expect(refused(withJson({ clients: [null] }))).toBe('client 1 is not an object');
    expect(refused(withJson({ clients: [{ id: '00000000' }] }))).toBe('client 1 has a reserved ID');
    expect(refused(withJson({ clients: [{ id: '0A0B4702', fingerprint: '12:34' }] }))).toMatch(/invalid fingerprint '12:34'/);
    expect(refused(withJson({ clients: [{ id: '0A0B4702', name: 7 }] }))).toBe("client 1's name is not a short string");
  });
});
