// Registration and key set-up: REGISTER, CLIENT_KEY, REG_CONF, KEYINFO, KEYINFO_ACK (protocol.txt 5.2.4-5.2.8).
import { MessageType } from './constants';
import { copy, put16, put32, put64, u16, u32, u64 } from './bytes';
import { fail, ok } from './errors';
import { Extension } from './extensions';
import {
  Codec, decodeIds, encodedHeaderLength, extensionsAfter, headerLength, noBody, writeFrame, writeIds,
} from './frame';
import { KeyBlob, decodeKeyBlob, keyBlobLength, writeKeyBlob } from './keyblob';

export interface Register {
  type: MessageType.REGISTER;
  tsSec: number;
  tsUsec: number;
  /** Client random number, 32 bytes (zeros without encryption). */
  random: Uint8Array;
  /** RSA-encrypted premaster secret, or the client's ECDH key blob; empty without encryption. */
  keyInfo: Uint8Array;
  extensions: readonly Extension[];
  /** Clients a proxy registers on their behalf. */
  clientIds: number[];
}

export interface ClientKey {
  type: MessageType.CLIENT_KEY;
  reserved: number;
  publicKey: KeyBlob;
  verifySignature: Uint8Array;
  extensions: readonly Extension[];
}

export interface RegConf {
  type: MessageType.REG_CONF;
  reserved: number;
  extensions: readonly Extension[];
  clientIds: number[];
}

export interface KeyInfoEntry {
  clientId: number;
  /** The group master's last 47 bytes, encrypted: 48 bytes. */
  groupMaster: Uint8Array;
}

export interface KeyInfo {
  type: MessageType.KEYINFO;
  reserved: number;
  ivCounter: bigint;
  extensions: readonly Extension[];
  keys: KeyInfoEntry[];
}

export interface KeyInfoAck {
  type: MessageType.KEYINFO_ACK;
  reserved: number;
  /** 12 bytes. */
  verifyData: Uint8Array;
  extensions: readonly Extension[];
}

const REGISTER_FIXED = 44;

export const registerCodec: Codec<Register> = {
  decode(b) {
    const hlen = headerLength(b, REGISTER_FIXED, 'REGISTER');
    if (!hlen.ok) return hlen;
    const keyEnd = REGISTER_FIXED + u16(b, 2);
    const ext = extensionsAfter(b, keyEnd, hlen.value, 'REGISTER');
    if (!ext.ok) return ext;
    const ids = decodeIds(b, hlen.value, 'REGISTER');
    if (!ids.ok) return ids;
    return ok({
      type: MessageType.REGISTER, tsSec: u32(b, 4), tsUsec: u32(b, 8), random: copy(b, 12, 44),
      keyInfo: copy(b, REGISTER_FIXED, keyEnd), extensions: ext.value, clientIds: ids.value,
    });
  },
  length(m) {
    return encodedHeaderLength(REGISTER_FIXED + m.keyInfo.length, m.extensions) + 4 * m.clientIds.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.keyInfo.length);
    put32(out, off + 4, m.tsSec);
    put32(out, off + 8, m.tsUsec);
    out.set(m.random.subarray(0, 32), off + 12);
    out.set(m.keyInfo, off + REGISTER_FIXED);
    const varEnd = REGISTER_FIXED + m.keyInfo.length;
    writeIds(m.clientIds, out, writeFrame(MessageType.REGISTER, varEnd, m.extensions, out, off));
  },
};

const CLIENT_KEY_FIXED = 8;

export const clientKeyCodec: Codec<ClientKey> = {
  decode(b) {
    const hlen = headerLength(b, CLIENT_KEY_FIXED, 'CLIENT_KEY');
    if (!hlen.ok) return hlen;
    const keyEnd = CLIENT_KEY_FIXED + u16(b, 4);
    const sigEnd = keyEnd + u16(b, 6);
    if (sigEnd > hlen.value) return fail('length', `CLIENT_KEY key and signature end at ${sigEnd}, past the header length ${hlen.value}`);
    const key = decodeKeyBlob(b, CLIENT_KEY_FIXED, keyEnd, 'CLIENT_KEY');
    if (!key.ok) return key;
    const ext = extensionsAfter(b, sigEnd, hlen.value, 'CLIENT_KEY');
    if (!ext.ok) return ext;
    const end = noBody(b, hlen.value, 'CLIENT_KEY');
    if (!end.ok) return end;
    return ok({
      type: MessageType.CLIENT_KEY, reserved: u16(b, 2), publicKey: key.value,
      verifySignature: copy(b, keyEnd, sigEnd), extensions: ext.value,
    });
  },
  length(m) {
    return encodedHeaderLength(CLIENT_KEY_FIXED + keyBlobLength(m.publicKey) + m.verifySignature.length, m.extensions);
  },
  write(m, out, off) {
    const keyLen = keyBlobLength(m.publicKey);
    put16(out, off + 2, m.reserved);
    put16(out, off + 4, keyLen);
    put16(out, off + 6, m.verifySignature.length);
    writeKeyBlob(m.publicKey, out, off + CLIENT_KEY_FIXED);
    out.set(m.verifySignature, off + CLIENT_KEY_FIXED + keyLen);
    writeFrame(MessageType.CLIENT_KEY, CLIENT_KEY_FIXED + keyLen + m.verifySignature.length, m.extensions, out, off);
  },
};

export const regConfCodec: Codec<RegConf> = {
  decode(b) {
    const hlen = headerLength(b, 4, 'REG_CONF');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, 4, hlen.value, 'REG_CONF');
    if (!ext.ok) return ext;
    const ids = decodeIds(b, hlen.value, 'REG_CONF');
    if (!ids.ok) return ids;
    return ok({ type: MessageType.REG_CONF, reserved: u16(b, 2), extensions: ext.value, clientIds: ids.value });
  },
  length(m) {
    return encodedHeaderLength(4, m.extensions) + 4 * m.clientIds.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.reserved);
    writeIds(m.clientIds, out, writeFrame(MessageType.REG_CONF, 4, m.extensions, out, off));
  },
};

const KEYINFO_FIXED = 12;
const KEYINFO_ENTRY = 52;

export const keyInfoCodec: Codec<KeyInfo> = {
  decode(b) {
    const hlen = headerLength(b, KEYINFO_FIXED, 'KEYINFO');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, KEYINFO_FIXED, hlen.value, 'KEYINFO');
    if (!ext.ok) return ext;
    const n = b.length - hlen.value;
    if (n % KEYINFO_ENTRY !== 0) return fail('length', `KEYINFO body of ${n} bytes is not a whole number of 52-byte keys`);
    const keys: KeyInfoEntry[] = [];
    for (let at = hlen.value; at < b.length; at += KEYINFO_ENTRY) {
      keys.push({ clientId: u32(b, at), groupMaster: copy(b, at + 4, at + KEYINFO_ENTRY) });
    }
    return ok({ type: MessageType.KEYINFO, reserved: u16(b, 2), ivCounter: u64(b, 4), extensions: ext.value, keys });
  },
  length(m) {
    return encodedHeaderLength(KEYINFO_FIXED, m.extensions) + KEYINFO_ENTRY * m.keys.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.reserved);
    put64(out, off + 4, m.ivCounter);
    let at = writeFrame(MessageType.KEYINFO, KEYINFO_FIXED, m.extensions, out, off);
    for (const k of m.keys) {
      put32(out, at, k.clientId);
      out.set(k.groupMaster.subarray(0, 48), at + 4);
      at += KEYINFO_ENTRY;
    }
  },
};

const KEYINFO_ACK_FIXED = 16;

export const keyInfoAckCodec: Codec<KeyInfoAck> = {
  decode(b) {
    const hlen = headerLength(b, KEYINFO_ACK_FIXED, 'KEYINFO_ACK');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, KEYINFO_ACK_FIXED, hlen.value, 'KEYINFO_ACK');
    if (!ext.ok) return ext;
    const end = noBody(b, hlen.value, 'KEYINFO_ACK');
    if (!end.ok) return end;
    return ok({ type: MessageType.KEYINFO_ACK, reserved: u16(b, 2), verifyData: copy(b, 4, 16), extensions: ext.value });
  },
  length(m) {
    return encodedHeaderLength(KEYINFO_ACK_FIXED, m.extensions);
  },
  write(m, out, off) {
    put16(out, off + 2, m.reserved);
    out.set(m.verifyData.subarray(0, 12), off + 4);
    writeFrame(MessageType.KEYINFO_ACK, KEYINFO_ACK_FIXED, m.extensions, out, off);
  },
};
