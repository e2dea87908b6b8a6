// uftp_diag's command line: bad input gets a message naming the option, the usage, and exit 1.
// These run the real main() with real streams; none of them gets as far as opening a socket.
import { runDiag } from './diag-helpers';

describe('uftp_diag dispatcher', () => {
  test('no subcommand: usage on stderr, exit 1', async () => {
    const r = await runDiag([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^usage: uftp_diag SUBCOMMAND/);
    for (const name of ['interfaces', 'socket', 'listen', 'send']) expect(r.stderr).toContain(`  ${name}`);
  });

  test('--help: the manual page on stdout, exit 0; -h: the usage', async () => {
    const r = await runDiag(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\n {7}uftp_diag - /);
    const h = await runDiag(['-h']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^usage: uftp_diag SUBCOMMAND/);
  });

  test('unknown subcommand is named', async () => {
    const r = await runDiag(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown subcommand 'frobnicate'");
  });

  test('a subcommand --help prints its own usage', async () => {
    const r = await runDiag(['listen', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: uftp_diag listen --port P/);
  });
});

describe('uftp_diag bad options', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown option', ['listen', '--port', '1', '--bogus'], /'--bogus'/],
    ['missing value', ['listen', '--port'], /--port/],
    ['missing required option', ['listen'], /--port is required/],
    ['port not a number', ['listen', '--port', 'abc'], /--port: 'abc' is not a non-negative integer/],
    ['port out of range', ['send', '--to', '198.18.0.1', '--port', '70000'], /--port: 70000 is out of range 1\.\.65535/],
    ['dscp 64', ['send', '--to', '198.18.0.1', '--port', '1', '--dscp', '64'], /--dscp: 64 is out of range 0\.\.63/],
    ['negative ttl', ['socket', '--ttl', '-1'], /--ttl/],
    ['ttl 256', ['socket', '--ttl', '256'], /--ttl: 256 is out of range 0\.\.255/],
    ['bad family', ['socket', '--family', '5'], /--family: '5' is not 4 or 6/],
    ['bad buffer size', ['socket', '--rcvbuf', 'lots'], /--rcvbuf: 'lots' is not a byte count/],
    ['buffer above 100 MB', ['socket', '--rcvbuf', '101M'], /--rcvbuf: 101M is out of range/],
    ['bad address', ['send', '--to', '198.18.0.300', '--port', '1'], /--to: '198\.18\.0\.300' is not an IP address/],
    ['missing --to', ['send', '--port', '1'], /--to is required/],
    ['group not multicast', ['listen', '--port', '1', '--group', '198.18.0.1'], /--group: '198\.18\.0\.1' is not a multicast/],
    ['bad source in a list', ['listen', '--port', '1', '--group', '232.1.1.1', '--source', '198.18.0.1,nope'], /--source: 'nope'/],
    ['source without group', ['listen', '--port', '1', '--source', '198.18.0.1'], /--source needs --group/],
    ['family disagrees with group', ['listen', '--port', '1', '--family', '6', '--group', '239.1.1.1'], /--group: '239\.1\.1\.1' is IPv4, but --family asks for IPv6/],
    ['mixed families', ['listen', '--port', '1', '--group', 'ff3e::1', '--source', '198.18.0.1'], /--source: '198\.18\.0\.1' is IPv4, but --group asks for IPv6/],
    ['bad timeout', ['listen', '--port', '1', '--timeout', '1s'], /--timeout: '1s' is not a number of seconds/],
    ['count 0', ['listen', '--port', '1', '--count', '0'], /--count: 0 is out of range/],
    ['size below the payload header', ['send', '--to', '198.18.0.1', '--port', '1', '--size', '4'], /--size: 4 is out of range 8\.\./],
    ['positional argument', ['interfaces', 'eth0'], /eth0/],
  ];
  test.each(cases)('%s', async (_what, argv, message) => {
    const r = await runDiag(argv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(`usage: uftp_diag ${argv[0]} `);
  });
});
