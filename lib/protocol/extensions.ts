// Header extensions (protocol.txt 5.2.3.1, 5.2.11.1, 5.2.13.1, 5.2.14.1, 5.3.10). Unknown ones are kept raw
// so that re-encoding gives back the same bytes.
import { ExtensionType } from './constants';
import { allZero, copy, pad4, put16, put32, put64, u16, u32, u64 } from './bytes';
import { Decoded, fail, ok } from './errors';
import { KeyBlob, decodeKeyBlob, decodeOptionalBlob, optionalBlobLength, writeKeyBlob } from './keyblob';

export interface EncInfoExt {
  kind: 'encInfo';
  /** 0x01 CLIENT_AUTH. */
  flags: number;
  keyexType: number;
  sigType: number;
  keyType: number;
  hashType: number;
  /** Server random number, 32 bytes. */
  random: Uint8Array;
  publicKey: KeyBlob;
  /** Server's ephemeral ECDH key; null with RSA key exchange. */
  dhKey: KeyBlob | null;
  /** Signature over the whole packet; empty with RSA key exchange. */
  signature: Uint8Array;
}

export interface TfmccDataInfoExt {
  kind: 'tfmccDataInfo';
  sendRate: number;
  ccSeq: number;
  ccRate: number;
}

export interface TfmccAckInfoExt {
  kind: 'tfmccAckInfo';
  /** CC_CLR 0x01, CC_RTT 0x02, CC_START 0x04, CC_LEAVE 0x08. */
  flags: number;
  reserved: number;
  ccSeq: number;
  ccRate: number;
  clientId: number;
  tsSec: number;
  tsUsec: number;
}

export interface FreespaceInfoExt {
  kind: 'freespaceInfo';
  reserved: number;
  freespace: bigint;
}

/** Any other extension, whole (type and length bytes included). */
export interface RawExt {
  kind: 'raw';
  type: number;
  bytes: Uint8Array;
}

export type Extension = EncInfoExt | TfmccDataInfoExt | TfmccAckInfoExt | FreespaceInfoExt | RawExt;

const ENC_INFO_FIXED = 44;
const FIXED_LEN: Partial<Record<number, number>> = {
  [ExtensionType.TFMCC_DATA_INFO]: 8,
  [ExtensionType.TFMCC_ACK_INFO]: 20,
  [ExtensionType.FREESPACE_INFO]: 12,
};

/** Shared empty list: the common case (no extensions) allocates nothing. */
export const NO_EXTENSIONS: readonly Extension[] = Object.freeze([]) as readonly Extension[];

/** Decodes the extensions filling b[from..to) exactly. */
export function decodeExtensions(b: Uint8Array, from: number, to: number): Decoded<readonly Extension[]> {
  if (from === to) return ok(NO_EXTENSIONS);
  const list: Extension[] = [];
  let off = from;
  while (off < to) {
    if (to - off < 4) return fail('extension', `${to - off} bytes left for a header extension, which needs 4`);
    const type = b[off];
    const len = b[off + 1] * 4;
    if (len === 0) return fail('extension', `extension type ${type} at offset ${off} has length 0`);
    if (off + len > to) {
      return fail('extension', `extension type ${type} of ${len} bytes runs past the header (${to - off} bytes left)`);
    }
    const ext = decodeExtension(b, off, off + len, type);
    if (!ext.ok) return ext;
    list.push(ext.value);
    off += len;
  }
  return ok(list);
}

function decodeExtension(b: Uint8Array, off: number, end: number, type: number): Decoded<Extension> {
  const need = FIXED_LEN[type];
  if (need !== undefined && end - off !== need) {
    return fail('extension', `extension type ${type} is ${end - off} bytes long, not ${need}`);
  }
  switch (type) {
    case ExtensionType.ENC_INFO:
      return decodeEncInfo(b, off, end);
    case ExtensionType.TFMCC_DATA_INFO:
      return ok({ kind: 'tfmccDataInfo', sendRate: u16(b, off + 2), ccSeq: u16(b, off + 4), ccRate: u16(b, off + 6) });
    case ExtensionType.TFMCC_ACK_INFO:
      return ok({
        kind: 'tfmccAckInfo', flags: b[off + 2], reserved: b[off + 3], ccSeq: u16(b, off + 4), ccRate: u16(b, off + 6),
        clientId: u32(b, off + 8), tsSec: u32(b, off + 12), tsUsec: u32(b, off + 16),
      });
    case ExtensionType.FREESPACE_INFO:
      return ok({ kind: 'freespaceInfo', reserved: u16(b, off + 2), freespace: u64(b, off + 4) });
    default:
      return ok({ kind: 'raw', type, bytes: copy(b, off, end) });
  }
}

function decodeEncInfo(b: Uint8Array, off: number, end: number): Decoded<Extension> {
  if (end - off < ENC_INFO_FIXED) return fail('extension', `EXT_ENC_INFO of ${end - off} bytes is shorter than 44`);
  const keyLen = u16(b, off + 6);
  const dhLen = u16(b, off + 8);
  const sigLen = u16(b, off + 10);
  const blobAt = off + ENC_INFO_FIXED;
  const dhAt = blobAt + keyLen;
  const sigAt = dhAt + dhLen;
  const sigEnd = sigAt + sigLen;
  if (pad4(sigEnd - off) !== end - off) {
    return fail('extension', `EXT_ENC_INFO lengths (key ${keyLen}, DH ${dhLen}, signature ${sigLen}) do not fill its ${end - off} bytes`);
  }
  if (!allZero(b, sigEnd, end)) return fail('extension', 'EXT_ENC_INFO padding is not zero');
  const publicKey = decodeKeyBlob(b, blobAt, dhAt, 'EXT_ENC_INFO public key');
  if (!publicKey.ok) return publicKey;
  const dhKey = decodeOptionalBlob(b, dhAt, sigAt, 'EXT_ENC_INFO DH key');
  if (!dhKey.ok) return dhKey;
  return ok({
    kind: 'encInfo', flags: b[off + 2], keyexType: b[off + 3] >> 4, sigType: b[off + 3] & 0x0f,
    keyType: b[off + 4], hashType: b[off + 5], random: copy(b, off + 12, off + 44),
    publicKey: publicKey.value, dhKey: dhKey.value, signature: copy(b, sigAt, sigEnd),
  });
}

export function extensionLength(ext: Extension): number {
  switch (ext.kind) {
    case 'encInfo':
      return pad4(ENC_INFO_FIXED + optionalBlobLength(ext.publicKey) + optionalBlobLength(ext.dhKey) + ext.signature.length);
    case 'tfmccDataInfo':
      return 8;
    case 'tfmccAckInfo':
      return 20;
    case 'freespaceInfo':
      return 12;
    case 'raw':
      return ext.bytes.length;
  }
}

export function extensionsLength(list: readonly Extension[]): number {
  let n = 0;
  for (const ext of list) n += extensionLength(ext);
  return n;
}

/** Writes the extensions at `off` of a zero-filled `out`; returns the offset after them. */
export function writeExtensions(list: readonly Extension[], out: Uint8Array, off: number): number {
  for (const ext of list) {
    const len = extensionLength(ext);
    if (ext.kind === 'raw') {
      out.set(ext.bytes, off);
    } else {
      writeKnownExtension(ext, len, out, off);
    }
    off += len;
  }
  return off;
}

function writeKnownExtension(ext: Exclude<Extension, RawExt>, len: number, out: Uint8Array, off: number): void {
  out[off + 1] = len / 4;
  switch (ext.kind) {
    case 'encInfo': {
      out[off] = ExtensionType.ENC_INFO;
      out[off + 2] = ext.flags;
      out[off + 3] = ((ext.keyexType & 0x0f) << 4) | (ext.sigType & 0x0f);
      out[off + 4] = ext.keyType;
      out[off + 5] = ext.hashType;
      const keyLen = optionalBlobLength(ext.publicKey);
      const dhLen = optionalBlobLength(ext.dhKey);
      put16(out, off + 6, keyLen);
      put16(out, off + 8, dhLen);
      put16(out, off + 10, ext.signature.length);
      out.set(ext.random.subarray(0, 32), off + 12);
      writeKeyBlob(ext.publicKey, out, off + ENC_INFO_FIXED);
      if (ext.dhKey) writeKeyBlob(ext.dhKey, out, off + ENC_INFO_FIXED + keyLen);
      out.set(ext.signature, off + ENC_INFO_FIXED + keyLen + dhLen);
      return;
    }
    case 'tfmccDataInfo':
      out[off] = ExtensionType.TFMCC_DATA_INFO;
      put16(out, off + 2, ext.sendRate);
      put16(out, off + 4, ext.ccSeq);
      put16(out, off + 6, ext.ccRate);
      return;
    case 'tfmccAckInfo':
      out[off] = ExtensionType.TFMCC_ACK_INFO;
      out[off + 2] = ext.flags;
      out[off + 3] = ext.reserved;
      put16(out, off + 4, ext.ccSeq);
      put16(out, off + 6, ext.ccRate);
      put32(out, off + 8, ext.clientId);
      put32(out, off + 12, ext.tsSec);
      put32(out, off + 16, ext.tsUsec);
      return;
    case 'freespaceInfo':
      out[off] = ExtensionType.FREESPACE_INFO;
      put16(out, off + 2, ext.reserved);
      put64(out, off + 4, ext.freespace);
      return;
  }
}
