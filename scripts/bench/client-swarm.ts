// Many clients in one process, for the registration-at-scale benchmark: `count` of our client machines
// (lib/client) with the IDs uid, uid+1, ... behind one uftpd daemon (its socket, timers and file executor).
// Each machine sees every datagram (a copy: machines may decrypt in place) and writes beneath `c<N>/` of
// the -D directory; timer and file-request IDs are made unique across machines, and group joins counted
// so the socket joins each group once.
//
//   node dist/scripts/bench/client-swarm.js COUNT [uftpd options...]     (-U sets the first ID)
import { createClient } from '../../lib/client';
import type { ClientConfig, ClientInput, ClientMachine, ClientOutput, Clock, Endpoint, FileRequest } from '../../lib/client/types';
import { main } from '../../lib/cli/uftpd/main';

type Place = { root: unknown; path: Buffer };

export class ClientSwarm implements ClientMachine {
  private readonly machines: ClientMachine[];
  private readonly out: ClientOutput[] = [];
  /** Global file-request ID -> the machine and its own ID. */
  private readonly requests = new Map<number, { machine: number; id: number }>();
  private nextRequest = 1;
  private readonly joined = new Map<string, number>();
  /** File handles -> the machine that opened them (a failed write is answered by handle, with ID 0). */
  private readonly handles = new Map<number, number>();

  constructor(config: ClientConfig, count: number) {
    this.machines = Array.from({ length: count }, (_, i) => createClient({ ...config, uid: (config.uid + i) >>> 0 }));
  }

  start(clock: Clock): ClientOutput[] {
    this.out.length = 0;
    this.machines.forEach((m, i) => this.gather(i, m.start(clock)));
    return this.out;
  }

  receive(data: Uint8Array, from: Endpoint, clock: Clock): ClientOutput[] {
    this.out.length = 0;
    this.machines.forEach((m, i) => this.gather(i, m.receive(Buffer.from(data), from, clock)));
    return this.out;
  }

  handle(input: ClientInput, clock: Clock): ClientOutput[] {
    this.out.length = 0;
    if (input.type === 'timer') {
      const [index, ...rest] = input.id.split(':');
      const i = Number(index);
      this.gather(i, this.machines[i].handle({ type: 'timer', id: rest.join(':') }, clock));
    } else if (input.type === 'reconfigure') {
      this.machines.forEach((m, i) => this.gather(i, m.handle(input, clock)));
    } else {
      const result = input.result;
      const own = result.id !== 0 ? this.requests.get(result.id) : undefined;
      if (own) {
        this.requests.delete(result.id);
        if (result.ok && result.value.kind === 'open') this.handles.set(result.value.handle, own.machine);
        this.gather(own.machine, this.machines[own.machine].handle({ type: 'fileResult', result: { ...result, id: own.id } }, clock));
      } else if (!result.ok && result.handle !== undefined && this.handles.has(result.handle)) {
        const m = this.handles.get(result.handle)!;
        this.gather(m, this.machines[m].handle(input, clock));
      }
    }
    return this.out;
  }

  stop(clock: Clock): ClientOutput[] {
    this.out.length = 0;
    this.machines.forEach((m, i) => this.gather(i, m.stop(clock)));
    return this.out;
  }

  sessionCount(): number {
    return this.machines.reduce((n, m) => n + m.sessionCount(), 0);
  }

  private gather(i: number, outputs: ClientOutput[]): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'setTimer': this.out.push({ ...o, id: `${i}:${o.id}` }); break;
        case 'cancelTimer': this.out.push({ ...o, id: `${i}:${o.id}` }); break;
        case 'join':
        case 'leave': this.membership(o); break;
        case 'file': this.out.push({ type: 'file', request: this.rewrite(i, o.request) }); break;
        case 'send': this.out.push({ ...o, data: Buffer.from(o.data) }); break;
        default: this.out.push(o);
      }
    }
  }

  private membership(o: Extract<ClientOutput, { type: 'join' | 'leave' }>): void {
    const key = `${o.group}|${(o.sources ?? []).join(',')}`;
    const n = this.joined.get(key) ?? 0;
    if (o.type === 'join') {
      this.joined.set(key, n + 1);
      if (n === 0) this.out.push(o);
    } else if (n > 0) {
      this.joined.set(key, n - 1);
      if (n === 1) this.out.push(o);
    }
  }

  /** Each machine's files go beneath c<i>/; its request IDs become global ones. */
  private rewrite(i: number, request: FileRequest): FileRequest {
    const r = { ...request } as FileRequest & { id?: number; place?: Place; rename?: Place; remove?: Place };
    const prefix = (p?: Place): Place | undefined => (p ? { ...p, path: Buffer.concat([Buffer.from(`c${i}/`), p.path]) } : undefined);
    if (r.place) r.place = prefix(r.place);
    if (r.rename) r.rename = prefix(r.rename);
    if (r.remove) r.remove = prefix(r.remove);
    if (typeof r.id === 'number' && r.id !== 0) {
      const id = this.nextRequest++;
      this.requests.set(id, { machine: i, id: r.id });
      r.id = id;
    }
    return r;
  }
}

if (require.main === module) {
  const [countText, ...args] = process.argv.slice(2);
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 1) {
    console.error('usage: client-swarm COUNT [uftpd options...]');
    process.exit(1);
  }
  main(args, { stderr: (t) => process.stderr.write(t), createMachine: (config) => new ClientSwarm(config, count) }).then((code) => {
    process.exitCode = code;
  });
}
