// lib/crypto/key-pair.ts: fresh key pairs that JWK export cannot deadlock (see the module's comment). A child
// node with the smallest young generation makes keys and exports them to JWK many times over, so that
// collections run inside the exports; with keys straight from generateKeyPairSync it hangs within a few
// hundred to a few thousand rounds here (not on every run: the collections must land inside an export).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generateKeyPair } from '../../lib/crypto/key-pair';
import { keyBlob } from '../../lib/crypto';

const REGISTER = join(__dirname, '..', 'lab', 'helpers', 'ts-register.js');
const KEY_PAIR = join(__dirname, '..', '..', 'lib', 'crypto', 'key-pair.ts');

describe('generateKeyPair', () => {
  test('RSA and EC pairs that sign, blob and export like any key', () => {
    for (const spec of [{ type: 'rsa', bits: 512 }, { type: 'ec', curve: 'prime256v1' }] as const) {
      const { privateKey, publicKey } = generateKeyPair(spec);
      expect(privateKey.type).toBe('private');
      expect(publicKey.type).toBe('public');
      expect(privateKey.asymmetricKeyType).toBe(spec.type);
      expect(keyBlob(publicKey)).toEqual(keyBlob(privateKey));
      expect(publicKey.export({ format: 'jwk' })).toMatchObject(spec.type === 'rsa' ? { kty: 'RSA', e: 'AQAB' } : { kty: 'EC', crv: 'P-256' });
    }
    expect(generateKeyPair({ type: 'rsa', bits: 512 }).privateKey.asymmetricKeyDetails?.modulusLength).toBe(512);
  });

  test('JWK exports of fresh keys, with collections running inside them, do not hang', () => {
    const script = `require(${JSON.stringify(REGISTER)});
      const { generateKeyPair } = require(${JSON.stringify(KEY_PAIR)});
      let junk = [];
      for (let i = 0; i < 800; i++) {
        const { privateKey, publicKey } = generateKeyPair({ type: 'rsa', bits: 512 });
        for (let j = 0; j < (i * 37) % 1000; j++) junk.push('x' + j);
        if (junk.length > 50000) junk = [];
        privateKey.export({ format: 'jwk' });
        publicKey.export({ format: 'jwk' });
      }
      console.log('done');`;
    const run = spawnSync(process.execPath, ['--max-semi-space-size=1', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect({ signal: run.signal, stdout: run.stdout.trim(), stderr: run.stderr }).toEqual({ signal: null, stdout: 'done', stderr: '' });
  }, 90_000);
});
