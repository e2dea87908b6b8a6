// getopt as the C programs parse their command lines (glibc flavour).
import { getopt, parseOptstring } from '../../lib/cli/common/getopt';
import { UsageError } from '../../lib/cli/exit';

const OPTS = 'dp:r::x:';

describe('getopt', () => {
  it('reads the optstring: flags, required and attached-optional arguments', () => {
    expect([...parseOptstring('ab:c::d')]).toEqual([
      ['a', 'none'],
      ['b', 'required'],
      ['c', 'attached'],
      ['d', 'none'],
    ]);
    expect(() => parseOptstring(':a')).toThrow(/follows no option letter/);
  });

  it('takes "-p 5" and "-p5", clustered flags, and a cluster ending in an option with its value', () => {
    expect(getopt(['-p', '5', '-x3', '-dd', '-dp', '7'], OPTS).options).toEqual([
      { opt: 'p', arg: '5' },
      { opt: 'x', arg: '3' },
      { opt: 'd' },
      { opt: 'd' },
      { opt: 'd' },
      { opt: 'p', arg: '7' },
    ]);
  });

  it('an attached-optional argument is taken only when attached ("-r:curve"), never from the next word', () => {
    expect(getopt(['-r', '-r:prime256v1', '-dr'], OPTS).options).toEqual([
      { opt: 'r' },
      { opt: 'r', arg: ':prime256v1' },
      { opt: 'd' },
      { opt: 'r' },
    ]);
    expect(getopt(['-r', 'x'], OPTS).operands).toEqual(['x']);
  });

  it('a required argument may look like an option ("-p -d" gives p the value "-d")', () => {
    expect(getopt(['-p', '-d'], OPTS).options).toEqual([{ opt: 'p', arg: '-d' }]);
  });

  it('collects operands among options, "-" as an operand, and everything after "--"', () => {
    expect(getopt(['a', '-d', '-', 'b', '--', '-p', 'c'], OPTS)).toEqual({
      options: [{ opt: 'd' }],
      operands: ['a', '-', 'b', '-p', 'c'],
    });
  });

  it('errors are worded as glibc and are UsageErrors', () => {
    expect(() => getopt(['-z'], OPTS)).toThrow(new UsageError("invalid option -- 'z'"));
    expect(() => getopt(['-dz'], OPTS)).toThrow("invalid option -- 'z'");
    expect(() => getopt(['-d', '-p'], OPTS)).toThrow("option requires an argument -- 'p'");
    expect(() => getopt(['-z'], OPTS)).toThrow(UsageError);
  });
});
