// `npm run bench:codec` (after `npx tsc`): FILESEG decode/encode and ENCRYPTED wrap/unwrap on one core,
// then `openssl speed` on AES-128-GCM as the yardstick for our unwrap. Goals (issue 3): FILESEG decode
// under 1 us; AES-GCM unwrap at least 70% of openssl's MB/s at the same block size.
import { cryptoTimings, CRYPTO_CASES, CryptoTimings, nodeGcmFloor } from './bench/codec-crypto';
import { fileSegTimings } from './bench/codec-fileseg';
import { opensslSpeed } from './bench/codec-openssl';
import { timingLine } from './bench/codec-timing';

/** The block size the issue names for openssl; our GCM unwrap decrypts 1308 bytes per packet. */
const OPENSSL_BYTES = 1328;
const OPENSSL_SECONDS = 3;

function main(): void {
  const n = Number(process.env.BENCH_N ?? 2_000_000);
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${n} ops per codec line`);
  const fileSeg = fileSegTimings(n);
  for (const t of fileSeg) console.log(timingLine(t));
  const decodeNs = fileSeg[0].nsPerOp;
  console.log(`goal FILESEG decode < 1000 ns: ${decodeNs.toFixed(1)} ns -> ${decodeNs < 1000 ? 'met' : 'NOT met'}`);

  const cryptoN = Math.max(10_000, Math.floor(n / 10));
  const results = new Map<string, CryptoTimings>();
  for (const c of CRYPTO_CASES) {
    const r = cryptoTimings(c, cryptoN);
    results.set(c.cipher, r);
    console.log(timingLine(r.wrap));
    console.log(`${timingLine(r.unwrap)}  (${r.packetBytes} B packets, ${r.cipherBytes} B ciphertext)`);
  }

  const floor = nodeGcmFloor(cryptoN);
  console.log(timingLine(floor));
  const gcm = results.get('aes-128-gcm') as CryptoTimings;
  const ssl = opensslSpeed('aes-128-gcm', OPENSSL_BYTES, OPENSSL_SECONDS);
  const ratio = gcm.unwrap.mbPerSec / ssl.mbPerSec;
  console.log(`openssl speed -evp aes-128-gcm -bytes ${ssl.blockBytes} (${ssl.version}): ${ssl.mbPerSec.toFixed(0)} MB/s`);
  console.log(`our AES-128-GCM unwrap: ${gcm.unwrap.mbPerSec.toFixed(0)} MB/s = ${(100 * ratio).toFixed(1)}% of openssl ` +
    `-> goal >= 70% ${ratio >= 0.7 ? 'met' : 'NOT met'}; node:crypto alone reaches ${(100 * floor.mbPerSec / ssl.mbPerSec).toFixed(1)}%`);
}

main();
