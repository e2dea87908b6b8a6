// RSA and ECDSA signatures as UFTP 4 lays them out. RSA: PKCS#1 v1.5 over the message hash
// (OpenSSL's RSA_sign), as long as the modulus. ECDSA: rlen(16) | slen(16) | r | s with r and s
// minimal big-endian, zero-padded to 4 + the padded X | Y length of the key.
import { KeyObject, sign, verify } from 'crypto';
import { HashName } from './algorithms';
import { encodeTlv, encodeUnsignedInteger, readTlv, stripLeadingZeros } from './der';
import { ecPaddedKeyLength, rsaModulusLength } from './key-blob';

/** Bytes of a signature made with `key` (private or public half). */
export function signatureLength(key: KeyObject): number {
  if (key.asymmetricKeyType === 'rsa') return rsaModulusLength(key);
  if (key.asymmetricKeyType === 'ec') return 4 + ecPaddedKeyLength(key);
  throw new TypeError(`${key.asymmetricKeyType ?? 'unknown'} keys cannot sign UFTP messages`);
}

function ecdsaToUftp(der: Buffer, length: number): Buffer {
  const seq = readTlv(der, 0);
  const rTlv = readTlv(der, seq.start);
  const sTlv = readTlv(der, rTlv.end);
  const r = stripLeadingZeros(der.subarray(rTlv.start, rTlv.end));
  const s = stripLeadingZeros(der.subarray(sTlv.start, sTlv.end));
  const out = Buffer.alloc(Math.max(length, 4 + r.length + s.length));
  out.writeUInt16BE(r.length, 0);
  out.writeUInt16BE(s.length, 2);
  r.copy(out, 4);
  s.copy(out, 4 + r.length);
  return out;
}

function uftpToEcdsa(sig: Uint8Array): Buffer | undefined {
  if (sig.length < 4) return undefined;
  const view = Buffer.from(sig.buffer, sig.byteOffset, sig.length);
  const rLen = view.readUInt16BE(0);
  const sLen = view.readUInt16BE(2);
  if (rLen === 0 || sLen === 0 || 4 + rLen + sLen > view.length) return undefined;
  const r = view.subarray(4, 4 + rLen);
  const s = view.subarray(4 + rLen, 4 + rLen + sLen);
  return encodeTlv(0x30, Buffer.concat([encodeUnsignedInteger(r), encodeUnsignedInteger(s)]));
}

/** Signs `data` (hashing it with `hash`) in UFTP's layout for the key's type. */
export function signMessage(hash: HashName, privateKey: KeyObject, data: Uint8Array): Buffer {
  if (privateKey.asymmetricKeyType === 'rsa') return sign(hash, data, privateKey);
  if (privateKey.asymmetricKeyType === 'ec') {
    return ecdsaToUftp(sign(hash, data, privateKey), signatureLength(privateKey));
  }
  throw new TypeError(`${privateKey.asymmetricKeyType ?? 'unknown'} keys cannot sign UFTP messages`);
}

/** True when `sig` is a valid signature of `data`; false for anything else, never throws. */
export function verifyMessage(hash: HashName, publicKey: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    if (publicKey.asymmetricKeyType === 'rsa') return verify(hash, data, publicKey, sig);
    if (publicKey.asymmetricKeyType === 'ec') {
      const der = uftpToEcdsa(sig);
      return der !== undefined && verify(hash, data, publicKey, der);
    }
    return false;
  } catch {
    return false;
  }
}
