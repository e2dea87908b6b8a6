// Per-message IVs (protocol.txt section 4), all fields in network byte order:
//   128-bit (AES-CBC):    salt | sourceId | counter
//   96-bit (GCM, CCM):    (salt XOR sourceId) | counter
//   64-bit (DES, 3DES):   (salt | sourceId) XOR counter
// The 64-bit counter travels as two uint32 halves on the per-packet path, which needs no BigInt.
import { SALT_LEN } from './algorithms';

const TWO_32 = 0x100000000n;

function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = v >>> 16;
  out[at + 2] = v >>> 8;
  out[at + 3] = v;
}

/** Writes the IV into all of `out` (8, 12 or 16 bytes); the counter is counterHi * 2^32 + counterLo. */
export function writeIv(out: Uint8Array, salt: Uint8Array, counterHi: number, counterLo: number, sourceId: number): void {
  if (salt.length !== SALT_LEN) throw new RangeError(`salt must be ${SALT_LEN} bytes, not ${salt.length}`);
  switch (out.length) {
    case 16:
      out.set(salt, 0);
      putU32(out, 4, sourceId);
      putU32(out, 8, counterHi);
      putU32(out, 12, counterLo);
      return;
    case 12:
      putU32(out, 0, sourceId);
      for (let i = 0; i < SALT_LEN; i++) out[i] ^= salt[i];
      putU32(out, 4, counterHi);
      putU32(out, 8, counterLo);
      return;
    case 8:
      out.set(salt, 0);
      putU32(out, 4, sourceId);
      for (let i = 0; i < 4; i++) {
        out[i] ^= counterHi >>> (24 - 8 * i);
        out[i + 4] ^= counterLo >>> (24 - 8 * i);
      }
      return;
    default:
      throw new RangeError(`no UFTP IV is ${out.length} bytes long`);
  }
}

const scratch: Record<number, Buffer> = { 8: Buffer.alloc(8), 12: Buffer.alloc(12), 16: Buffer.alloc(16) };

/**
 * The IV in a buffer shared by every caller: valid only until the next call, for handing straight
 * to a cipher that copies it. Saves the two allocations of buildIv on the per-packet path.
 */
export function scratchIv(salt: Uint8Array, ivLen: number, counterHi: number, counterLo: number, sourceId: number): Buffer {
  const out = scratch[ivLen];
  if (out === undefined) throw new RangeError(`no UFTP IV is ${ivLen} bytes long`);
  writeIv(out, salt, counterHi, counterLo, sourceId);
  return out;
}

/** The IV in a new buffer, the counter taken modulo 2^64. */
export function buildIv(salt: Uint8Array, ivLen: number, ivCounter: bigint, sourceId: number): Buffer {
  const iv = Buffer.alloc(ivLen);
  const counter = BigInt.asUintN(64, ivCounter);
  writeIv(iv, salt, Number(counter / TWO_32), Number(counter % TWO_32), sourceId);
  return iv;
}
