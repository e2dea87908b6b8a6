// Acceptance of error reporting through uftp_diag in a lab host: a busy port gives EADDRINUSE,
// a missing interface a clear error, an unreachable destination the errno of the failing send,
// and bad arguments name the argument. Each with its exit status (1 usage, 2 network).
import path from 'node:path';
import type { LabHost } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { useLab } from './helpers/use-lab';
import { diagUnbuilt, runDiag, startListener, stopListener } from '../../scripts/bench/diag-lab';

describeLab('addon errors through uftp_diag (lab)', () => {
  const lab = useLab({ segments: ['a'], hosts: { h: { segments: ['a'] } } });
  let h: LabHost;
  beforeAll(() => {
    h = lab().host('h');
  });

  test.each([
    ['both without SO_REUSEADDR', ['--no-reuse'], ['--no-reuse']],
    ['the first without, the second with SO_REUSEADDR', ['--no-reuse'], []],
  ])('binding a busy port: EADDRINUSE (%s)', async (_what, first, second) => {
    const holder = await startListener(h, ['--port', '5400', ...first], path.join(lab().tmpdir(), `busy-${first.length}${second.length}`));
    const r = await runDiag(h, ['listen', '--port', '5400', '--timeout', '1', ...second]);
    await stopListener(holder);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^uftp_diag listen: .*EADDRINUSE/);
    expect(r.stderr).toMatch(/bind/);
  });

  test('two listeners with SO_REUSEADDR share a port', async () => {
    const holder = await startListener(h, ['--port', '5401'], path.join(lab().tmpdir(), 'shared'));
    const r = await runDiag(h, ['listen', '--port', '5401', '--timeout', '0.2', '--json']);
    await stopListener(holder);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('{"summary":true,"received":0}\n');
    expect(r.code).toBe(0);
  });

  test('joining on a missing interface name: a clear usage error naming --if', async () => {
    const r = await runDiag(h, ['listen', '--port', '5402', '--group', '239.1.1.1', '--if', 'nosuch0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^uftp_diag listen: --if: .*nosuch0/);
  });

  test('joining on a missing interface index: the kernel refuses the join, its errno shown', async () => {
    const r = await runDiag(h, ['listen', '--port', '5403', '--group', '239.1.1.1', '--if', '9999']);
    expect(r.stderr).toMatch(/^uftp_diag listen: /);
    // Either the interface check of the TS layer or the kernel (ENODEV) names the problem.
    expect(r.stderr).toMatch(/9999|ENODEV/);
    expect(r.code).not.toBe(0);
  });

  test('sending where no route leads: the errno of the send, exit 2', async () => {
    const r = await runDiag(h, ['send', '--to', '203.0.113.1', '--port', '9']);
    expect(r.stderr).toMatch(/^uftp_diag send: .*ENETUNREACH/);
    expect(r.code).toBe(2);
  });

  test.each([
    [['send', '--to', '239.1.1.1', '--port', '9', '--dscp', '64'], /--dscp: 64 is out of range 0\.\.63/],
    [['listen', '--port', '70000'], /--port: 70000 is out of range/],
    [['socket', '--bogus'], /Unknown option '--bogus'/],
    [['listen', '--group', '239.1.1.1'], /--port is required/],
  ])('bad arguments name the argument: %j', async (argv, message) => {
    const r = await runDiag(h, argv);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
}, [diagUnbuilt]);
