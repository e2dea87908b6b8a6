// Per-message IVs (protocol.txt section 4), all fields in network byte order:
//   128-bit (AES-CBC):    salt | sourceId | counter
//   96-bit (GCM, CCM):    (salt XOR sourceId) | counter
//   64-bit (DES, 3DES):   (salt | sourceId) XOR counter
import { SALT_LEN } from './algorithms';

export function buildIv(salt: Uint8Array, ivLen: number, ivCounter: bigint, sourceId: number): Buffer {
  if (salt.length !== SALT_LEN) throw new RangeError(`salt must be ${SALT_LEN} bytes, not ${salt.length}`);
  const iv = Buffer.alloc(ivLen);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt.asUintN(64, ivCounter));
  switch (ivLen) {
    case 16:
      iv.set(salt, 0);
      iv.writeUInt32BE(sourceId >>> 0, 4);
      iv.set(counter, 8);
      break;
    case 12:
      iv.set(salt, 0);
      iv.writeUInt32BE((iv.readUInt32BE(0) ^ sourceId) >>> 0, 0);
      iv.set(counter, 4);
      break;
    case 8:
      iv.set(salt, 0);
      iv.writeUInt32BE(sourceId >>> 0, 4);
      for (let i = 0; i < 8; i++) iv[i] ^= counter[i];
      break;
    default:
      throw new RangeError(`no UFTP IV is ${ivLen} bytes long`);
  }
  return iv;
}
