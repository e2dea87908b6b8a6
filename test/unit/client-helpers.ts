// Shared by the client-*.test.ts files: a server that speaks to the client machine (packets built with
// lib/protocol and lib/crypto, encrypted sessions included), and a harness that runs the machine with a
// fake clock, its timers, and an in-memory answer to each file operation.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '../../lib/client';
import type { ClientConfig, ClientOutput, ClientReconfig, Endpoint, EntryInfo, FileRequest, FileResult, FileValue } from '../../lib/client/types';
import {
  clientSessionKeys, decryptPremaster, encryptGroupMaster, groupKeys, keyBlob, newGroupMaster, newRandom, fingerprint,
  ReplayWindow, type SymmetricKeys,
} from '../../lib/crypto';
import {
  FileType, HashType, KeyExchangeType, KeyType, MessageType, NO_EXTENSIONS, SigType, UFTP_VERSION, decodeMessage, decodePacket, encodeMessage,
  encodePacket, quantizeGrtt, type Announce, type Message, type UftpHeader,
} from '../../lib/protocol';
import { unwrap, wrap } from '../../lib/protocol/encrypted';
import { blobOf } from '../../lib/session/keys';
import type { LoadedKey } from '../../lib/session/types';

export const SERVER: Endpoint = { address: '198.18.0.1', port: 40001 };
export const SERVER_ID = 0xc6120001;
export const UID = 0xc6120002;
export const GROUP = 0x1f2e3d4c;
export const PRIVATE = '230.5.5.5';
export const BLOCK = 1000;

const KEYS = path.join(__dirname, '../fixtures/keys');

export function loadKey(name: string): LoadedKey {
  const key = createPrivateKey(readFileSync(path.join(KEYS, name)));
  const type = key.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
  return { key, type, fingerprint: fingerprint(key) };
}

export function clientConfig(extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    uid: UID, publicGroups: ['230.4.4.1'], destDirs: ['/recv'], backupDirs: [], tempFiles: false, moveIndividually: false,
    encryptedOnly: false, heartbeats: [], heartbeatIntervalSec: 20, keys: [loadKey('client_rsa.pem')], cacheSize: 16 * BLOCK,
    postReceive: false, statusFile: true, ...extra,
  };
}

/** The server's side of one session: headers, and with `encrypted` the key exchange and sealing. */
export class ServerSim {
  seq = 100;
  grtt = quantizeGrtt(0.05);
  private ivCounter = 0n;
  readonly random = newRandom();
  groupMaster?: Buffer;
  groupKeys?: SymmetricKeys;
  clientKeys?: SymmetricKeys;
  readonly replay = new ReplayWindow();

  constructor(
    readonly opts: { groupId?: number; inst?: number; encrypted?: boolean; serverKey?: LoadedKey; sigType?: SigType; keyType?: KeyType } = {},
  ) {}

  get groupId(): number {
    return this.opts.groupId ?? GROUP;
  }

  header(): UftpHeader {
    return { version: UFTP_VERSION, func: 0, seq: this.seq++ & 0xffff, srcId: SERVER_ID, groupId: this.groupId, groupInst: this.opts.inst ?? 0, grtt: this.grtt, gsize: 0x18, reserved: 0 };
  }

  announce(extra: Partial<Announce> = {}): Buffer {
    const msg: Announce = {
      type: MessageType.ANNOUNCE, flags: 0, robust: 5, ccType: 0, reserved: 0, blockSize: BLOCK, tsSec: 1_800_000_000, tsUsec: 5,
      publicAddr: '230.4.4.1', privateAddr: PRIVATE, extensions: NO_EXTENSIONS, clientIds: [], ...extra,
    };
    if (this.opts.encrypted) {
      const key = this.opts.serverKey ?? loadKey('server_rsa.pem');
      msg.extensions = [{
        kind: 'encInfo', flags: 0, keyexType: KeyExchangeType.RSA, sigType: this.opts.sigType ?? SigType.AUTHENC,
        keyType: this.opts.keyType ?? KeyType.AES256_GCM, hashType: HashType.SHA256, random: this.random, publicKey: blobOf(key.key),
        dhKey: null, signature: new Uint8Array(0),
      }];
    }
    return encodePacket(this.header(), msg);
  }

  /** The group key for the client of a REGISTER, in a KEYINFO (sent in clear). */
  keyInfo(register: { header: UftpHeader; msg: Message }): Buffer {
    const reg = register.msg as Extract<Message, { type: MessageType.REGISTER }>;
    const key = this.opts.serverKey ?? loadKey('server_rsa.pem');
    const premaster = decryptPremaster(key.key, reg.keyInfo);
    const cipher = this.opts.keyType === KeyType.AES128_CBC ? 'aes-128-cbc' : 'aes-256-gcm';
    this.clientKeys = clientSessionKeys('sha256', cipher, premaster, this.random, reg.random);
    this.groupMaster = newGroupMaster(UFTP_VERSION);
    this.groupKeys = groupKeys('sha256', cipher, this.groupMaster, this.random);
    const iv = ++this.ivCounter;
    return encodePacket(this.header(), {
      type: MessageType.KEYINFO, reserved: 0, ivCounter: iv, extensions: NO_EXTENSIONS,
      keys: [{ clientId: register.header.srcId, groupMaster: encryptGroupMaster(this.clientKeys, this.groupMaster, iv, SERVER_ID) }],
    });
  }

  /** A server message, sealed when the group keys are set. */
  packet(msg: Message): Buffer {
    const header = this.header();
    if (!this.groupKeys) return encodePacket(header, msg);
    return wrap({ ...header, func: msg.type }, encodeMessage(msg), this.groupKeys, ++this.ivCounter, this.opts.sigType ?? SigType.AUTHENC);
  }

  fileInfo(fileId: number, name: string, size: number, extra: Partial<Extract<Message, { type: MessageType.FILEINFO }>> = {}): Buffer {
    return this.packet({
      type: MessageType.FILEINFO, fileId, fileType: FileType.REGULAR, reserved: 0, name: Buffer.from(name), link: Buffer.alloc(0), size,
      fileTstamp: 1_700_000_000, tsSec: 1_800_000_001, tsUsec: 0, extensions: NO_EXTENSIONS, clientIds: [UID], ...extra,
    });
  }

  fileSeg(fileId: number, section: number, blockNum: number, data: Uint8Array): Buffer {
    return this.packet({ type: MessageType.FILESEG, fileId, section, blockNum, extensions: NO_EXTENSIONS, data });
  }

  done(fileId: number, section: number, clientIds = [UID]): Buffer {
    return this.packet({ type: MessageType.DONE, fileId, section, reserved: 0, extensions: NO_EXTENSIONS, clientIds });
  }

  regConf(clientIds = [UID]): Buffer {
    return this.packet({ type: MessageType.REG_CONF, reserved: 0, extensions: NO_EXTENSIONS, clientIds });
  }

  doneConf(clientIds = [UID]): Buffer {
    return this.packet({ type: MessageType.DONE_CONF, reserved: 0, extensions: NO_EXTENSIONS, clientIds });
  }

  /** A client's packet as the server reads it: decoded, opened when encrypted. */
  read(data: Uint8Array): { header: UftpHeader; msg: Message } {
    const p = decodePacket(data);
    if (!p.ok) throw new Error(`client packet does not decode: ${p.error.toString()}`);
    if (p.value.message.type !== MessageType.ENCRYPTED) return { header: p.value.header, msg: p.value.message as Message };
    if (!this.groupKeys) throw new Error('ENCRYPTED from the client before the group keys');
    const inner = unwrap(data, this.groupKeys, new ReplayWindow(), this.opts.sigType ?? SigType.AUTHENC);
    if (!inner.ok) throw new Error(`client ENCRYPTED does not open: ${inner.error.toString()}`);
    const msg = decodeMessage(inner.value);
    if (!msg.ok) throw new Error(msg.error.toString());
    return { header: p.value.header, msg: msg.value };
  }
}

interface MemFile {
  data: Buffer;
  mtimeSec: number;
}

/** Runs a Client with a fake clock; file requests are answered from an in-memory tree. */
export class Harness {
  readonly client: Client;
  now = 1_000_000;
  wall = Date.UTC(2026, 11, 4, 10, 0, 0);
  readonly sent: Array<{ data: Buffer; to: Endpoint }> = [];
  readonly logs: Array<{ level: number; message: string; drop?: string }> = [];
  readonly status: string[] = [];
  readonly scripts: Array<{ groupId: number; paths: string[] }> = [];
  /** fileDone outputs: name and CompletionStatus of each file done with. */
  readonly done: Array<{ name: string; status: number; size: number }> = [];
  readonly joins: Array<{ join: boolean; group: string; sources?: string[] }> = [];
  readonly counts = new Map<string, number>();
  readonly files = new Map<string, MemFile>();
  readonly dirs = new Set<string>();
  readonly requests: FileRequest[] = [];
  private readonly timers = new Map<string, number>();
  private readonly handles = new Map<number, string>();
  private nextHandle = 1;
  /** Results held back instead of answered at once (answer with release()). */
  hold = false;
  private readonly held: FileResult[] = [];
  freeSpace = 1e12;
  failWrites?: string;
  restart = new Map<number, Uint8Array>();

  constructor(readonly config: ClientConfig = clientConfig()) {
    this.client = new Client(config);
    this.take(this.client.start(this.clock()));
  }

  clock(): { now: number; wall: number } {
    return { now: this.now, wall: this.wall };
  }

  deliver(data: Uint8Array, from: Endpoint = SERVER): void {
    this.take(this.client.receive(Buffer.from(data), from, this.clock()));
  }

  /** Moves the clock on, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [string, number] | undefined;
      for (const t of this.timers) if (t[1] <= end && (!next || t[1] < next[1])) next = t;
      if (!next) break;
      this.timers.delete(next[0]);
      const step = Math.max(0, next[1] - this.now);
      this.now += step;
      this.wall += step;
      this.take(this.client.handle({ type: 'timer', id: next[0] }, this.clock()));
    }
    this.wall += end - this.now;
    this.now = end;
  }

  /** A reload: the machine takes a new -S list and keys. */
  reconfigure(change: ClientReconfig): void {
    this.take(this.client.handle({ type: 'reconfigure', change }, this.clock()));
  }

  release(): void {
    while (this.held.length > 0) this.result(this.held.shift()!);
  }

  stop(): void {
    this.take(this.client.stop(this.clock()));
  }

  /** Messages the client sent (decoded by the server sim), optionally of one type. */
  messages(server: ServerSim, type?: MessageType): Message[] {
    return this.sent.map((s) => server.read(s.data).msg).filter((m) => type === undefined || m.type === type);
  }

  logText(): string {
    return this.logs.map((l) => l.message).join('\n');
  }

  file(path: string): Buffer | undefined {
    return this.files.get(path)?.data;
  }

  private result(r: FileResult): void {
    this.take(this.client.handle({ type: 'fileResult', result: r }, this.clock()));
  }

  private take(outputs: ClientOutput[]): void {
    for (const o of [...outputs]) {
      switch (o.type) {
        case 'send': this.sent.push({ data: Buffer.from(o.data), to: o.to }); break;
        case 'log': this.logs.push({ level: o.level, message: o.message, drop: o.drop }); break;
        case 'status': this.status.push(o.line); break;
        case 'postReceive': this.scripts.push({ groupId: o.groupId, paths: o.paths }); break;
        case 'fileDone': this.done.push({ name: o.name, status: o.status, size: o.size }); break;
        case 'join': this.joins.push({ join: true, group: o.group, sources: o.sources }); break;
        case 'leave': this.joins.push({ join: false, group: o.group, sources: o.sources }); break;
        case 'setTimer': this.timers.set(o.id, o.at); break;
        case 'cancelTimer': this.timers.delete(o.id); break;
        case 'count': this.counts.set(o.name, (this.counts.get(o.name) ?? 0) + 1); break;
        case 'file': this.fileOp(o.request); break;
      }
    }
  }

  private placeKey(place: { root: { kind: string; index?: number }; path: Buffer }): string {
    const root = place.root.kind === 'temp' ? '/tmpdir' : place.root.kind === 'dest' ? this.config.destDirs[place.root.index ?? 0] : `/backup${place.root.index}`;
    return `${root}/${place.path.toString()}`;
  }

  private info(key: string): EntryInfo {
    const f = this.files.get(key);
    if (f) return { kind: 'file', size: f.data.length, mtimeSec: f.mtimeSec };
    return this.dirs.has(key) ? { kind: 'directory', size: 0, mtimeSec: 0 } : { kind: 'none', size: 0, mtimeSec: 0 };
  }

  private answer(id: number, value: FileValue): void {
    const r: FileResult = { id, ok: true, value };
    if (this.hold) this.held.push(r);
    else this.result(r);
  }

  private fileOp(req: FileRequest): void {
    this.requests.push(req);
    switch (req.op) {
      case 'inspect': return this.answer(req.id, { kind: 'inspect', info: this.info(this.placeKey(req.place)), freeSpace: this.freeSpace });
      case 'open': {
        const key = this.placeKey(req.place);
        if (req.truncate || !this.files.has(key)) this.files.set(key, { data: Buffer.alloc(0), mtimeSec: 0 });
        const handle = this.nextHandle++;
        this.handles.set(handle, key);
        return this.answer(req.id, { kind: 'open', handle, freeSpace: this.freeSpace });
      }
      case 'write': {
        if (this.failWrites) {
          this.result({ id: 0, ok: false, handle: req.handle, code: this.failWrites, message: 'no space left on device' });
          this.failWrites = undefined;
          return;
        }
        const key = this.handles.get(req.handle);
        if (!key) return;
        const f = this.files.get(key)!;
        const end = req.offset + req.data.length;
        if (f.data.length < end) f.data = Buffer.concat([f.data, Buffer.alloc(end - f.data.length)]);
        f.data.set(req.data, req.offset);
        return;
      }
      case 'close': {
        const key = this.handles.get(req.handle)!;
        this.handles.delete(req.handle);
        const f = this.files.get(key)!;
        if (req.mtimeSec) f.mtimeSec = req.mtimeSec;
        if (req.rename) {
          this.files.delete(key);
          this.files.set(this.placeKey(req.rename), f);
        }
        return this.answer(req.id, { kind: 'done' });
      }
      case 'discard': {
        const key = this.handles.get(req.handle);
        this.handles.delete(req.handle);
        if (req.remove && key) this.files.delete(key);
        return;
      }
      case 'mkdir': this.dirs.add(this.placeKey(req.place)); return this.answer(req.id, { kind: 'done' });
      case 'symlink': this.files.set(this.placeKey(req.place), { data: Buffer.from(`-> ${req.target.toString()}`), mtimeSec: 0 }); return this.answer(req.id, { kind: 'done' });
      case 'remove': this.files.delete(this.placeKey(req.place)); return this.answer(req.id, { kind: 'done' });
      case 'freeSpace': return this.answer(req.id, { kind: 'freeSpace', freeSpace: this.freeSpace });
      case 'saveRestart': this.restart.set(req.groupId, req.state); return;
      case 'loadRestart': {
        const state = this.restart.get(req.groupId);
        this.restart.delete(req.groupId);
        return this.answer(req.id, { kind: 'restart', state });
      }
      case 'finishSession': {
        const prefix = `/tmpdir/_group_${req.groupId.toString(16).toUpperCase().padStart(8, '0')}/`;
        const moved: string[] = [];
        for (const [k, f] of [...this.files]) {
          if (!k.startsWith(prefix)) continue;
          this.files.delete(k);
          const dest = `${this.config.destDirs[0]}/${k.slice(prefix.length)}`;
          this.files.set(dest, f);
          moved.push(dest);
        }
        return this.answer(req.id, { kind: 'moved', paths: moved });
      }
    }
  }
}

export function keyOf(k: LoadedKey): KeyObject {
  return k.key;
}

export function blobBytes(k: LoadedKey): Buffer {
  return keyBlob(k.key);
}
