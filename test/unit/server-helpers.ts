// Runs our server machine against our client machine(s) in memory, with one fake clock: datagrams the server
// sends to the groups reach every client, clients' answers reach the server; file data comes from buffers;
// loss is a seeded random drop.
import { Client } from '../../lib/client';
import type { ClientConfig } from '../../lib/client/types';
import { CongestionControl } from '../../lib/protocol';
import { Server } from '../../lib/server';
import type { Endpoint, Progress, SendItem, ServerConfig, ServerInput, ServerOutput, SessionOutcome } from '../../lib/server/types';
import { prng } from '../helpers/prng';
import { Harness, clientConfig } from './client-helpers';

export const SERVER_UID = 0x0a000001;

export function serverConfig(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    uid: SERVER_UID, port: 1044, publicAddr: '230.4.4.1', privateAddr: '230.5.5.9', blockSize: 1000, rateKbps: -1, robust: 5,
    grtt: { init: 0.05, min: 0.01, max: 1 }, maxNakPct: 100, maxNakCount: 1, maxPasses: 65535, quitOnError: false,
    syncMode: false, syncPreview: false, cc: { type: CongestionControl.NONE }, groupId: 0x12345678, groupInst: 0, statusFile: true,
    ...extra,
  };
}

export class Loop {
  readonly server: Server;
  readonly clients: Harness[];
  now = 1_000_000;
  wall = Date.UTC(2026, 11, 4, 12, 0, 0);
  readonly logs: string[] = [];
  readonly status: string[] = [];
  readonly progress: Progress[] = [];
  outcome?: SessionOutcome;
  private readonly timers = new Map<string, number>();
  private pace = -1;
  private readonly files = new Map<string, Buffer>();
  private readonly items: SendItem[];
  private readonly rand = prng(42);
  /** Fraction of server datagrams each client loses. */
  loss = 0;

  constructor(config: ServerConfig, items: Array<SendItem & { data?: Buffer }>, clientConfigs: ClientConfig[]) {
    this.server = new Server(config);
    for (const i of items) if (i.kind === 'file' && i.data) this.files.set(i.localPath, i.data);
    this.items = items.map(({ ...i }) => i);
    this.clients = clientConfigs.map((c) => new Harness(c));
    for (const h of this.clients) this.sync(h);
    this.take(this.server.start(this.clock()));
  }

  clock(): { now: number; wall: number } {
    return { now: this.now, wall: this.wall };
  }

  private sync(h: Harness): void {
    h.now = this.now;
    h.wall = this.wall;
  }

  /** Delivers what the clients sent since last time to the server. */
  private fromClients(): void {
    for (const h of this.clients) {
      const sent = h.sent.splice(0);
      for (const s of sent) this.take(this.server.receive(s.data, { address: `198.18.0.${this.clients.indexOf(h) + 10}`, port: 1044 }, this.clock()));
    }
  }

  private take(outputs: ServerOutput[]): void {
    const copy = [...outputs];
    for (const o of copy) {
      switch (o.type) {
        case 'send':
          for (const h of this.clients) {
            if (this.loss > 0 && this.rand() < this.loss) continue;
            this.sync(h);
            h.deliver(Buffer.from(o.data), { address: '198.18.0.1', port: 40000 });
          }
          break;
        case 'setTimer': this.timers.set(o.id, o.at); break;
        case 'cancelTimer': this.timers.delete(o.id); break;
        case 'log': this.logs.push(o.message); break;
        case 'status': this.status.push(o.line); break;
        case 'progress': this.progress.push(o.progress); break;
        case 'pace': this.pace = o.at; break;
        case 'nextItem': {
          const item = this.items.shift();
          this.take(this.server.handle({ type: 'item', item }, this.clock()));
          break;
        }
        case 'read': {
          const data = this.files.get(o.path)!.subarray(o.offset, o.offset + o.length);
          this.take(this.server.handle({ type: 'data', id: o.id, data }, this.clock()));
          break;
        }
        case 'finished': this.outcome = o.outcome; break;
        default:
      }
    }
    this.fromClients();
  }

  /** Runs until the session is over (or `limitMs` of fake time pass). */
  run(limitMs = 120_000): SessionOutcome {
    this.runUntil(() => false, limitMs);
    if (!this.outcome) throw new Error(`session did not finish in ${limitMs} ms:\n${this.logs.slice(-30).join('\n')}`);
    return this.outcome;
  }

  /** A datagram from elsewhere (a forger's, say): its outputs, also delivered like the rest. */
  receive(data: Uint8Array, from: Endpoint): ServerOutput[] {
    const outputs = [...this.server.receive(data, from, this.clock())];
    this.take(outputs);
    return outputs;
  }

  /** Server input from outside (an interrupt, say), its outputs delivered like the rest. */
  input(input: ServerInput): void {
    this.take(this.server.handle(input, this.clock()));
  }

  /** Runs until `stop()` holds, the session is over, or `limitMs` of fake time pass. */
  runUntil(stop: () => boolean, limitMs = 120_000): void {
    const end = this.now + limitMs;
    while (!this.outcome && !stop() && this.now < end) {
      if (this.pace >= 0 && this.pace <= this.now) {
        this.pace = -1;
        this.take(this.server.handle({ type: 'writable', room: 64 }, this.clock()));
        continue;
      }
      let next = this.pace >= 0 ? this.pace : Infinity;
      for (const at of this.timers.values()) next = Math.min(next, at);
      for (const h of this.clients) for (const at of (h as unknown as { timers: Map<string, number> }).timers.values()) next = Math.min(next, at);
      if (!Number.isFinite(next)) break;
      const step = Math.max(0, next - this.now);
      this.now += step;
      this.wall += step;
      for (const [id, at] of [...this.timers]) {
        if (at <= this.now) {
          this.timers.delete(id);
          this.take(this.server.handle({ type: 'timer', id }, this.clock()));
        }
      }
      for (const h of this.clients) {
        h.advance(this.now - h.now);
        this.fromClients();
      }
    }
  }
}

export function clientOf(uid: number, extra: Partial<ClientConfig> = {}): ClientConfig {
  return clientConfig({ uid, statusFile: false, ...extra });
}
