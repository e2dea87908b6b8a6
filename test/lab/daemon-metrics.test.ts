// --metrics in the lab: the real uftp sends to our uftpd, whose endpoint is scraped (from inside its
// namespace) during and after the transfer: FILESEG counters move with it, sessions go 1 -> 0, the file
// arrives intact. The same scrape on our uftpproxyd as a response proxy. And a forced overflow (our uftpd
// at -B 65536, the real uftp unthrottled with a multi-MB file) shows in the overflow metric and the log.
import path from 'node:path';
import type { LabHost } from '../../scripts/lab';
import { sample } from '../helpers/prometheus-text';
import { describeLab } from './helpers/gate';
import { payload, randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';
import { expectCompleted, logOf, sendFiles, sendInBackground } from './helpers/uftpd-lab';

const LAB = { segments: ['a'], hosts: { server: { segments: ['a'] }, sproxy: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } } };
const PORT = 9464;
const FETCH = 'fetch(process.argv[1]).then(async (r) => { if (r.status !== 200) throw new Error(`HTTP ${r.status}`); process.stdout.write(await r.text()); })';

/** GET /metrics from inside the host's namespace (the endpoint listens on its loopback). */
async function scrape(host: LabHost, address = `127.0.0.1:${PORT}`): Promise<string> {
  const run = await host.exec(process.execPath, ['-e', FETCH, `http://${address}/metrics`], { timeoutMs: 20_000 });
  if (run.code !== 0) throw new Error(`scrape of ${address} failed: ${run.stderr}`);
  return run.stdout;
}

/** Scrapes until `check` holds for a scrape; the last scrape when it does. */
async function scrapeUntil(host: LabHost, what: string, check: (text: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await scrape(host);
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last scrape:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fileseg = (text: string, metric = 'uftp_datagrams_total'): number => sample(text, metric, { direction: 'in', type: 'FILESEG' }) ?? NaN;
const sessions = (text: string): number => sample(text, 'uftp_sessions_active') ?? NaN;

describeLab(
  'metrics of our daemons',
  () => {
    const lab = useProxyLab(LAB);

    test('real uftp -> our uftpd --metrics: FILESEG counters move during the transfer, sessions 1 -> 0, file intact', async () => {
      const t = lab();
      const dir = await t.freshDir('metrics');
      const size = 8 << 20;
      const file = await randomFile(`${dir}/src`, 'big.bin', size);
      const near = t.host('near');
      const ours = await t.client('near', `${dir}/near`, ['--metrics', String(PORT)], 'ours');
      await ours.waitForOutput(new RegExp(`Metrics at http://127\\.0\\.0\\.1:${PORT}/metrics`), 10_000);
      const idle = await scrape(near);
      expect(sessions(idle)).toBe(0);
      expect(fileseg(idle)).toBe(0);

      // Throttled (-R in Kbit/s, the last -R wins) so the transfer lasts long enough to be seen going on.
      const sender = sendInBackground(t, ['-R', '16000'], [file]);
      const first = await scrapeUntil(near, 'FILESEG to arrive', (s) => fileseg(s) > 0);
      expect(sessions(first)).toBe(1);
      const later = await scrapeUntil(near, 'more FILESEG', (s) => fileseg(s) > fileseg(first));
      expect(fileseg(later, 'uftp_bytes_total')).toBeGreaterThan(fileseg(first, 'uftp_bytes_total'));

      expect(await sender.exited).toEqual({ code: 0, signal: null });
      expectCompleted(sender.stdout() + sender.stderr(), t.uid('near'));
      const after = await scrapeUntil(near, 'the session to end', (s) => sessions(s) === 0);
      expect(fileseg(after)).toBeGreaterThanOrEqual(fileseg(later));
      // Every byte of the file came in FILESEGs (each with its headers on top).
      expect(fileseg(after, 'uftp_bytes_total')).toBeGreaterThan(size);
      expect(sample(after, 'uftp_datagrams_total', { direction: 'out', type: 'COMPLETE' })).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'uftp_datagrams_total', { direction: 'in', type: 'ANNOUNCE' })).toBeGreaterThanOrEqual(1);
      expect(await treeDigest(`${dir}/near`)).toEqual({ 'big.bin': (await treeDigest(`${dir}/src`))['big.bin'] });
    });

    test('our uftpproxyd -r --metrics: the same scrape, the responses it aggregates counted', async () => {
      const t = lab();
      const dir = await t.freshDir('proxy-metrics');
      const src = await payload(`${dir}/src`);
      const proxy = await t.proxy('sproxy', 'ours', ['-r', '--metrics', `127.0.0.1:${PORT}`]);
      await proxy.waitForOutput(/Metrics at http:\/\/127\.0\.0\.1:9464\/metrics/, 10_000);
      for (const name of ['near', 'near2']) await t.client(name, `${dir}/${name}`, ['-R', t.addr('sproxy')]);
      const run = await sendFiles(t, [], [src.file]);
      for (const name of ['near', 'near2']) expectCompleted(run.log, t.uid(name));
      const host = t.host('sproxy');
      const after = await scrapeUntil(host, 'the proxy session to end', (s) => sessions(s) === 0);
      expect(sample(after, 'uftp_sessions_active', { program: 'uftpproxyd' })).toBe(0);
      // Two clients' COMPLETEs in, fewer (aggregated) out to the server.
      expect(sample(after, 'uftp_datagrams_total', { direction: 'in', type: 'COMPLETE' })).toBeGreaterThanOrEqual(2);
      const out = sample(after, 'uftp_datagrams_total', { direction: 'out', type: 'COMPLETE' })!;
      expect(out).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'uftp_events_total', { event: 'aggregate.complete' })).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'uftp_socket_overflow_drops_total', { family: 'ipv4' })).toBe(0);
      for (const name of ['near', 'near2']) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
    });

    test('forced overflow: -B 65536 and an unthrottled sender show in the overflow metric and the log line', async () => {
      const t = lab();
      const dir = await t.freshDir('overflow');
      const file = await randomFile(`${dir}/src`, 'flood.bin', 24 << 20);
      const near = t.host('near');
      const ours = await t.client('near', `${dir}/near`, ['-B', '65536', '--metrics', String(PORT)], 'ours');
      await ours.waitForOutput(/Metrics at/, 10_000);
      const run = await sendFiles(t, ['-R', '-1'], [file], { timeoutMs: 180_000 });
      expectCompleted(run.log, t.uid('near'));
      const line = await ours.waitForOutput(
        /Warning: (\d+) datagram\(s\) lost to a full UDP receive buffer \(IPv4 socket\) in the last \d+ s, (\d+) in all; the kernel granted 65536 bytes for -B 65536; try -B 131072; SO_RCVBUFFORCE \(CAP_NET_ADMIN\) available/,
        15_000,
      );
      expect(Number(line[1])).toBeGreaterThan(0);
      const text = await scrapeUntil(near, 'the session to end', (s) => sessions(s) === 0);
      const metric = sample(text, 'uftp_socket_overflow_drops_total', { family: 'ipv4' })!;
      // The metric is at least what the log has said so far (both read the same kernel count).
      const said = [...logOf(ours).matchAll(/, (\d+) in all;/g)].map((m) => Number(m[1]));
      expect(metric).toBeGreaterThanOrEqual(Math.max(...said));
      expect(metric).toBeGreaterThan(0);
      // The kernel's own count for the namespace agrees: nothing else receives there.
      const snmp = await near.exec('cat', ['/proc/net/snmp']);
      const [head, values] = snmp.stdout.split('\n').filter((l) => l.startsWith('Udp:'));
      const rcvbufErrors = Number(values.split(/\s+/)[head.split(/\s+/).indexOf('RcvbufErrors')]);
      expect(rcvbufErrors).toBeGreaterThanOrEqual(metric); // observed equal (19888 = 19888), and as many blocks NAKed
      // And it cost NAKs, which the metrics count too; the file still arrived whole.
      expect(sample(text, 'uftp_naks_total', { kind: 'sent' })).toBeGreaterThan(0);
      expect(await treeDigest(path.join(dir, 'near'))).toEqual(await treeDigest(`${dir}/src`));
    });
  },
  [realProgramsMissing],
);
