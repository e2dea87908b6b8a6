// The daemons' start-up line for -Q: the mechanism that marks, or plainly that nothing will.
import { dscpLogLine } from '../../lib/cli/common/socket';

test('nothing is logged for DSCP 0', () => {
  expect(dscpLogLine(0, { mechanism: 'none', detail: 'no marking asked (DSCP 0)' })).toBeUndefined();
});

test('a kernel option that marks is named at level 2', () => {
  expect(dscpLogLine(46, { mechanism: 'IP_TOS', detail: 'applied by the kernel' })).toEqual({
    level: 2,
    message: 'DSCP 46 marked through IP_TOS: applied by the kernel',
  });
});

test('no mechanism (Windows without qWAVE) is said at level 0, which every log level shows', () => {
  const detail = 'Windows does not apply IP_TOS and qWAVE is unavailable (ENOTSUP): datagrams leave unmarked';
  expect(dscpLogLine(10, { mechanism: 'none', detail })).toEqual({ level: 0, message: `DSCP 10 will not be applied: ${detail}` });
});
