// ABORT, heartbeats, proxy keys and congestion control: ABORT, HB_REQ, HB_RESP, KEY_REQ, PROXY_KEY,
// CONG_CTRL, CC_ACK (protocol.txt 5.2.16-5.2.22).
import { MessageType } from './constants';
import { copy, put16, put32, u16, u32 } from './bytes';
import { fail, ok } from './errors';
import { Extension } from './extensions';
import { Codec, encodedHeaderLength, extensionsAfter, headerLength, noBody, writeFrame } from './frame';
import { KeyBlob, decodeOptionalBlob, optionalBlobLength, writeKeyBlob } from './keyblob';

export const ABORT_CURRENT_FILE = 0x01;
export const ABORT_MESSAGE_LEN = 300;

export interface Abort {
  type: MessageType.ABORT;
  /** CURRENT_FILE 0x01. */
  flags: number;
  reserved: number;
  /** Client ID to abort (from a server), or 0 for all / from a client. */
  host: number;
  /** The 300-byte text field as sent (NUL-terminated text; see abortText). Shorter ones are NUL-padded. */
  message: Uint8Array;
  extensions: readonly Extension[];
}

export interface HbReq {
  type: MessageType.HB_REQ;
  reserved: number;
  nonce: number;
  publicKey: KeyBlob | null;
  signedNonce: Uint8Array;
  extensions: readonly Extension[];
}

export interface HbResp {
  type: MessageType.HB_RESP;
  /** HeartbeatAuth. */
  authenticated: number;
  reserved: number;
  nonce: number;
  extensions: readonly Extension[];
}

export interface KeyReq {
  type: MessageType.KEY_REQ;
  reserved: number;
  extensions: readonly Extension[];
}

export interface ProxyKey {
  type: MessageType.PROXY_KEY;
  nonce: number;
  publicKey: KeyBlob | null;
  dhKey: KeyBlob | null;
  signedNonce: Uint8Array;
  extensions: readonly Extension[];
}

export interface CcItem {
  clientId: number;
  /** CC_CLR 0x01, CC_RTT 0x02, CC_START 0x04, CC_LEAVE 0x08. */
  flags: number;
  /** Quantized RTT (as GRTT, see quantize.ts). */
  rtt: number;
  reserved: number;
}

export interface CongCtrl {
  type: MessageType.CONG_CTRL;
  reserved: number;
  ccSeq: number;
  ccRate: number;
  tsSec: number;
  tsUsec: number;
  extensions: readonly Extension[];
  items: CcItem[];
}

export interface CcAck {
  type: MessageType.CC_ACK;
  reserved: number;
  extensions: readonly Extension[];
}

/** The ABORT text: bytes up to the first NUL, as UTF-8. */
export function abortText(m: Abort): string {
  const nul = m.message.indexOf(0);
  return Buffer.from(m.message.subarray(0, nul < 0 ? m.message.length : nul)).toString('utf8');
}

const ABORT_FIXED = 8 + ABORT_MESSAGE_LEN;

export const abortCodec: Codec<Abort> = {
  decode(b) {
    const hlen = headerLength(b, ABORT_FIXED, 'ABORT');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, ABORT_FIXED, hlen.value, 'ABORT');
    if (!ext.ok) return ext;
    const end = noBody(b, hlen.value, 'ABORT');
    if (!end.ok) return end;
    return ok({
      type: MessageType.ABORT, flags: b[2], reserved: b[3], host: u32(b, 4), message: copy(b, 8, ABORT_FIXED),
      extensions: ext.value,
    });
  },
  length(m) {
    return encodedHeaderLength(ABORT_FIXED, m.extensions);
  },
  write(m, out, off) {
    out[off + 2] = m.flags;
    out[off + 3] = m.reserved;
    put32(out, off + 4, m.host);
    out.set(m.message.subarray(0, ABORT_MESSAGE_LEN), off + 8);
    writeFrame(MessageType.ABORT, ABORT_FIXED, m.extensions, out, off);
  },
};

export const hbReqCodec: Codec<HbReq> = {
  decode(b) {
    const hlen = headerLength(b, 12, 'HB_REQ');
    if (!hlen.ok) return hlen;
    const keyEnd = 12 + u16(b, 4);
    const sigEnd = keyEnd + u16(b, 6);
    if (sigEnd > hlen.value) return fail('length', `HB_REQ key and signature end at ${sigEnd}, past the header length ${hlen.value}`);
    const key = decodeOptionalBlob(b, 12, keyEnd, 'HB_REQ');
    if (!key.ok) return key;
    const ext = extensionsAfter(b, sigEnd, hlen.value, 'HB_REQ');
    if (!ext.ok) return ext;
    const end = noBody(b, hlen.value, 'HB_REQ');
    if (!end.ok) return end;
    return ok({
      type: MessageType.HB_REQ, reserved: u16(b, 2), nonce: u32(b, 8), publicKey: key.value,
      signedNonce: copy(b, keyEnd, sigEnd), extensions: ext.value,
    });
  },
  length(m) {
    return encodedHeaderLength(12 + optionalBlobLength(m.publicKey) + m.signedNonce.length, m.extensions);
  },
  write(m, out, off) {
    const keyLen = optionalBlobLength(m.publicKey);
    put16(out, off + 2, m.reserved);
    put16(out, off + 4, keyLen);
    put16(out, off + 6, m.signedNonce.length);
    put32(out, off + 8, m.nonce);
    if (m.publicKey) writeKeyBlob(m.publicKey, out, off + 12);
    out.set(m.signedNonce, off + 12 + keyLen);
    writeFrame(MessageType.HB_REQ, 12 + keyLen + m.signedNonce.length, m.extensions, out, off);
  },
};

export const hbRespCodec: Codec<HbResp> = {
  decode(b) {
    const hlen = headerLength(b, 8, 'HB_RESP');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, 8, hlen.value, 'HB_RESP');
    if (!ext.ok) return ext;
    const end = noBody(b, hlen.value, 'HB_RESP');
    if (!end.ok) return end;
    return ok({ type: MessageType.HB_RESP, authenticated: b[2], reserved: b[3], nonce: u32(b, 4), extensions: ext.value });
  },
  length(m) {
    return encodedHeaderLength(8, m.extensions);
  },
  write(m, out, off) {
    out[off + 2] = m.authenticated;
    out[off + 3] = m.reserved;
    put32(out, off + 4, m.nonce);
    writeFrame(MessageType.HB_RESP, 8, m.extensions, out, off);
  },
};

export const keyReqCodec: Codec<KeyReq> = {
  decode(b) {
    const hlen = headerLength(b, 4, 'KEY_REQ');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, 4, hlen.value, 'KEY_REQ');
    if (!ext.ok) return ext;
    const end = noBody(b, hlen.value, 'KEY_REQ');
    if (!end.ok) return end;
    return ok({ type: MessageType.KEY_REQ, reserved: u16(b, 2), extensions: ext.value });
  },
  length(m) {
    return encodedHeaderLength(4, m.extensions);
  },
  write(m, out, off) {
    put16(out, off + 2, m.reserved);
    writeFrame(MessageType.KEY_REQ, 4, m.extensions, out, off);
  },
};

export const proxyKeyCodec: Codec<ProxyKey> = {
  decode(b) {
    const hlen = headerLength(b, 12, 'PROXY_KEY');
    if (!hlen.ok) return hlen;
    const keyEnd = 12 + u16(b, 2);
    const dhEnd = keyEnd + u16(b, 4);
    const sigEnd = dhEnd + u16(b, 6);
    if (sigEnd > hlen.value) return fail('length', `PROXY_KEY keys and signature end at ${sigEnd}, past the header length ${hlen.value}`);
    const key = decodeOptionalBlob(b, 12, keyEnd, 'PROXY_KEY public key');
    if (!key.ok) return key;
    const dh = decodeOptionalBlob(b, keyEnd, dhEnd, 'PROXY_KEY DH key');
    if (!dh.ok) return dh;
    const ext = extensionsAfter(b, sigEnd, hlen.value, 'PROXY_KEY');
    if (!ext.ok) return ext;
    const end = noBody(b, hlen.value, 'PROXY_KEY');
    if (!end.ok) return end;
    return ok({
      type: MessageType.PROXY_KEY, nonce: u32(b, 8), publicKey: key.value, dhKey: dh.value,
      signedNonce: copy(b, dhEnd, sigEnd), extensions: ext.value,
    });
  },
  length(m) {
    const varEnd = 12 + optionalBlobLength(m.publicKey) + optionalBlobLength(m.dhKey) + m.signedNonce.length;
    return encodedHeaderLength(varEnd, m.extensions);
  },
  write(m, out, off) {
    const keyLen = optionalBlobLength(m.publicKey);
    const dhLen = optionalBlobLength(m.dhKey);
    put16(out, off + 2, keyLen);
    put16(out, off + 4, dhLen);
    put16(out, off + 6, m.signedNonce.length);
    put32(out, off + 8, m.nonce);
    if (m.publicKey) writeKeyBlob(m.publicKey, out, off + 12);
    if (m.dhKey) writeKeyBlob(m.dhKey, out, off + 12 + keyLen);
    out.set(m.signedNonce, off + 12 + keyLen + dhLen);
    writeFrame(MessageType.PROXY_KEY, 12 + keyLen + dhLen + m.signedNonce.length, m.extensions, out, off);
  },
};

const CONG_CTRL_FIXED = 16;

export const congCtrlCodec: Codec<CongCtrl> = {
  decode(b) {
    const hlen = headerLength(b, CONG_CTRL_FIXED, 'CONG_CTRL');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, CONG_CTRL_FIXED, hlen.value, 'CONG_CTRL');
    if (!ext.ok) return ext;
    const n = b.length - hlen.value;
    if (n % 8 !== 0) return fail('length', `CONG_CTRL body of ${n} bytes is not a whole number of 8-byte CC items`);
    const items: CcItem[] = [];
    for (let at = hlen.value; at < b.length; at += 8) {
      items.push({ clientId: u32(b, at), flags: b[at + 4], rtt: b[at + 5], reserved: u16(b, at + 6) });
    }
    return ok({
      type: MessageType.CONG_CTRL, reserved: u16(b, 2), ccSeq: u16(b, 4), ccRate: u16(b, 6), tsSec: u32(b, 8),
      tsUsec: u32(b, 12), extensions: ext.value, items,
    });
  },
  length(m) {
    return encodedHeaderLength(CONG_CTRL_FIXED, m.extensions) + 8 * m.items.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.reserved);
    put16(out, off + 4, m.ccSeq);
    put16(out, off + 6, m.ccRate);
    put32(out, off + 8, m.tsSec);
    put32(out, off + 12, m.tsUsec);
    let at = writeFrame(MessageType.CONG_CTRL, CONG_CTRL_FIXED, m.extensions, out, off);
    for (const item of m.items) {
      put32(out, at, item.clientId);
      out[at + 4] = item.flags;
      out[at + 5] = item.rtt;
      put16(out, at + 6, item.reserved);
      at += 8;
    }
  },
};

export const ccAckCodec: Codec<CcAck> = {
  decode(b) {
    const hlen = headerLength(b, 4, 'CC_ACK');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, 4, hlen.value, 'CC_ACK');
    if (!ext.ok) return ext;
    const end = noBody(b, hlen.value, 'CC_ACK');
    if (!end.ok) return end;
    return ok({ type: MessageType.CC_ACK, reserved: u16(b, 2), extensions: ext.value });
  },
  length(m) {
    return encodedHeaderLength(4, m.extensions);
  },
  write(m, out, off) {
    put16(out, off + 2, m.reserved);
    writeFrame(MessageType.CC_ACK, 4, m.extensions, out, off);
  },
};

