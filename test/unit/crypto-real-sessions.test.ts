// Known answers from the real UFTP 4.10.2 programs: sessions captured between the real uftp and
// uftpd (scripts/capture-crypto-sessions.sh), with the key files they used. From the captured
// packets and the private keys alone we derive premaster, client keys, group master and group
// keys, open every ENCRYPTED packet, check the KEYINFO_ACK verify data and the CLIENT_KEY
// signature, and compare the FILESEG blocks with the file that was sent.
import { createPrivateKey, createPublicKey, KeyObject } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  clientSessionKeys,
  decryptGroupMaster,
  decryptPremaster,
  ecdhPremaster,
  encryptGroupMaster,
  groupKeys,
  HandshakeValues,
  importKeyBlob,
  keyBlob,
  keyinfoAckVerifyData,
  readKeyFile,
  ReplayWindow,
  verifyClientKey,
  verifyMessage,
} from '../../lib/crypto';
import {
  Announce,
  ClientKey,
  decodeMessage,
  decodePacket,
  EncInfoExt,
  encodeKeyBlob,
  FileInfo,
  HEADER_LEN,
  KeyExchangeType,
  KeyInfo,
  KeyInfoAck,
  MessageType,
  parseIp,
  Register,
  SigType,
  UftpHeader,
} from '../../lib/protocol';
import { sessionAlgorithms, unwrap, unwrapInPlace, wrap } from '../../lib/protocol/encrypted';

const FIXTURES = join(__dirname, '..', 'fixtures');
const SESSIONS = [
  'aes256gcm-sha256-rsa',
  'aes128cbc-sha256-hmac-rsa',
  'aes256cbc-sha1-hmac-rsa',
  'aes128ccm-sha512-rsa',
  '3des-sha256-hmac-rsa',
  'aes128cbc-sha256-keyex-rsa',
  'ecdh-rsa-aes256gcm-sha256',
  'ecdh-ecdsa-aes128gcm-sha256',
  'ecdh-ecdsa-aes256cbc-sha384-keyex',
];

interface Fixture {
  session: string;
  serverKey: string;
  clientKey: string;
  sentFile: string;
  ephemeralEcdhScalars?: { server: string; client: string };
  packets: { dir: 'server' | 'client'; hex: string }[];
}

interface Captured {
  dir: 'server' | 'client';
  bytes: Buffer;
  header: UftpHeader;
  message: { type: MessageType };
}

/** Throws naming the step, so a failing session says where the derivation broke. */
function must(condition: boolean, step: string): asserts condition {
  if (!condition) throw new Error(`step failed: ${step}`);
}

function load(name: string): { fixture: Fixture; packets: Captured[] } {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, 'sessions', `${name}.json`), 'utf8')) as Fixture;
  const packets = fixture.packets.map(({ dir, hex }) => {
    const bytes = Buffer.from(hex, 'hex');
    const decoded = decodePacket(bytes);
    must(decoded.ok, `decode captured ${dir} packet ${hex.slice(0, 8)}`);
    return { dir, bytes, header: decoded.value.header, message: decoded.value.message };
  });
  return { fixture, packets };
}

function first<M>(packets: Captured[], type: MessageType): (Captured & { message: M }) | undefined {
  return packets.find((p) => p.message.type === type) as (Captured & { message: M }) | undefined;
}

/** A private EC key from the scalar the capture hook logged and the public point it went out with. */
function ecPrivateKey(scalarHex: string, publicKey: KeyObject): KeyObject {
  const jwk = publicKey.export({ format: 'jwk' });
  const size = Buffer.from(jwk.x as string, 'base64url').length;
  const d = Buffer.from(scalarHex.padStart(2 * size, '0'), 'hex').toString('base64url');
  return createPrivateKey({ key: { ...jwk, d }, format: 'jwk' });
}

/** The ANNOUNCE signature of ECDH sessions covers the whole packet with the signature zeroed. */
function announceSignatureValid(hash: Parameters<typeof verifyMessage>[0], key: KeyObject, packet: Buffer, sig: Uint8Array): boolean {
  const at = packet.lastIndexOf(Buffer.from(sig));
  const zeroed = Buffer.from(packet);
  zeroed.fill(0, at, at + sig.length);
  return at > HEADER_LEN && verifyMessage(hash, key, zeroed, sig);
}

function premasterOf(fixture: Fixture, encInfo: EncInfoExt, register: Register, serverKey: KeyObject, hash: string): Buffer {
  if (encInfo.keyexType === KeyExchangeType.RSA) return decryptPremaster(serverKey, register.keyInfo);
  must(fixture.ephemeralEcdhScalars !== undefined, 'fixture keeps the ephemeral ECDH scalars');
  must(encInfo.dhKey !== null, 'ANNOUNCE carries the server ECDH key');
  const serverDhPublic = importKeyBlob(encodeKeyBlob(encInfo.dhKey)).key;
  const clientDhPublic = importKeyBlob(register.keyInfo).key;
  const asServer = ecdhPremaster(ecPrivateKey(fixture.ephemeralEcdhScalars.server, serverDhPublic), clientDhPublic);
  const asClient = ecdhPremaster(ecPrivateKey(fixture.ephemeralEcdhScalars.client, clientDhPublic), serverDhPublic);
  must(asServer.equals(asClient), `both ECDH sides agree (${hash})`);
  return asServer;
}

function replaySession(name: string): { blocks: number; encrypted: number } {
  const { fixture, packets } = load(name);
  const announce = first<Announce>(packets, MessageType.ANNOUNCE);
  const register = first<Register>(packets, MessageType.REGISTER);
  const clientKeyMsg = first<ClientKey>(packets, MessageType.CLIENT_KEY);
  const keyinfo = first<KeyInfo>(packets, MessageType.KEYINFO);
  must(announce !== undefined && register !== undefined && keyinfo !== undefined, 'ANNOUNCE, REGISTER, KEYINFO captured');
  const encInfo = announce.message.extensions.find((e): e is EncInfoExt => e.kind === 'encInfo');
  must(encInfo !== undefined, 'ANNOUNCE has EXT_ENC_INFO');
  const algorithms = sessionAlgorithms(encInfo.keyType, encInfo.hashType);
  must(algorithms.ok, 'key and hash types are known');
  const { cipher, hash } = algorithms.value;

  const serverKey = readKeyFile(join(FIXTURES, 'keys', fixture.serverKey)).key;
  const clientKey = readKeyFile(join(FIXTURES, 'keys', fixture.clientKey)).key;
  const serverPublic = createPublicKey(serverKey);
  const clientPublic = createPublicKey(clientKey);
  must(encodeKeyBlob(encInfo.publicKey).equals(keyBlob(serverPublic)), 'ANNOUNCE key blob is the server key file');
  if (encInfo.keyexType !== KeyExchangeType.RSA) {
    must(announceSignatureValid(hash, serverPublic, announce.bytes, encInfo.signature), 'ANNOUNCE signature verifies');
  }

  const serverRandom = encInfo.random;
  const clientRandom = register.message.random;
  const premaster = premasterOf(fixture, encInfo, register.message, serverKey, hash);
  const privateAddress = parseIp(announce.message.privateAddr);
  must(privateAddress !== null, 'private address parses');
  const values: HandshakeValues = {
    groupId: announce.header.groupId, privateAddress, serverRandom, clientRandom, premaster,
  };
  if (clientKeyMsg !== undefined) {
    must(encodeKeyBlob(clientKeyMsg.message.publicKey).equals(keyBlob(clientPublic)), 'CLIENT_KEY blob is the client key file');
    must(verifyClientKey(hash, clientPublic, values, clientKeyMsg.message.verifySignature), 'CLIENT_KEY signature verifies');
  }

  const clientKeys = clientSessionKeys(hash, cipher, premaster, serverRandom, clientRandom);
  const entry = keyinfo.message.keys.find((k) => k.clientId === register.header.srcId);
  must(entry !== undefined, 'KEYINFO has an entry for the client');
  const serverId = keyinfo.header.srcId;
  let groupMaster: Buffer;
  try {
    groupMaster = decryptGroupMaster(clientKeys, entry.groupMaster, keyinfo.message.ivCounter, serverId, keyinfo.header.version);
  } catch (err) {
    throw new Error(`step failed: KEYINFO group master decrypts (${(err as Error).message})`);
  }
  must(
    encryptGroupMaster(clientKeys, groupMaster, keyinfo.message.ivCounter, serverId).equals(Buffer.from(entry.groupMaster)),
    'KEYINFO group master re-encrypts to the captured bytes',
  );
  const group = groupKeys(hash, cipher, groupMaster, serverRandom);
  if (clientKeyMsg !== undefined) values.clientKeyBlob = keyBlob(clientPublic);
  values.groupMaster = groupMaster;

  const sent = readFileSync(join(FIXTURES, 'sessions', fixture.sentFile));
  const received = Buffer.alloc(sent.length);
  const seen = new Set<MessageType>();
  const window = new ReplayWindow();
  const inPlaceWindow = new ReplayWindow();
  let blocks = 0;
  let encrypted = 0;
  const blockSize = announce.message.blockSize;
  for (const p of packets.filter((q) => q.message.type === MessageType.ENCRYPTED)) {
    const sender = p.dir === 'server' ? serverPublic : clientPublic;
    const opened = unwrap(p.bytes, group, window, encInfo.sigType, sender);
    must(opened.ok, `${p.dir} ENCRYPTED packet ${encrypted} unwraps: ${opened.ok ? '' : opened.error.message}`);
    // The in-place variant gives the same message, decrypted over the payload of a copy, the rest untouched.
    const copy = Buffer.from(p.bytes);
    const start = HEADER_LEN + 12 + p.bytes.readUInt16BE(HEADER_LEN + 8);
    const inPlace = unwrapInPlace(copy, group, inPlaceWindow, encInfo.sigType, sender);
    must(inPlace.ok && inPlace.value.equals(opened.value), `${p.dir} packet ${encrypted} opens in place to the same message`);
    must(inPlace.value.byteOffset === copy.byteOffset + start, `${p.dir} packet ${encrypted} opens where its payload was`);
    must(copy.subarray(0, start).equals(p.bytes.subarray(0, start)), `${p.dir} packet ${encrypted} keeps its headers and signature`);
    must(!unwrapInPlace(Buffer.from(p.bytes), group, inPlaceWindow, encInfo.sigType, sender).ok, `${p.dir} packet ${encrypted} replayed in place is refused`);
    encrypted++;
    const counter = p.bytes.readBigUInt64BE(HEADER_LEN);
    // ECDSA signatures are randomised; everything else UFTP sends is a function of its inputs.
    const deterministic = !(encInfo.sigType === SigType.KEYEX && serverPublic.asymmetricKeyType === 'ec');
    if (deterministic) {
      const again = wrap(p.header, opened.value, group, counter, encInfo.sigType, p.dir === 'server' ? serverKey : clientKey);
      must(again.equals(p.bytes), `${p.dir} packet ${encrypted} re-wraps byte for byte`);
    }
    const inner = decodeMessage(opened.value);
    must(inner.ok, `decrypted ${p.dir} message ${opened.value[0]} decodes`);
    seen.add(inner.value.type);
    if (inner.value.type === MessageType.KEYINFO_ACK) {
      const ack = inner.value as KeyInfoAck;
      must(Buffer.from(ack.verifyData).equals(keyinfoAckVerifyData(hash, values)), 'KEYINFO_ACK verify data matches');
    } else if (inner.value.type === MessageType.FILEINFO) {
      const info = inner.value as FileInfo;
      must(info.name.toString('utf8') === fixture.sentFile && info.size === sent.length, 'FILEINFO names the sent file');
    } else if (inner.value.type === MessageType.FILESEG) {
      const seg = inner.value;
      must(seg.blockNum * blockSize + seg.data.length <= sent.length, 'FILESEG block lies inside the file');
      received.set(seg.data, seg.blockNum * blockSize);
      blocks++;
    }
  }
  // A flipped bit in a real packet must not open.
  const tampered = Buffer.from(packets.filter((q) => q.message.type === MessageType.ENCRYPTED)[0].bytes);
  tampered[tampered.length - 3] ^= 0x10;
  must(!unwrap(tampered, group, new ReplayWindow(), encInfo.sigType, serverPublic).ok, 'a tampered real packet is rejected');
  must(!unwrapInPlace(tampered, group, new ReplayWindow(), encInfo.sigType, serverPublic).ok, 'a tampered real packet is rejected in place');

  for (const type of [MessageType.KEYINFO_ACK, MessageType.FILEINFO, MessageType.FILESEG, MessageType.DONE]) {
    must(seen.has(type), `an encrypted ${MessageType[type]} was opened`);
  }
  must(blocks === Math.ceil(sent.length / blockSize), `every FILESEG block came through (${blocks})`);
  must(received.equals(sent), 'decrypted FILESEG data equals the sent file');
  return { blocks, encrypted };
}

describe('sessions of the real UFTP 4.10.2 programs', () => {
  for (const name of SESSIONS) {
    it(`${name}: keys derive, every ENCRYPTED packet opens, the file comes back`, () => {
      const { blocks, encrypted } = replaySession(name);
      expect(blocks).toBeGreaterThan(1);
      expect(encrypted).toBeGreaterThanOrEqual(blocks + 4);
    });
  }
});
