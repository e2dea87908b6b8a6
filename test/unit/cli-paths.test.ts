// Start-up checks of paths named by options: directories to write in, files to create, scripts to run.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkExecutable, checkWritableDir, checkWritableFile } from '../../lib/cli/common/paths';
import { checkDirectories } from '../../lib/cli/uftpd/dirs';
import { UsageError } from '../../lib/cli/exit';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-paths-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('path checks', () => {
  it('checkWritableDir: an existing directory (a symlink to one too)', () => {
    symlinkSync(dir, join(dir, 'link'));
    expect(() => checkWritableDir('D', 'destination directory', dir)).not.toThrow();
    expect(() => checkWritableDir('D', 'destination directory', join(dir, 'link'))).not.toThrow();
    expect(() => checkWritableDir('D', 'destination directory', join(dir, 'none'))).toThrow(new UsageError(`-D: destination directory ${join(dir, 'none')}: no such directory`));
    writeFileSync(join(dir, 'f'), '');
    expect(() => checkWritableDir('T', 'temp directory', join(dir, 'f'))).toThrow(`-T: temp directory ${join(dir, 'f')}: not a directory`);
    expect(() => checkWritableDir('T', 'temp directory', join(dir, 'f', 'x'))).toThrow(`-T: temp directory ${join(dir, 'f', 'x')}: ENOTDIR`);
  });

  it('checkWritableFile: an existing file, or a new name in an existing directory; nothing is created', () => {
    writeFileSync(join(dir, 'status'), '');
    expect(() => checkWritableFile('F', 'status file', join(dir, 'status'))).not.toThrow();
    expect(() => checkWritableFile('F', 'status file', join(dir, 'new'))).not.toThrow();
    expect(() => checkWritableFile('P', 'pid file', '/nonexistent/x.pid')).toThrow('-P: directory of pid file /nonexistent: no such directory');
    expect(() => checkWritableFile('F', 'status file', dir)).toThrow(`-F: status file ${dir}: is a directory`);
  });

  it('checkExecutable: a regular file with an execute bit', () => {
    const script = join(dir, 'run.sh');
    writeFileSync(script, '#!/bin/sh\n');
    chmodSync(script, 0o644);
    expect(() => checkExecutable('s', 'post-receive script', script)).toThrow(`-s: post-receive script ${script}: not executable (EACCES)`);
    chmodSync(script, 0o755);
    expect(() => checkExecutable('s', 'post-receive script', script)).not.toThrow();
  });

  it('checkDirectories: -T and -A must be renamable into and out of their destination', () => {
    const [d, t, b] = ['d', 't', 'b'].map((n) => join(dir, 'tree', n));
    for (const p of [d, t, b]) mkdirSync(p, { recursive: true });
    expect(() => checkDirectories({ destDirs: [d], tempDir: t, backupDirs: [] })).not.toThrow();
    expect(() => checkDirectories({ destDirs: [d], backupDirs: [b] })).not.toThrow();
    expect(() => checkDirectories({ destDirs: [d, join(dir, 'tree', 'gone')], backupDirs: [] })).toThrow('-D: destination directory');
  });
});
