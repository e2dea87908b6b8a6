// One proxy lab per test file: the topology, keys made by the real uftp_keymgt, real uftpd clients,
// proxies of either implementation, and a real uftp server. Every process a test starts is stopped by
// stopAll() (afterEach), the lab itself by destroy() (afterAll).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Lab, type ExecResult, type LabHost, type LabProcess, type LabSpec, type SpawnOptions } from '../../../scripts/lab';
import {
  PROXY_LAB,
  startProxy,
  startUftpd,
  uidOf,
  type ClientImpl,
  type ProxyImpl,
} from '../../../scripts/bench/proxy-topology';
import { uftpPrograms } from './gate';
import { uftpCommand, type ServerImpl } from '../../../scripts/bench/uftp-command';

export type { ServerImpl } from '../../../scripts/bench/uftp-command';

export { proxyCommand, uftpdCommand, uidOf, type ClientImpl, type ProxyImpl } from '../../../scripts/bench/proxy-topology';

export type HostName = 'server' | 'sproxy' | 'near' | 'near2' | 'cproxy' | 'far1' | 'far2';
/** A host of PROXY_LAB, or of the spec a test file brings (see useProxyLab). */
export type AnyHost = HostName | (string & Record<never, never>);

/** The proxy the suite tests: ours, or the real one with UFTP_TS_PROXY=real (to check the tests themselves). */
export function proxyUnderTest(): ProxyImpl {
  return process.env.UFTP_TS_PROXY === 'real' ? 'real' : 'ours';
}

/** A describeLab need: the real programs are the peers of every proxy test. */
export const realProgramsMissing = uftpPrograms('uftp', 'uftpd', 'uftpproxyd', 'uftp_keymgt');

export interface KeyFile {
  file: string;
  fingerprint: string;
}

/**
 * uftp's timing for the lab: rate capped so nothing overflows, TTL 16 so only the router stops multicast,
 * a small initial GRTT so the announce and completion rounds are short.
 */
export const FAST_SERVER = ['-R', '200000', '-t', '16', '-r', '0.05:0.01:1.0'];

export class ProxyTestLab {
  private running: LabProcess[] = [];
  private runs = 0;

  private constructor(
    readonly lab: Lab,
    private readonly spec: LabSpec,
  ) {}

  /** The topology (PROXY_LAB), or another spec: segments and routers of a test's own. */
  static async create(spec: LabSpec = PROXY_LAB): Promise<ProxyTestLab> {
    return new ProxyTestLab(await Lab.create(spec), spec);
  }

  host(name: AnyHost): LabHost {
    return this.lab.host(name);
  }

  /** A host's address on a segment; by default its first one (in PROXY_LAB: a or b). */
  addr(name: AnyHost, segment = this.firstSegment(name)): string {
    return this.host(name).addr(segment);
  }

  ifname(name: AnyHost, segment = this.firstSegment(name)): string {
    return this.host(name).ifname(segment);
  }

  uid(name: AnyHost, segment?: string): string {
    return uidOf(this.addr(name, segment));
  }

  private firstSegment(name: AnyHost): string {
    const host = this.spec.hosts[name];
    if (!host) throw new Error(`no host ${name} in this proxy lab`);
    return host.segments[0];
  }

  /** A fresh directory under the lab's tmpdir, one per call. */
  async freshDir(label: string): Promise<string> {
    const dir = path.join(this.lab.tmpdir(), `${label}-${++this.runs}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** A key made by the real uftp_keymgt, e.g. spec 'rsa:1024' or 'ec:prime256v1'. */
  async key(name: string, spec: string): Promise<KeyFile> {
    const file = path.join(this.lab.tmpdir(), `${name}.pem`);
    const made = await this.host('server').exec('/usr/bin/uftp_keymgt', ['-g', spec, file]);
    const text = made.stdout + made.stderr;
    const fp = text.match(/fingerprint: ([0-9A-F:]+)/);
    if (made.code !== 0 || !fp) throw new Error(`uftp_keymgt -g ${spec} ${file} failed: ${text}`);
    return { file, fingerprint: fp[1] };
  }

  private keep(proc: LabProcess): LabProcess {
    this.running.push(proc);
    return proc;
  }

  /**
   * Starts a uftpd on a host (the real one unless `which` says ours); received files land in dest. `iface`:
   * the -I value, by default the host's interface (give an IPv6 address for IPv6 groups).
   */
  async client(name: AnyHost, dest: string, extra: string[] = [], which: ClientImpl = 'real', iface = this.ifname(name)): Promise<LabProcess> {
    return this.keep(await startUftpd(this.host(name), dest, extra, iface, which));
  }

  /** Any other program on a host, stopped with the rest after each test. */
  spawn(name: AnyHost, cmd: string, args: string[], opts?: SpawnOptions): LabProcess {
    return this.keep(this.host(name).spawn(cmd, args, opts));
  }

  /** Starts a proxy on a host, with -I for the host's interface unless the args give one. */
  async proxy(name: AnyHost, which: ProxyImpl, args: string[], port?: number): Promise<LabProcess> {
    const iface = args.includes('-I') ? [] : ['-I', this.ifname(name)];
    return this.keep(await startProxy(this.host(name), which, [...args, ...iface], port));
  }

  /** Starts a server proxy on `sproxy` that forwards to the client proxy on `cproxy`. */
  serverProxy(which: ProxyImpl, extra: string[] = []): Promise<LabProcess> {
    return this.proxy('sproxy', which, ['-s', this.addr('cproxy'), ...extra]);
  }

  clientProxy(which: ProxyImpl, extra: string[] = []): Promise<LabProcess> {
    return this.proxy('cproxy', which, ['-c', ...extra]);
  }

  /** Runs uftp (the real one unless `which` says ours) to its end on `from` (default the server host); returns its log. */
  async send(args: string[], files: string[], from: AnyHost = 'server', timeoutMs = 90_000, which: ServerImpl = 'real'): Promise<ExecResult & { log: string }> {
    const [cmd, ...pre] = uftpCommand(which);
    const argv = [...pre, '-I', this.ifname(from), ...FAST_SERVER, ...args, ...files];
    const run = await this.host(from).exec(cmd, argv, { timeoutMs });
    return { ...run, log: run.stdout + run.stderr };
  }

  /** Starts uftp without waiting for it (a transfer that something happens during). */
  sendInBackground(args: string[], files: string[], from: AnyHost = 'server', which: ServerImpl = 'real'): LabProcess {
    const [cmd, ...pre] = uftpCommand(which);
    const argv = [...pre, '-I', this.ifname(from), ...FAST_SERVER, ...args, ...files];
    return this.keep(this.host(from).spawn(cmd, argv));
  }

  async stopAll(): Promise<void> {
    const procs = this.running;
    this.running = [];
    await Promise.all(procs.map((p) => p.stop()));
  }

  async destroy(): Promise<void> {
    await this.stopAll().catch(() => undefined);
    await this.lab.destroy();
  }
}

/** Resolves once the process has printed `pattern` (global) at least `count` times in all. */
export async function waitForMatches(proc: LabProcess, pattern: RegExp, count: number, timeoutMs: number): Promise<void> {
  const seen = (): number => (proc.stdout() + proc.stderr()).match(pattern)?.length ?? 0;
  const end = Date.now() + timeoutMs;
  while (seen() < count) {
    if (Date.now() > end) throw new Error(`saw ${pattern} ${seen()} times, not ${count}, in ${timeoutMs} ms:\n${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Registers a test file's lab hooks (inside its describe); the getter gives the lab inside tests. */
export function useProxyLab(spec?: LabSpec): () => ProxyTestLab {
  let t: ProxyTestLab | undefined;
  beforeAll(async () => {
    t = await ProxyTestLab.create(spec);
  });
  afterEach(() => t?.stopAll());
  afterAll(() => t?.destroy());
  return () => {
    if (!t) throw new Error('the proxy lab was not created (see beforeAll)');
    return t;
  };
}
