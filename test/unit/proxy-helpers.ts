// Shared by the proxy-*.test.ts files: configurations, a fake clock, packets (real captured ones from
// scripts/capture-proxy.sh, and more built with lib/protocol), and ways to pick outputs apart.
import {
  MessageType, NO_EXTENSIONS, UFTP_VERSION, decodePacket, encodePacket, type Message, type Packet, type UftpHeader,
} from '../../lib/protocol';
import type { Clock, Endpoint, ProxyConfig, ProxyInput, ProxyMachine, ProxyMode, ProxyOutput } from '../../lib/proxy/types';

/** Real packets of the real programs (uftp, uftpd, uftpproxyd 4.10.2), captured on the client proxy's segment. */
export const REAL = {
  /** uftp 0xC6121401 announces group 0xC6527BEE (public 230.4.4.1, private 230.5.5.117), through a server proxy. */
  announce: '40010000c6121401c6527bee009d000001060014000005146b02378100079f91e6040401e6050575',
  /** uftpd 0xC6121503 and 0xC6121504 register with the client proxy. */
  registerC1: '40020000c6121503c6527bee00000000020b00006b0237810007a0a7' + '00'.repeat(32),
  registerC2: '40020000c6121504c6527bee00000000020b00006b0237810007a070' + '00'.repeat(32),
  /** The real client proxy 0xC6121502's aggregated REGISTER for the two. */
  registerByProxy: '40020000c6121502c6527bee00000000020b00006b023782000080a8' + '00'.repeat(32) + 'c6121504c6121503',
  fileseg: '40090016c6121401c6527bee006a6800090200010000000034cf259410884b609ee99c12525340ee',
};

export const SERVER_ID = 0xc6121401;
export const GROUP = 0xc6527bee;
export const SERVER: Endpoint = { address: '198.18.20.1', port: 33682 };
export const SERVER_PROXY: Endpoint = { address: '198.18.20.2', port: 1044 };
export const CLIENT_PROXY: Endpoint = { address: '198.18.21.2', port: 1044 };
export const C1: Endpoint = { address: '198.18.21.3', port: 1044 };
export const C2: Endpoint = { address: '198.18.21.4', port: 1044 };
export const PROXY_UID = 0xc6121502;

export function hex(h: string): Buffer {
  return Buffer.from(h, 'hex');
}

export function config(mode: ProxyMode, extra: Partial<ProxyConfig> = {}): ProxyConfig {
  return {
    mode, port: 1044, destPort: 1044, publicGroups: ['230.4.4.1'], uid: PROXY_UID, heartbeats: [], heartbeatIntervalSec: 20,
    keys: [], ...(mode === 'server' && !extra.downstreamFingerprint ? { downstream: CLIENT_PROXY } : {}), ...extra,
  };
}

export class FakeClock implements Clock {
  now = 1_000_000;
  wall = Date.UTC(2026, 10, 22, 0, 28, 0);

  advance(ms: number): void {
    this.now += ms;
    this.wall += ms;
  }
}

export function datagram(data: Uint8Array, from: Endpoint, to: string): ProxyInput {
  return { type: 'datagram', data, from, to, ifindex: 2 };
}

export function sends(out: ProxyOutput[]): Array<Extract<ProxyOutput, { type: 'send' }>> {
  return out.filter((o): o is Extract<ProxyOutput, { type: 'send' }> => o.type === 'send');
}

export function decoded(data: Uint8Array): Packet {
  const p = decodePacket(data);
  if (!p.ok) throw new Error(`output does not decode: ${p.error.toString()}`);
  return p.value;
}

export function counts(out: ProxyOutput[]): string[] {
  return out.filter((o) => o.type === 'count').map((o) => (o as { name: string }).name);
}

export function timers(out: ProxyOutput[]): Array<Extract<ProxyOutput, { type: 'setTimer' }>> {
  return out.filter((o): o is Extract<ProxyOutput, { type: 'setTimer' }> => o.type === 'setTimer');
}

/** Fires every timer the machine armed that is due by the clock, as a daemon's timer wheel would. */
export class TimerWheel {
  private readonly due = new Map<string, number>();

  constructor(private readonly machine: ProxyMachine, private readonly clock: FakeClock) {}

  feed(out: ProxyOutput[]): ProxyOutput[] {
    for (const o of out) {
      if (o.type === 'setTimer') this.due.set(o.id, o.at);
      if (o.type === 'cancelTimer') this.due.delete(o.id);
    }
    return out;
  }

  handle(input: ProxyInput): ProxyOutput[] {
    return this.feed(this.machine.handle(input, this.clock));
  }

  /** Advances the clock by `ms`, firing timers in order; answers everything they output. */
  advance(ms: number): ProxyOutput[] {
    const end = this.clock.now + ms;
    const all: ProxyOutput[] = [];
    for (;;) {
      const next = [...this.due].filter(([, at]) => at <= end).sort((a, b) => a[1] - b[1])[0];
      if (!next) break;
      this.due.delete(next[0]);
      this.clock.advance(Math.max(0, next[1] - this.clock.now));
      all.push(...this.feed(this.machine.handle({ type: 'timer', id: next[0] }, this.clock)));
    }
    this.clock.advance(end - this.clock.now);
    return all;
  }

  armed(id: string): number | undefined {
    return this.due.get(id);
  }
}

export function header(func: MessageType, srcId: number, extra: Partial<UftpHeader> = {}): UftpHeader {
  return { version: UFTP_VERSION, func, seq: 0, srcId, groupId: GROUP, groupInst: 0, grtt: 0x6a, gsize: 0x18, reserved: 0, ...extra };
}

/** A client's or server's message for the captured session's group. */
export function packet(msg: Message, srcId: number, extra: Partial<UftpHeader> = {}): Buffer {
  return encodePacket(header(msg.type, srcId, extra), msg);
}

export function fileInfoAck(fileId: number, tsSec: number, tsUsec: number): Message {
  return { type: MessageType.FILEINFO_ACK, fileId, flags: 0, reserved: 0, tsSec, tsUsec, extensions: NO_EXTENSIONS, clientIds: [] };
}

export function complete(fileId: number, status = 0): Message {
  return { type: MessageType.COMPLETE, fileId, status, reserved: 0, extensions: NO_EXTENSIONS, clientIds: [] };
}

export function regConf(ids: number[]): Message {
  return { type: MessageType.REG_CONF, reserved: 0, extensions: NO_EXTENSIONS, clientIds: ids };
}
