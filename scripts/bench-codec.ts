// `npm run bench:codec` (after `npx tsc`): FILESEG decode/encode and ENCRYPTED wrap/unwrap on one core,
// then `openssl speed` on AES-128-GCM as the yardstick for our unwrap. Goals (issue 3): FILESEG decode
// under 1 us; AES-GCM unwrap at least 70% of openssl's MB/s at the same block size. The goal is judged
// like for like: openssl speed encrypts one hot buffer of the block size, so our figures are the in-place
// opens over a few packets kept in cache, with openssl run at our ciphertext size: openInPlace (what a
// per-packet caller uses: the inner message's length, nothing allocated) and unwrapInPlace (the same
// with a Decoded<Buffer>, one view allocated per packet); the copying unwrap over a 5.5 MB pool of cold
// packets is printed beside them.
import { cryptoTimings, CRYPTO_CASES, CryptoTimings, nodeGcmFloor } from './bench/codec-crypto';
import { fileSegTimings } from './bench/codec-fileseg';
import { hotUnwrapTimings, HOT_PACKETS } from './bench/codec-hot';
import { opensslSpeed } from './bench/codec-openssl';
import { Timing, timingLine } from './bench/codec-timing';

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
  const hot = hotUnwrapTimings(CRYPTO_CASES[0], cryptoN, gcm.cipherBytes);
  console.log(`${timingLine(hot.lean)}  (in place, length only, ${HOT_PACKETS} packets reused from cache)`);
  console.log(`${timingLine(hot.inPlace)}  (in place, Decoded<Buffer>, ${HOT_PACKETS} packets reused from cache)`);
  console.log(`${timingLine(hot.copying)}  (new output buffer, ${HOT_PACKETS} packets reused from cache)`);
  const ssl = opensslSpeed('aes-128-gcm', gcm.cipherBytes, OPENSSL_SECONDS);
  const sslNs = (gcm.cipherBytes * 1000) / ssl.mbPerSec;
  const pct = (mbPerSec: number) => `${(100 * mbPerSec / ssl.mbPerSec).toFixed(1)}%`;
  const verdict = (t: Timing) => `${t.mbPerSec.toFixed(0)} MB/s = ${pct(t.mbPerSec)} of openssl -> goal >= 70% ${t.mbPerSec >= 0.7 * ssl.mbPerSec ? 'met' : 'NOT met'}`;
  console.log(`openssl speed -evp aes-128-gcm -bytes ${ssl.blockBytes} (${ssl.version}, one hot buffer): ` +
    `${ssl.mbPerSec.toFixed(0)} MB/s = ${sslNs.toFixed(1)} ns per block; 70% of it is ${(sslNs / 0.7).toFixed(1)} ns per packet`);
  console.log(`our AES-128-GCM openInPlace, hot: ${verdict(hot.lean)}`);
  console.log(`our AES-128-GCM unwrapInPlace, hot: ${verdict(hot.inPlace)}`);
  console.log(`  beside it: unwrap (copying) hot ${pct(hot.copying.mbPerSec)}, unwrap over the cold pool ${pct(gcm.unwrap.mbPerSec)}, ` +
    `node:crypto alone ${pct(floor.mbPerSec)}`);
}

main();
