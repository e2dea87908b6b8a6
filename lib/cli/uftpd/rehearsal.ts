// A rehearsal at start-up: whole sessions of our server machine to a client machine of the daemon's own
// configuration, in memory — no socket, no file, no log — so that V8 has compiled the receive path (decode,
// decrypt, write cache, STATUS) before the first real server streams at full speed. A cold daemon fell behind
// in the first tens of milliseconds of its first file and lost datagrams to a full receive buffer
// (bench:client: NAKs in section 0 only, and none once a first file had warmed the process).
// UFTP_TS_NO_REHEARSAL=1 skips it (for measuring what it is worth).
import type { ClientConfig, ClientMachine, ClientOutput, FileRequest, FileValue } from '../../client/types';
import { HashType, KeyExchangeType, KeyType, SigType, CongestionControl } from '../../protocol';
import type { EncryptionConfig, LoadedKey, SendItem, ServerConfig, ServerMachine, ServerOutput } from '../../server/types';

const BLOCK = 1300;
/** Per session: enough datagrams for V8 to optimize every function a datagram passes through. */
const FILE_BYTES = 6 * 1024 * 1024;
const SERVER = { address: '192.0.2.1', port: 1044 };
const CLIENT = { address: '192.0.2.2', port: 1044 };
const FREE = 2 ** 40;
/** The write cache of the rehearsal: the same code, less garbage than -c's 1 MiB (RSS). */
const REHEARSAL_CACHE = 64 * 1024;
/** Two rounds of the pair: measured, the first call of rehearse() took 0.26 s, later ones 0.11 s. */
const ROUNDS = 2;
/** Fake time may run this long (a session ends long before). */
const LIMIT_MS = 600_000;

export interface RehearsalParts {
  createClient: (config: ClientConfig) => ClientMachine;
  createServer: (config: ServerConfig) => ServerMachine;
}

export interface RehearsalResult {
  sessions: number;
  bytes: number;
  completed: boolean;
}

/** ROUNDS of a plain and an AES-256-GCM session (the server signs with the client's own first key). */
export function rehearse(config: ClientConfig, parts: RehearsalParts): RehearsalResult {
  const key = config.keys[0];
  const encryptions: Array<EncryptionConfig | undefined> = [undefined];
  if (key !== undefined) encryptions.push(gcm(key));
  let completed = true;
  for (let round = 0; round < ROUNDS; round++) {
    for (const encryption of encryptions) completed = runSession(config, parts, encryption) && completed;
  }
  const sessions = ROUNDS * encryptions.length;
  return { sessions, bytes: sessions * FILE_BYTES, completed };
}

function gcm(key: LoadedKey): EncryptionConfig {
  const keyexType = key.type === 'ec' ? KeyExchangeType.ECDH_ECDSA : KeyExchangeType.RSA;
  return { keyType: KeyType.AES256_GCM, hashType: HashType.SHA256, sigType: SigType.AUTHENC, keyexType, curve: key.curve, clientAuth: false, key };
}

function serverConfig(encryption: EncryptionConfig | undefined): ServerConfig {
  return {
    uid: 0xc0000201, port: SERVER.port, publicAddr: '230.4.4.1', privateAddr: '230.5.5.1', blockSize: BLOCK, rateKbps: -1, robust: 5,
    grtt: { init: 0.05, min: 0.01, max: 1 }, maxNakPct: 100, maxNakCount: 1, maxPasses: 65535, quitOnError: false,
    syncMode: false, syncPreview: false, cc: { type: CongestionControl.NONE }, encryption, groupId: 0x7e4e4a5a, groupInst: 0, statusFile: false,
  };
}

/** The daemon's configuration without what would reach outside the machine or refuse the rehearsing server. */
function clientConfig(config: ClientConfig): ClientConfig {
  return {
    ...config, serverList: undefined, responseProxy: undefined, heartbeats: [], encryptedOnly: false, statusFile: false,
    postReceive: false, hostName: undefined, tempDir: undefined, tempFiles: false, backupDirs: [], moveIndividually: false,
    cacheSize: Math.min(config.cacheSize, REHEARSAL_CACHE),
  };
}

function runSession(config: ClientConfig, parts: RehearsalParts, encryption: EncryptionConfig | undefined): boolean {
  const server = parts.createServer(serverConfig(encryption));
  const client = parts.createClient(clientConfig(config));
  let zeros = new Uint8Array(0);
  const item: SendItem = { kind: 'file', name: Buffer.from('rehearsal.bin'), localPath: 'rehearsal.bin', size: FILE_BYTES, mtimeSec: 0 };
  const items: Array<SendItem | undefined> = [item];
  const timers = new Map<string, { at: number; of: 'server' | 'client' }>();
  let pace = -1;
  let finished = false;
  let completed = false;
  let handles = 0;
  let now = 1_000_000;
  const clock = (): { now: number; wall: number } => ({ now, wall: Date.now() });
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];

  // The machines reuse their output arrays: each is copied before answers are fed back in.
  const fromServer = (outputs: ServerOutput[]): void => {
    for (const o of [...outputs]) {
      switch (o.type) {
        // A view into the server's ring, as a socket would hand it over: delivered before the server's next input.
        case 'send': toClient.push(o.data); break;
        case 'setTimer': timers.set(`s:${o.id}`, { at: o.at, of: 'server' }); break;
        case 'cancelTimer': timers.delete(`s:${o.id}`); break;
        case 'pace': pace = o.at; break;
        case 'nextItem': fromServer(server.handle({ type: 'item', item: items.shift() }, clock())); break;
        case 'read':
          if (zeros.length < o.length) zeros = new Uint8Array(o.length);
          fromServer(server.handle({ type: 'data', id: o.id, data: zeros.subarray(0, o.length) }, clock()));
          break;
        case 'finished': completed = o.outcome.clients.length === 1 && o.outcome.clients[0].status === 'completed'; finished = true; break;
        default:
      }
    }
  };
  const answer = (id: number, value: FileValue): void => fromClient(client.handle({ type: 'fileResult', result: { id, ok: true, value } }, clock()));
  const fileOp = (r: FileRequest): void => {
    switch (r.op) {
      case 'inspect': return answer(r.id, { kind: 'inspect', info: { kind: 'none', size: 0, mtimeSec: 0 }, freeSpace: FREE });
      case 'open': return answer(r.id, { kind: 'open', handle: ++handles, freeSpace: FREE });
      case 'freeSpace': return answer(r.id, { kind: 'freeSpace', freeSpace: FREE });
      case 'loadRestart': return answer(r.id, { kind: 'restart' });
      case 'finishSession': return answer(r.id, { kind: 'moved', paths: [] });
      case 'write': case 'discard': case 'saveRestart': return;
      default: return answer(r.id, { kind: 'done' });
    }
  };
  const fromClient = (outputs: ClientOutput[]): void => {
    for (const o of [...outputs]) {
      switch (o.type) {
        case 'send': toServer.push(Uint8Array.prototype.slice.call(o.data)); break;
        case 'setTimer': timers.set(`c:${o.id}`, { at: o.at, of: 'client' }); break;
        case 'cancelTimer': timers.delete(`c:${o.id}`); break;
        case 'file': fileOp(o.request); break;
        default:
      }
    }
  };

  fromClient(client.start(clock()));
  fromServer(server.start(clock()));
  const end = now + LIMIT_MS;
  while (!finished && now < end) {
    if (toClient.length > 0 || toServer.length > 0) {
      for (const data of toClient.splice(0)) fromClient(client.receive(data, SERVER, clock()));
      for (const data of toServer.splice(0)) fromServer(server.receive(data, CLIENT, clock()));
      continue;
    }
    if (pace >= 0 && pace <= now) {
      pace = -1;
      fromServer(server.handle({ type: 'writable', room: 64 }, clock()));
      continue;
    }
    let next: [string, { at: number; of: 'server' | 'client' }] | undefined;
    for (const t of timers) if (next === undefined || t[1].at < next[1].at) next = t;
    const at = Math.min(next?.[1].at ?? Infinity, pace >= 0 ? pace : Infinity);
    if (!Number.isFinite(at)) break;
    now = Math.max(now, at);
    if (next !== undefined && next[1].at <= now) {
      timers.delete(next[0]);
      const id = next[0].slice(2);
      if (next[1].of === 'server') fromServer(server.handle({ type: 'timer', id }, clock()));
      else fromClient(client.handle({ type: 'timer', id }, clock()));
    }
  }
  fromClient(client.stop(clock()));
  return completed;
}
