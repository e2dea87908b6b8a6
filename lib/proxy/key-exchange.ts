// Encryption as a client or response proxy (protocol.txt 4, flows 5.1.1.2 and 5.1.1.3). Toward the server
// the proxy is one more registrant (lib/session/registrant.ts): its own random and premaster in its aggregated
// REGISTER, a CLIENT_KEY when asked for, the group master from the KEYINFO entry with its ID, a KEYINFO_ACK.
// Toward its clients it stands in for the server's key: a client proxy puts its own public key (and, with
// ECDH, its own ECDH key and signature) into the ANNOUNCE it multicasts; a response proxy's clients take its
// keys from PROXY_KEY.
import { fingerprint, signMessage, signatureLength } from '../crypto';
import { encodePacket, type Announce, type EncInfoExt, type UftpHeader } from '../protocol';
import { log, sendOwn, type Ctx } from './context';
import { dropped } from '../session/drop';
import { blobFingerprint, blobOf } from '../session/keys';
import { CLIENT_AUTH, sessionCrypto, signatureKeyType, startRegistration, type EcdhPair } from '../session/registrant';
import type { OwnRegistration } from './responses';
import type { Session } from './session';
import type { SessionKeys } from './session-keys';
import type { ProxyKey } from './types';

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
  const fail = (why: string): undefined => {
    dropped(ctx.out, 'crypto', `cannot join encrypted session: ${why}`, header, 1);
    return undefined;
  };
  const crypto = sessionCrypto(enc);
  if (!crypto.ok) return fail(crypto.why);
  const sigKeyType = signatureKeyType(crypto.value.keyexType);
  const { keys } = ctx.config;
  const upKey = keyOfType(keys, crypto.value.serverKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa') ?? keyOfType(keys, sigKeyType);
  const downKey = ctx.config.mode === 'response' ? keys[0] : keyOfType(keys, sigKeyType);
  if (!upKey || !downKey) return fail(`no ${sigKeyType.toUpperCase()} key loaded (-k / -K)`);
  const reg = startRegistration(header, ann, enc, crypto.value, { ownKey: upKey }, ctx.clock.wall);
  if (!reg.ok) return fail(reg.why);
  const ecdh = ctx.config.mode === 'response' ? longLivedEcdh : reg.value.ecdh;
  if (reg.value.ecdh && !ecdh) return fail('ECDH session, but this response proxy has no ECDH key (-r:curve)');
  log(ctx, 3, `Joining encrypted session with key ${fingerprint(downKey.key)}`, header);
  return { reg: reg.value, downKey, ecdh, clients: new Map(), keyinfoRounds: 0 };
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
  const signature = signMessage(keys.reg.hash, keys.downKey.key, unsigned);
  const signed = extensions.map((e) => (e.kind === 'encInfo' ? { ...e, signature } : e));
  return encodePacket(header, { ...rewritten, extensions: signed });
}

export function ownRegistration(session: Session): OwnRegistration | undefined {
  const reg = session.keys?.reg;
  return reg ? { random: reg.random, keyInfo: reg.keyInfo } : undefined;
}

/** After the proxy's own REGISTER: its CLIENT_KEY, when the server wants one. */
export function afterOwnRegister(ctx: Ctx, session: Session): void {
  const msg = session.keys?.reg.clientKey;
  if (msg) sendOwn(ctx, session, msg, session.upstream);
}

/** -S fingerprints are checked against the server key an encrypted ANNOUNCE carries. */
export function announceKeyFingerprint(ann: Announce): string | undefined {
  const enc = ann.extensions.find((e): e is EncInfoExt => e.kind === 'encInfo');
  return enc ? blobFingerprint(enc.publicKey) : undefined;
}
