// The main job, shown in the lab: a file multicast from `uftp` to `uftpd` on the server's own network, and
// through a server proxy and a client proxy to clients behind a router that does not forward multicast.
// Prints every command it runs, so they can be pasted onto real hosts. Needs root (network namespaces).
//
//   node dist/scripts/demo.js [--real] [--proxy PROGRAM] [--size MB]
//
// Ours (bin/uftp, bin/uftpd, bin/uftpproxyd) by default; --real runs Debian's uftp and uftpd instead, and
// --proxy picks the proxy program (e.g. /usr/bin/uftpproxyd).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, labAvailable, sha256File, type LabHost, type LabProcess } from './lab';

const { values } = parseArgs({
  options: { proxy: { type: 'string' }, real: { type: 'boolean', default: false }, size: { type: 'string', default: '4' } },
});
/** dist/scripts/demo.js -> the repository's bin/<name>, run by this same node; or the real one. */
function program(name: string, real = values.real): string[] {
  return real ? [`/usr/bin/${name}`] : [process.execPath, resolve(__dirname, '..', '..', 'bin', name)];
}
const proxyCommand = values.proxy ? [values.proxy] : program('uftpproxyd', false);

function show(host: LabHost, cmd: string, args: string[]): void {
  console.log(`  [${host.name}]$ ${[cmd, ...args].join(' ')}`);
}

/** Shows the command as a person would type it, and runs `argv` (our bin, or the real program) with `args`. */
function start(host: LabHost, name: string, argv: string[], args: string[]): LabProcess {
  show(host, name, args);
  const [cmd, ...pre] = argv;
  return host.spawn(cmd, [...pre, ...args]);
}

async function main(): Promise<number> {
  const available = labAvailable();
  if (!available.ok) {
    console.error(`demo: cannot build the lab: ${available.why}`);
    return 1;
  }
  const lab = await Lab.create({
    segments: ['a', 'b'],
    hosts: {
      server: { segments: ['a'] },
      sproxy: { segments: ['a'] },
      near: { segments: ['a'] },
      router: { segments: ['a', 'b'], router: true },
      cproxy: { segments: ['b'] },
      far1: { segments: ['b'] },
      far2: { segments: ['b'] },
    },
  });
  const running: LabProcess[] = [];
  try {
    const file = join(lab.tmpdir(), 'payload.bin');
    await writeFile(file, randomBytes(Number(values.size) * 1024 * 1024));
    const want = await sha256File(file);
    const server = lab.host('server');

    console.log('Network A: 198.18.0.0/24, network B: 198.18.1.0/24, a router between them forwards unicast only.');
    console.log('\n1. Clients on the server\'s network; then clients behind the router through two proxies:');
    const clients = ['near', 'far1', 'far2'].map((name) => lab.host(name));
    for (const host of clients) {
      const dest = join(lab.tmpdir(), host.name);
      await mkdir(dest);
      const proc = start(host, 'uftpd', program('uftpd'), ['-d', '-D', dest, '-I', host.ifname(host.name === 'near' ? 'a' : 'b')]);
      running.push(proc);
      await proc.waitForOutput(/Loaded \d+ bit \w+ key/, 10_000);
    }
    const cproxy = lab.host('cproxy');
    const sproxy = lab.host('sproxy');
    const cp = start(cproxy, 'uftpproxyd', proxyCommand, ['-d', '-c', '-I', cproxy.ifname('b')]);
    const sp = start(sproxy, 'uftpproxyd', proxyCommand, ['-d', '-s', cproxy.addr('b'), '-I', sproxy.ifname('a')]);
    running.push(cp, sp);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const args = ['-I', server.ifname('a'), '-R', '100000', '-t', '16', file];
    show(server, 'uftp', args);
    const [cmd, ...pre] = program('uftp');
    const run = await server.exec(cmd, [...pre, ...args], { timeoutMs: 120_000 });
    const summary = (run.stdout + run.stderr).split('\n').filter((l) => /REGISTER|complete|Transfer/i.test(l));
    console.log(summary.map((l) => `    ${l}`).join('\n'));

    let failed = run.code !== 0;
    for (const host of clients) {
      const got = await sha256File(join(lab.tmpdir(), host.name, 'payload.bin')).catch(() => 'missing');
      const ok = got === want;
      failed ||= !ok;
      console.log(`  ${host.name}: ${ok ? 'received intact' : `NOT received (${got})`}`);
    }
    return failed ? 1 : 0;
  } finally {
    await Promise.all(running.map((p) => p.stop()));
    await lab.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`demo: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
