// Unwrap timed like `openssl speed`: a small set of packets reused, so packets, keys and cipher state all
// run from cache. openssl speed encrypts one hot buffer over and over; unwrapInPlace can only open a
// packet once, so the set is restored (copied back from masters, replay window renewed) between timed
// batches, off the clock. Each batch is timed in process CPU time, as openssl counts CPU time; the
// timer's own cost (one getrusage per batch) stays in, against us.
import { randomBytes } from 'node:crypto';
import { groupKeys, ReplayWindow } from '../../lib/crypto';
import type { SymmetricKeys } from '../../lib/crypto/key-schedule';
import { SigType } from '../../lib/protocol/constants';
import { openFailure, openInPlace, unwrap, unwrapInPlace, wrap } from '../../lib/protocol/encrypted';
import { benchHeader } from './codec-fileseg';
import { CryptoCase, innerFileSeg } from './codec-crypto';
import { Timing } from './codec-timing';

/** Packets per batch: 128 x 1352 B (plus as many masters) stay well inside the 1 MB L2 of one core. */
export const HOT_PACKETS = 128;

/** Opens one packet, answering the inner message's length; throws if it does not open. */
type OpenOne = (packet: Buffer, keys: SymmetricKeys, window: ReplayWindow, sigType: SigType) => number;

function viaDecoded(name: string, open: typeof unwrap): OpenOne {
  return (packet, keys, window, sigType) => {
    const r = open(packet, keys, window, sigType);
    if (!r.ok) throw new Error(`${name} failed: ${r.error.toString()}`);
    return r.value.length;
  };
}

function viaLength(packet: Buffer, keys: SymmetricKeys, window: ReplayWindow, sigType: SigType): number {
  const n = openInPlace(packet, keys, window, sigType);
  if (n < 0) throw new Error(`openInPlace failed: ${openFailure().toString()}`);
  return n;
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** Times `open` over `n` packets, in batches over the same HOT_PACKETS buffers. */
function hotTiming(name: string, c: CryptoCase, n: number, open: OpenOne, restore: boolean, cipherBytes: number): Timing {
  const keys = groupKeys(c.hash, c.cipher, randomBytes(48), randomBytes(32));
  const masters = Array.from({ length: HOT_PACKETS }, (_v, i) => wrap(benchHeader, innerFileSeg, keys, BigInt(i + 1), c.sigType));
  const work = masters.map((m) => (restore ? Buffer.from(m) : m));
  let sink = 0;
  let spent = 0;
  const batches = Math.ceil(n / HOT_PACKETS);
  const warm = Math.min(batches, 200);
  for (let b = 0; b < warm + batches; b++) {
    if (restore) for (let j = 0; j < HOT_PACKETS; j++) work[j].set(masters[j]);
    const window = new ReplayWindow();
    const start = cpuNs();
    for (let j = 0; j < HOT_PACKETS; j++) sink += open(work[j], keys, window, c.sigType);
    if (b >= warm) spent += cpuNs() - start;
  }
  if (Number.isNaN(sink)) throw new Error(`${name}: result is not a number`);
  const nsPerOp = spent / (batches * HOT_PACKETS);
  const opsPerSec = 1e9 / nsPerOp;
  return { name, nsPerOp, opsPerSec, mbPerSec: (opsPerSec * cipherBytes) / 1e6 };
}

export interface HotTimings {
  /** openInPlace: the length only, nothing allocated per packet. */
  lean: Timing;
  /** unwrapInPlace: a Decoded<Buffer>, so one view of the packet made per packet. */
  inPlace: Timing;
  copying: Timing;
}

export function hotUnwrapTimings(c: CryptoCase, n: number, cipherBytes: number): HotTimings {
  return {
    lean: hotTiming(`openInPlace ${c.label} (${HOT_PACKETS} hot packets)`, c, n, viaLength, true, cipherBytes),
    inPlace: hotTiming(`unwrapInPlace ${c.label} (${HOT_PACKETS} hot packets)`, c, n, viaDecoded('unwrapInPlace', unwrapInPlace), true, cipherBytes),
    copying: hotTiming(`unwrap ${c.label} (${HOT_PACKETS} hot packets)`, c, n, viaDecoded('unwrap', unwrap), false, cipherBytes),
  };
}
