// Turns one native receive batch into Datagram objects whose data are views
// into the batch's single ArrayBuffer.
import type { Datagram } from './types';

/** uint32 words per datagram in the batch's table (see NativeHandlers.onBatch). */
export const META_WORDS = 8;
const NO_ADDRESS = 0xffffffff;

export function decodeBatch(slab: ArrayBuffer, count: number, addresses: string[]): Datagram[] {
  const meta = new Uint32Array(slab, 0, count * META_WORDS);
  const out = new Array<Datagram>(count);
  for (let i = 0, m = 0; i < count; i++, m += META_WORDS) {
    out[i] = {
      data: Buffer.from(slab, meta[m], meta[m + 1]),
      from: addresses[meta[m + 2]],
      fromPort: meta[m + 3],
      to: meta[m + 4] === NO_ADDRESS ? '' : addresses[meta[m + 4]],
      ifindex: meta[m + 5],
      tos: meta[m + 6],
    };
  }
  return out;
}
