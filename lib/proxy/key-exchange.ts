// Encryption as a client or response proxy (protocol.txt 4, flows 5.1.1.2 and 5.1.1.3). Toward the server
// the proxy is one more client: its own random and premaster in its aggregated REGISTER, a CLIENT_KEY when
// asked for, the group master from the KEYINFO entry with its ID, a KEYINFO_ACK. Toward its clients it
// stands in for the server's key: a client proxy puts its own public key (and, with ECDH, its own ECDH key
// and signature) into the ANNOUNCE it multicasts; a response proxy's clients take its keys from PROXY_KEY.
import {
  ReplayWindow, clientSessionKeys, ecCurveOf, ecdhPremaster, encryptPremaster, fingerprint, generateEcdhKey,
  keyBlob, newPremaster, newRandom, signClientKey, signMessage, signatureLength,
} from '../crypto';
import {
  KeyExchangeType, MessageType, NO_EXTENSIONS, SigType, UFTP_VERSION, encodePacket, parseIp,
  type Announce, type EncInfoExt, type UftpHeader,
} from '../protocol';
import { sessionAlgorithms } from '../protocol/encrypted';
import { log, sendOwn, type Ctx } from './context';
import { dropped } from './drop';
import { blobFingerprint, blobOf, keyOfBlob } from './keys';
import type { OwnRegistration } from './responses';
import type { Session } from './session';
import { handshake, type EcdhPair, type SessionKeys } from './session-keys';
import type { ProxyKey } from './types';

export const CLIENT_AUTH = 0x01;

function keyOfType(keys: ProxyKey[], type: 'rsa' | 'ec'): ProxyKey | undefined {
  return keys.find((k) => k.type === type);
}

/** The session's keys, or undefined (logged) when this proxy cannot take part. */
export function setUpSessionKeys(
  ctx: Ctx,
  header: UftpHeader,
  ann: Announce,
  enc: EncInfoExt,
  longLivedEcdh: EcdhPair | undefined,
): SessionKeys | undefined {
  const algs = sessionAlgorithms(enc.keyType, enc.hashType);
  const serverKey = keyOfBlob(enc.publicKey);
  const privateAddress = parseIp(ann.privateAddr);
  const fail = (why: string): undefined => {
    dropped(ctx.out, 'crypto', `cannot join encrypted session: ${why}`, header.groupId, 1);
    return undefined;
  };
  if (!algs.ok) return fail(algs.error.message);
  if (!serverKey || !privateAddress) return fail('ANNOUNCE has no usable server key or private address');
  const { cipher, hash } = algs.value;
  const keyex = enc.keyexType as KeyExchangeType;
  const sigKeyType = keyex === KeyExchangeType.ECDH_ECDSA ? 'ec' : 'rsa';
  const upKey = keyOfType(ctx.config.keys, serverKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa') ?? keyOfType(ctx.config.keys, sigKeyType);
  const downKey = ctx.config.mode === 'response' ? ctx.config.keys[0] : keyOfType(ctx.config.keys, sigKeyType);
  if (!upKey || !downKey) return fail(`no ${sigKeyType.toUpperCase()} key loaded (-k / -K)`);
  const ownRandom = newRandom(ctx.clock.wall);
  let ecdh: EcdhPair | undefined;
  let ownPremaster: Buffer;
  let ownKeyInfo: Buffer;
  try {
    if (keyex === KeyExchangeType.RSA) {
      ownPremaster = newPremaster(UFTP_VERSION);
      ownKeyInfo = encryptPremaster(serverKey, ownPremaster);
    } else {
      const serverDh = keyOfBlob(enc.dhKey);
      if (!serverDh) return fail('ECDH session without a usable ECDH key');
      const mine = generateEcdhKey(ecCurveOf(serverDh));
      ecdh = ctx.config.mode === 'response' ? longLivedEcdh : mine;
      if (!ecdh) return fail('ECDH session, but this response proxy has no ECDH key (-r:curve)');
      ownPremaster = ecdhPremaster(mine.privateKey, serverDh);
      ownKeyInfo = keyBlob(mine.publicKey);
    }
  } catch (err) {
    return fail(`key exchange with the server failed: ${(err as Error).message}`);
  }
  const keys: SessionKeys = {
    cipher, hash, sigType: enc.sigType as SigType, keyexType: keyex,
    wantsClientKey: (enc.flags & CLIENT_AUTH) !== 0 || enc.sigType === SigType.KEYEX,
    groupId: header.groupId, serverId: header.srcId, serverRandom: Buffer.from(enc.random), privateAddress,
    downKey, upKey, ecdh, ownRandom, ownPremaster, ownKeyInfo,
    ownSessionKeys: clientSessionKeys(hash, cipher, ownPremaster, enc.random, ownRandom),
    ivCounter: 0n, replay: new ReplayWindow(), clients: new Map(), keyinfoRounds: 0,
  };
  if (keys.wantsClientKey) {
    keys.ownClientKey = {
      type: MessageType.CLIENT_KEY, reserved: 0, publicKey: blobOf(upKey.key), extensions: NO_EXTENSIONS,
      verifySignature: signClientKey(hash, upKey.key, handshake(keys, ownRandom, ownPremaster)),
    };
  }
  log(ctx, 3, `Joining encrypted session with key ${fingerprint(downKey.key)}`, header.groupId);
  return keys;
}

/** Client proxy: the ANNOUNCE its clients see names this proxy's keys; with ECDH it is signed again. */
export function rewriteAnnounce(keys: SessionKeys, header: UftpHeader, ann: Announce, requireClientKey: boolean): Buffer {
  const extensions = ann.extensions.map((e) => {
    if (e.kind !== 'encInfo') return e;
    const flags = requireClientKey ? e.flags | CLIENT_AUTH : e.flags;
    const dhKey = keys.ecdh ? blobOf(keys.ecdh.publicKey) : e.dhKey;
    const signature = keys.ecdh ? Buffer.alloc(signatureLength(keys.downKey.key)) : e.signature;
    return { ...e, flags, publicKey: blobOf(keys.downKey.key), dhKey, signature };
  });
  const rewritten: Announce = { ...ann, extensions };
  const unsigned = encodePacket(header, rewritten);
  if (!keys.ecdh) return unsigned;
  const signature = signMessage(keys.hash, keys.downKey.key, unsigned);
  const signed = extensions.map((e) => (e.kind === 'encInfo' ? { ...e, signature } : e));
  return encodePacket(header, { ...rewritten, extensions: signed });
}

export function ownRegistration(session: Session): OwnRegistration | undefined {
  const keys = session.keys;
  return keys ? { random: keys.ownRandom, keyInfo: keys.ownKeyInfo } : undefined;
}

/** After the proxy's own REGISTER: its CLIENT_KEY, when the server wants one. */
export function afterOwnRegister(ctx: Ctx, session: Session): void {
  const msg = session.keys?.ownClientKey;
  if (msg) sendOwn(ctx, session, msg, session.upstream);
}

/** -S fingerprints are checked against the server key an encrypted ANNOUNCE carries. */
export function announceKeyFingerprint(ann: Announce): string | undefined {
  const enc = ann.extensions.find((e): e is EncInfoExt => e.kind === 'encInfo');
  return enc ? blobFingerprint(enc.publicKey) : undefined;
}
