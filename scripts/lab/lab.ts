// A running lab: its hosts, the processes started in them, and the one way to take it all down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLab } from './build';
import { planLab, type HostPlan, type LabPlan } from './plan';
import { TrackedProcess } from './process';
import { run, runChecked } from './run';
import { guardLab } from './safety-net';
import { removeNamespaces, removeNamespacesSync } from './teardown';
import type { ExecOptions, ExecResult, LabHost, LabProcess, LabSpec, SpawnOptions } from './types';

const STOP_GRACE_MS = 2000;
let labCounter = 0;

// uftl-<pid>-<n>, skipping any n whose names are still taken (a dead run with the same pid, say).
async function freshId(): Promise<string> {
  const listing = await runChecked(['ip', 'netns', 'list']);
  const taken = listing.split('\n').map((line) => line.split(' ')[0]);
  for (;;) {
    const id = `uftl-${process.pid}-${++labCounter}`;
    if (!taken.some((ns) => ns.startsWith(`${id}-`))) return id;
  }
}

class Host implements LabHost {
  constructor(
    private readonly plan: HostPlan,
    private readonly lab: Lab,
  ) {}

  get name(): string {
    return this.plan.name;
  }

  get netns(): string {
    return this.plan.netns;
  }

  private link(segment: string) {
    const link = this.plan.links.find((l) => l.segment === segment);
    if (!link) throw new Error(`host ${this.name} is not on segment ${JSON.stringify(segment)}`);
    return link;
  }

  addr(segment: string, family: 4 | 6 = 4): string {
    return family === 6 ? this.link(segment).v6 : this.link(segment).v4;
  }

  ifname(segment: string): string {
    return this.link(segment).ifname;
  }

  exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.lab.runIn(this.netns, [cmd, ...args], opts);
  }

  spawn(cmd: string, args: string[], opts: SpawnOptions = {}): LabProcess {
    return this.lab.spawnIn(this.netns, [cmd, ...args], opts);
  }
}

export class Lab {
  readonly id: string;
  private readonly hosts: Map<string, Host>;
  private readonly namespaces: string[] = []; // those actually created, in creation order
  private readonly processes = new Set<TrackedProcess>();
  private readonly release: () => void;
  private destroying: Promise<void> | undefined;

  private constructor(
    readonly plan: LabPlan,
    private readonly dir: string,
  ) {
    this.id = plan.id;
    this.hosts = new Map(plan.hosts.map((h) => [h.name, new Host(h, this)]));
    const running = (): number[] => [...this.processes].filter((p) => p.running).map((p) => p.pid);
    this.release = guardLab(this.id, () => removeNamespacesSync([...this.namespaces].reverse(), running(), this.dir));
  }

  static async create(spec: LabSpec): Promise<Lab> {
    const id = await freshId();
    const plan = planLab(spec, id); // a bad spec fails here, before anything exists
    const lab = new Lab(plan, mkdtempSync(join(tmpdir(), `${id}-`)));
    try {
      await buildLab(plan, (ns) => lab.namespaces.push(ns));
    } catch (err) {
      await lab.destroy().catch(() => undefined);
      throw err;
    }
    return lab;
  }

  host(name: string): LabHost {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`lab ${this.id} has no host ${JSON.stringify(name)} (hosts: ${[...this.hosts.keys()].join(', ')})`);
    return host;
  }

  tmpdir(): string {
    return this.dir;
  }

  private checkAlive(): void {
    if (this.destroying) throw new Error(`lab ${this.id} is destroyed`);
  }

  private track(proc: TrackedProcess): () => void {
    this.processes.add(proc);
    return () => this.processes.delete(proc);
  }

  /** @internal used by hosts */
  runIn(netns: string, argv: string[], opts: ExecOptions): Promise<ExecResult> {
    this.checkAlive();
    return run(['ip', 'netns', 'exec', netns, ...argv], { ...opts, track: (p) => this.track(p) });
  }

  /** @internal used by hosts */
  spawnIn(netns: string, argv: string[], opts: SpawnOptions): LabProcess {
    this.checkAlive();
    const proc = new TrackedProcess(['ip', 'netns', 'exec', netns, ...argv], opts);
    const untrack = this.track(proc);
    proc.exited.then(untrack, untrack);
    return proc;
  }

  // Idempotent: every call gets the same promise. Stops what we started, then removes the namespaces
  // (and anything still inside them), then the temp directory.
  destroy(): Promise<void> {
    this.destroying ??= this.teardown();
    return this.destroying;
  }

  private async teardown(): Promise<void> {
    await Promise.all([...this.processes].map((p) => p.stop('SIGTERM', STOP_GRACE_MS).catch(() => undefined)));
    const errors = await removeNamespaces([...this.namespaces].reverse()); // hosts first, then bridges
    rmSync(this.dir, { recursive: true, force: true });
    // On failure the exit safety net stays armed and tries once more.
    if (errors.length) throw new Error(`lab ${this.id} teardown: ${errors.map((e) => e.message).join('; ')}`);
    this.release();
  }
}
