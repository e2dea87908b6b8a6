// The list-file format shared by uftpd and uftpproxyd: lines, comments, fields, and errors naming the
// option, the file and the line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHexId } from '../../lib/cli/common/addresses';
import { listId, noDuplicates, readListLines, serverLines } from '../../lib/cli/common/lists';
import { UsageError } from '../../lib/cli/exit';

const FP = '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC';
const hex = (text: string): number => parseHexId('?', 'ID', text);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-lists-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function list(text: string): string {
  const path = join(dir, `l${Math.random().toString(16).slice(2)}`);
  writeFileSync(path, text);
  return path;
}

describe('readListLines', () => {
  it('skips blank and comment lines (indented ones too), trims fields, numbers lines from 1, takes CRLF', () => {
    const path = list('# head\n\n  \n  # indented\n a | b |c \r\n\tx\n');
    expect(readListLines('S', path)).toEqual([
      { where: `-S ${path} line 5`, fields: ['a', 'b', 'c'] },
      { where: `-S ${path} line 6`, fields: ['x'] },
    ]);
  });

  it('a missing last newline and an empty file are fine', () => {
    expect(readListLines('C', list('0x1'))).toHaveLength(1);
    expect(readListLines('C', list(''))).toEqual([]);
  });

  it('an unreadable file is a UsageError naming the option and the file', () => {
    expect(() => readListLines('S', '/nonexistent/list')).toThrow(new UsageError("-S: couldn't open list /nonexistent/list: ENOENT: no such file or directory, open '/nonexistent/list'"));
    expect(() => readListLines('C', dir)).toThrow(`-C: couldn't open list ${dir}`);
  });
});

describe('serverLines', () => {
  it('reads ID|ADDRESS[|FINGERPRINT] without resolving the address', () => {
    const path = list(`0x1|server.example|${FP.toLowerCase()}\n2|198.18.0.1\n`);
    const lines = serverLines(readListLines('S', path), hex, 'hex');
    expect(lines.map(({ id, host, fingerprint }) => ({ id, host, fingerprint }))).toEqual([
      { id: 1, host: 'server.example', fingerprint: FP },
      { id: 2, host: '198.18.0.1', fingerprint: undefined },
    ]);
    expect(lines[1].line.where).toBe(`-S ${path} line 2`);
  });

  it.each([
    ['0x1', 'line 1: want ID|IP[|fingerprint]'],
    ['0x1|a|b|c', 'line 1: want ID|IP[|fingerprint]'],
    ['0x1|', 'line 1: empty address'],
    ['\n\nzz|a', "line 3: invalid ID 'zz': want hex"],
    ['0x1|a|AB', "line 1: invalid fingerprint 'AB'"],
  ])('%j -> %s', (text, message) => {
    const path = list(text);
    expect(() => serverLines(readListLines('S', path), hex, 'hex')).toThrow(`-S ${path} ${message}`);
  });
});

describe('listId and noDuplicates', () => {
  it('listId keeps the parser\'s value and names the line on failure', () => {
    const line = { where: '-C f line 9', fields: ['0x10'] };
    expect(listId(line, hex, 'hex')).toBe(16);
    expect(() => listId({ ...line, fields: ['0x0'] }, hex, 'a non-zero ID')).toThrow("-C f line 9: invalid ID '0x0': want a non-zero ID");
  });

  it('noDuplicates names the second occurrence', () => {
    const items = [{ w: 'l1', k: 'a' }, { w: 'l2', k: 'b' }, { w: 'l3', k: 'a' }];
    expect(() => noDuplicates(items, (i) => i.w, (i) => i.k, (i) => `key ${i.k}`)).toThrow('l3: key a listed twice');
    expect(() => noDuplicates(items.slice(0, 2), (i) => i.w, (i) => i.k, (i) => i.k)).not.toThrow();
  });
});
