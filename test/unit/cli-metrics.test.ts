// --metrics: the option taken out before getopt, the address forms, the label sets and the exposition
// through a real prom-client registry fed by real Counters and Traffic, and the HTTP endpoint on loopback.
import { request } from 'node:http';
import { getopt } from '../../lib/cli/common/getopt';
import { parseMetricsAddress, takeMetricsOption } from '../../lib/cli/common/metrics/option';
import { METRIC_NAMES, createMetricsRegistry, type MetricsSource } from '../../lib/cli/common/metrics/registry';
import { serveMetrics } from '../../lib/cli/common/metrics/server';
import { OPTSTRING as PROXYD_OPTSTRING } from '../../lib/cli/proxyd/options';
import { OPTSTRING as UFTPD_OPTSTRING, parseUftpdArgs } from '../../lib/cli/uftpd/options';
import { UsageError } from '../../lib/cli/exit';
import { NetworkError } from '../../lib/cli/common/socket';
import { MessageType } from '../../lib/protocol/constants';
import { Counters } from '../../lib/runtime/counters';
import { Traffic } from '../../lib/runtime/traffic';
import { DROP_REASONS } from '../../lib/session/drop';
import { sample } from '../helpers/prometheus-text';

describe('parseMetricsAddress', () => {
  test.each([
    ['9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    ['198.18.0.1:1', { host: '198.18.0.1', port: 1 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['[::]:65535', { host: '::', port: 65535 }],
    ['localhost:9464', { host: 'localhost', port: 9464 }],
  ])('%s', (text, want) => expect(parseMetricsAddress(text)).toEqual(want));

  test.each([
    ['', /empty/],
    ['0', /out of range 1-65535/],
    ['65536', /out of range/],
    ['x', /port 'x' is not a number/],
    ['::1:9464', /needs brackets/],
    ['[::1]9464', /\[address\]:port/],
    ['[127.0.0.1]:9464', /not an IPv6 address/],
    ['bad_host!:9464', /not a host name or address/],
    ['127.0.0.1:', /port '' is not a number/],
  ])('%j is refused, naming the option', (text, why) => {
    expect(() => parseMetricsAddress(text)).toThrow(UsageError);
    expect(() => parseMetricsAddress(text)).toThrow(/^--metrics: invalid address/);
    expect(() => parseMetricsAddress(text)).toThrow(why);
  });
});

describe('takeMetricsOption', () => {
  const take = (argv: string[]) => takeMetricsOption(argv, UFTPD_OPTSTRING);

  test('absent: argv unchanged, metrics off', () => {
    const argv = ['-d', '-p', '1044', '-D', '/tmp'];
    expect(take(argv)).toEqual({ argv });
  });

  test('--metrics X and --metrics=X, anywhere among the options', () => {
    expect(take(['-d', '--metrics', '9464', '-p', '1044'])).toEqual({ argv: ['-d', '-p', '1044'], metrics: { host: '127.0.0.1', port: 9464 } });
    expect(take(['--metrics=[::1]:9000', '-d'])).toEqual({ argv: ['-d'], metrics: { host: '::1', port: 9000 } });
  });

  test('an option argument that reads --metrics stays an argument, as getopt takes it', () => {
    expect(take(['-L', '--metrics', '-d'])).toEqual({ argv: ['-L', '--metrics', '-d'] });
    expect(take(['-dL', '--metrics'])).toEqual({ argv: ['-dL', '--metrics'] });
    // Attached: the next word is free again.
    expect(take(['-L/tmp/log', '--metrics', '1'])).toEqual({ argv: ['-L/tmp/log'], metrics: { host: '127.0.0.1', port: 1 } });
    // Proxy: -r takes its curve attached only, so the next word is not its argument.
    expect(takeMetricsOption(['-r', '--metrics', '2'], PROXYD_OPTSTRING)).toEqual({ argv: ['-r'], metrics: { host: '127.0.0.1', port: 2 } });
  });

  test('after "--" nothing is an option', () => {
    expect(take(['-d', '--', '--metrics', '9464'])).toEqual({ argv: ['-d', '--', '--metrics', '9464'] });
  });

  test('missing value, repeated, bad value: UsageError naming --metrics', () => {
    expect(() => take(['-d', '--metrics'])).toThrow(/^--metrics needs an argument/);
    expect(() => take(['--metrics', '1', '--metrics=2'])).toThrow(/^--metrics given twice/);
    expect(() => take(['--metrics', 'nope'])).toThrow(/^--metrics: invalid address 'nope'/);
  });

  test('every short option parses exactly as before', () => {
    const argv = ['-d', '-x', '4', '-B', '65536', '-L', '--metrics', '-Ec', '20000', '-M', '230.1.2.3'];
    const { argv: rest } = take(argv);
    expect(getopt(rest, UFTPD_OPTSTRING)).toEqual(getopt(argv, UFTPD_OPTSTRING));
    expect(parseUftpdArgs(rest)).toEqual(parseUftpdArgs(argv));
  });

  test('other long options are left to getopt, which refuses them as before', () => {
    const { argv } = take(['--metric', '1']);
    expect(() => getopt(argv, UFTPD_OPTSTRING)).toThrow("invalid option -- '-'");
  });
});

function source(): MetricsSource & { counts: Counters; traffic_: Traffic; drops: number | undefined; sessions: number } {
  const s = {
    counts: new Counters(),
    traffic_: new Traffic(),
    drops: undefined as number | undefined,
    sessions: 0,
    sessionCount: () => s.sessions,
    counters: () => s.counts,
    traffic: () => s.traffic_,
    receiveDrops: () => [{ family: 4 as const, drops: s.drops }],
  };
  return s;
}

function packet(type: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  b[0] = 0x40;
  b[1] = type;
  return b;
}

describe('the registry', () => {
  test('every known label set is there from the start, at 0; the overflow series only where reported', async () => {
    const s = source();
    const text = await createMetricsRegistry(s, 'uftpd').metrics();
    expect(text).toContain(`# TYPE ${METRIC_NAMES.datagrams} counter`);
    expect(text).toContain(`# TYPE ${METRIC_NAMES.sessions} gauge`);
    for (const reason of DROP_REASONS) expect(sample(text, METRIC_NAMES.drops, { reason })).toBe(0);
    for (const kind of ['sent', 'received', 'forwarded', 'aggregated']) expect(sample(text, METRIC_NAMES.naks, { kind })).toBe(0);
    for (const peer of ['server', 'client']) for (const result of ['ok', 'failed']) expect(sample(text, METRIC_NAMES.keyExchanges, { peer, result })).toBe(0);
    for (const direction of ['in', 'out']) {
      for (let t = 1; t <= 21; t++) expect(sample(text, METRIC_NAMES.datagrams, { direction, type: MessageType[t] })).toBe(0);
    }
    expect(sample(text, METRIC_NAMES.sessions, { program: 'uftpd' })).toBe(0);
    expect(sample(text, METRIC_NAMES.overflow, { family: 'ipv4' })).toBeUndefined(); // unavailable: no made-up 0
    expect(sample(text, METRIC_NAMES.overflowReported, { family: 'ipv4' })).toBe(0);
  });

  test('values follow the daemon between scrapes, counted once', async () => {
    const s = source();
    const registry = createMetricsRegistry(s, 'uftpproxyd');
    s.sessions = 2;
    for (let i = 0; i < 3; i++) s.traffic_.received(packet(MessageType.FILESEG, 1400));
    s.traffic_.received(packet(200, 10)); // no such type
    s.traffic_.sent(packet(MessageType.STATUS, 60));
    s.counts.add('drop.crypto');
    s.counts.add('drop.crypto');
    s.counts.add('nak.aggregated', 17);
    s.counts.add('key_exchange.client.ok');
    s.counts.add('session.timeout');
    s.drops = 5;
    let text = await registry.metrics();
    expect(sample(text, METRIC_NAMES.sessions, {})).toBe(2);
    expect(sample(text, METRIC_NAMES.datagrams, { direction: 'in', type: 'FILESEG' })).toBe(3);
    expect(sample(text, METRIC_NAMES.bytes, { direction: 'in', type: 'FILESEG' })).toBe(4200);
    expect(sample(text, METRIC_NAMES.datagrams, { direction: 'in', type: 'unknown' })).toBe(1);
    expect(sample(text, METRIC_NAMES.datagrams, { direction: 'out', type: 'STATUS' })).toBe(1);
    expect(sample(text, METRIC_NAMES.bytes, { direction: 'out', type: 'STATUS' })).toBe(60);
    expect(sample(text, METRIC_NAMES.drops, { reason: 'crypto' })).toBe(2);
    expect(sample(text, METRIC_NAMES.naks, { kind: 'aggregated' })).toBe(17);
    expect(sample(text, METRIC_NAMES.keyExchanges, { peer: 'client', result: 'ok' })).toBe(1);
    expect(sample(text, METRIC_NAMES.events, { event: 'session.timeout' })).toBe(1);
    expect(sample(text, METRIC_NAMES.events, { event: 'drop.crypto' })).toBeUndefined();
    expect(sample(text, METRIC_NAMES.overflow, { family: 'ipv4', program: 'uftpproxyd' })).toBe(5);
    expect(sample(text, METRIC_NAMES.overflowReported, { family: 'ipv4' })).toBe(1);
    s.traffic_.received(packet(MessageType.FILESEG, 100));
    s.sessions = 0;
    text = await registry.metrics();
    expect(sample(text, METRIC_NAMES.datagrams, { direction: 'in', type: 'FILESEG' })).toBe(4);
    expect(sample(text, METRIC_NAMES.sessions, {})).toBe(0);
    expect(sample(text, METRIC_NAMES.drops, { reason: 'crypto' })).toBe(2);
  });
});

function get(port: number, path: string, host = '127.0.0.1'): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host, port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
    }).on('error', reject).end();
  });
}

describe('the endpoint', () => {
  test('GET /metrics in the text format, 404 elsewhere; a busy port is a NetworkError naming the option', async () => {
    const s = source();
    s.sessions = 1;
    const registry = createMetricsRegistry(s, 'uftpd');
    const server = await serveMetrics({ host: '127.0.0.1', port: 0 }, registry);
    try {
      const got = await get(server.address.port, '/metrics');
      expect(got.status).toBe(200);
      expect(got.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(got.body, METRIC_NAMES.sessions, {})).toBe(1);
      expect((await get(server.address.port, '/')).status).toBe(404);
      const busy = serveMetrics({ host: '127.0.0.1', port: server.address.port }, registry);
      await expect(busy).rejects.toThrow(NetworkError);
      await expect(busy).rejects.toThrow(`--metrics 127.0.0.1:${server.address.port}: listen EADDRINUSE`);
    } finally {
      await server.close();
    }
  });

  test('IPv6 loopback', async () => {
    const server = await serveMetrics({ host: '::1', port: 0 }, createMetricsRegistry(source(), 'uftpd'));
    try {
      expect((await get(server.address.port, '/metrics', '::1')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
