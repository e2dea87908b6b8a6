// PRF and key schedule. UFTP 4.10.2's P_hash is not RFC 5246's: after A(1) each output block
// becomes the next A (found against the real programs; test/unit/crypto-real-sessions.test.ts
// holds the proof on captured sessions). Here: a published TLS 1.2 vector agrees in its first
// block only, and the implementation agrees with a second reading of that variant.
import { createHmac } from 'crypto';
import { clientSessionKeys, groupKeys, masterSecret, prf } from '../../lib/crypto';

type H = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

function hmac(hash: H, key: Buffer, ...data: Buffer[]): Buffer {
  const h = createHmac(hash, key);
  for (const d of data) h.update(d);
  return h.digest();
}

// UFTP's P_hash: out(1) = HMAC(secret, HMAC(secret, seed) + seed), out(i) = HMAC(secret, out(i-1) + seed).
function referencePHash(hash: H, secret: Buffer, seed: Buffer, n: number): Buffer {
  const out: Buffer[] = [hmac(hash, secret, hmac(hash, secret, seed), seed)];
  while (Buffer.concat(out).length < n) out.push(hmac(hash, secret, out[out.length - 1], seed));
  return Buffer.concat(out).subarray(0, n);
}

function referencePrf(hash: H, secret: Buffer, label: string, seed: Buffer, n: number): Buffer {
  const ls = Buffer.concat([Buffer.from(label), seed]);
  if (hash !== 'sha1') return referencePHash(hash, secret, ls, n);
  const l = Math.ceil(secret.length / 2);
  const s1 = secret.subarray(0, l);
  const s2 = secret.subarray(secret.length - l);
  const md5 = referencePHash('md5', s1, ls, n);
  const sha = referencePHash('sha1', s2, ls, n);
  return Buffer.from(md5.map((b, i) => b ^ sha[i]));
}

describe('prf', () => {
  it('agrees with the published TLS 1.2 SHA-256 PRF vector in the first block only', () => {
    const secret = Buffer.from('9bbe436ba940f017b17652849a71db35', 'hex');
    const seed = Buffer.from('a0ba9f936cda311827a6f796ffd5198c', 'hex');
    const tls =
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af' +
      '0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66';
    const out = prf('sha256', secret, 'test label', seed, 100).toString('hex');
    expect(out.slice(0, 64)).toBe(tls.slice(0, 64));
    expect(out.slice(64, 128)).not.toBe(tls.slice(64, 128));
  });

  const secrets = [Buffer.alloc(0), Buffer.from([7]), Buffer.alloc(47, 3), Buffer.alloc(48, 9), Buffer.alloc(20, 0xa5)];
  for (const hash of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
    it(`${hash}: agrees with the reference for odd/even secrets and lengths 1..200`, () => {
      for (const secret of secrets) {
        for (const n of [1, 12, 20, 48, 63, 64, 65, 104, 200]) {
          const seed = Buffer.from(`seed-${n}-${secret.length}`);
          expect(prf(hash, secret, 'key expansion', seed, n).toString('hex')).toBe(
            referencePrf(hash, secret, 'key expansion', seed, n).toString('hex'),
          );
        }
      }
    });
  }

  it('sha1 sessions use the MD5/SHA-1 combination, not P_SHA1 alone', () => {
    const secret = Buffer.alloc(48, 1);
    const seed = Buffer.alloc(64, 2);
    expect(prf('sha1', secret, 'master secret', seed, 48)).not.toEqual(
      referencePHash('sha1', secret, Buffer.concat([Buffer.from('master secret'), seed]), 48),
    );
  });
});

describe('key schedule', () => {
  const sr = Buffer.alloc(32, 0x11);
  const cr = Buffer.alloc(32, 0x22);
  const pre = Buffer.alloc(48, 0x33);

  it('master secret = PRF(premaster, "master secret", server random + client random)[0..47]', () => {
    expect(masterSecret('sha256', pre, sr, cr)).toEqual(referencePrf('sha256', pre, 'master secret', Buffer.concat([sr, cr]), 48));
  });

  it('client key block splits into HMAC key | key | salt', () => {
    const keys = clientSessionKeys('sha384', 'aes-256-gcm', pre, sr, cr);
    const master = referencePrf('sha384', pre, 'master secret', Buffer.concat([sr, cr]), 48);
    const block = referencePrf('sha384', master, 'key expansion', Buffer.concat([sr, cr]), 48 + 32 + 4);
    expect(keys.hmacKey).toEqual(block.subarray(0, 48));
    expect(keys.key).toEqual(block.subarray(48, 80));
    expect(keys.salt).toEqual(block.subarray(80, 84));
  });

  it('group keys come from the group master and the server random only', () => {
    const gm = Buffer.alloc(48, 0x44);
    const keys = groupKeys('sha1', 'des-ede3-cbc', gm, sr);
    const block = referencePrf('sha1', gm, 'key expansion', sr, 20 + 24 + 4);
    expect(Buffer.concat([keys.hmacKey, keys.key, keys.salt])).toEqual(block);
  });
});
