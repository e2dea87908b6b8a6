// node:crypto's sealing, the reference the addon's contexts are held to: ciphertext, then the 16-byte
// tag for GCM/CCM (the additional data authenticated beside it); other modes ignore `aad`.
import { createCipheriv } from 'crypto';

export function nodeSeal(cipher: string, key: Buffer, iv: Buffer, plain: Buffer, aad: Buffer): Buffer {
  if (!/-(gcm|ccm)$/.test(cipher)) {
    const e = createCipheriv(cipher, key, iv);
    return Buffer.concat([e.update(plain), e.final()]);
  }
  const e = createCipheriv(cipher as 'aes-128-ccm', key, iv, { authTagLength: 16 });
  e.setAAD(aad, { plaintextLength: plain.length });
  return Buffer.concat([e.update(plain), e.final(), e.getAuthTag()]);
}
