// The key exchange of each client with a client or response proxy: the premaster of its REGISTER (RSA,
// encrypted to this proxy's key, or ECDH against this proxy's ECDH key), and its CLIENT_KEY, checked
// against the -C fingerprint and its signature. A REGISTER whose CLIENT_KEY must be checked first is held.
import { fingerprint, keyBlob } from '../crypto';
import { type ClientKey, type Register } from '../protocol';
import { acceptRegistration, clientKeyValid, type Registration } from '../session/authority';
import { clientFingerprint } from './access';
import { sameFingerprint } from '../session/access';
import { count, type Ctx } from './context';
import { dropped, hexId } from '../session/drop';
import { clientHandshake, type ClientCrypto, type SessionKeys } from './session-keys';
import { keyOfBlob } from '../session/keys';
import type { Session } from './session';
import type { Timestamp } from '../session/timing';

export type Admission = 'admit' | 'hold' | 'refuse';

/** A client must show its key when the server asks for it, or when -C lists a fingerprint for it. */
export function needsClientKey(ctx: Ctx, keys: SessionKeys, id: number): boolean {
  return keys.reg.wantsClientKey || clientFingerprint(ctx.config.clientList, id) !== undefined;
}

export function onRegisterKeys(ctx: Ctx, session: Session, id: number, reg: Register, echoed: Timestamp): Admission {
  const keys = session.keys as SessionKeys;
  let client = keys.clients.get(id);
  if (!client || !Buffer.from(reg.random).equals(Buffer.from(client.random))) {
    let accepted: Registration;
    try {
      accepted = acceptRegistration(keys.reg, { rsaKey: keys.downKey.key, ecdhKey: keys.ecdh?.privateKey }, reg.random, reg.keyInfo);
    } catch (err) {
      dropped(ctx.out, 'crypto', `REGISTER from ${hexId(id)}: key exchange failed: ${(err as Error).message}`, session.ref);
      return 'refuse';
    }
    client = { random: Buffer.from(reg.random), ...accepted, confirmed: false, acked: false } satisfies ClientCrypto;
    keys.clients.set(id, client);
  }
  if (needsClientKey(ctx, keys, id) && !client.publicKey) {
    client.heldRegister = { echoed, arrivalWall: ctx.clock.wall };
    return 'hold';
  }
  return 'admit';
}

/** Answers the REGISTER held for this client once its key checks out. */
export function onClientKey(ctx: Ctx, session: Session, id: number, msg: ClientKey): ClientCrypto['heldRegister'] {
  const keys = session.keys as SessionKeys;
  const client = keys.clients.get(id);
  if (!client) {
    dropped(ctx.out, 'unexpected', `CLIENT_KEY from ${hexId(id)} before its REGISTER`, session.ref);
    return undefined;
  }
  const key = keyOfBlob(msg.publicKey);
  if (!key) {
    dropped(ctx.out, 'crypto', `CLIENT_KEY from ${hexId(id)} holds no usable key`, session.ref);
    return undefined;
  }
  const want = clientFingerprint(ctx.config.clientList, id);
  if (want !== undefined && !sameFingerprint(fingerprint(key), want)) {
    keys.clients.delete(id);
    session.clients.delete(id);
    dropped(ctx.out, 'access', `client ${hexId(id)} key ${fingerprint(key)} does not match the client list`, session.ref, 1);
    count(ctx, 'key_exchange.client.failed');
    return undefined;
  }
  if (!clientKeyValid(keys.reg.hash, key, clientHandshake(keys, client.random, client.premaster), msg.verifySignature)) {
    dropped(ctx.out, 'crypto', `CLIENT_KEY from ${hexId(id)}: signature does not verify`, session.ref);
    count(ctx, 'key_exchange.client.failed');
    return undefined;
  }
  client.publicKey = key;
  client.keyBlob = keyBlob(key);
  const held = client.heldRegister;
  client.heldRegister = undefined;
  return held;
}
