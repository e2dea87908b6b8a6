// Turns one native receive batch into Datagram objects whose data are views
// into the batch's single ArrayBuffer.
import type { CapturedDatagram, Datagram } from './types';

/** uint32 words per datagram in the batch's table (see NativeHandlers.onBatch). */
export const META_WORDS = 7;
/** A capture's rows: the socket's, then toPort and outgoing (1) or incoming (0). */
export const CAPTURE_WORDS = 9;
const NO_ADDRESS = 0xffffffff;

/** Sets d's fields but data from the table row at word m. */
function readRow(d: Datagram, meta: Uint32Array, m: number, addresses: string[]): Datagram {
  d.from = addresses[meta[m + 2]];
  d.fromPort = meta[m + 3];
  d.to = meta[m + 4] === NO_ADDRESS ? '' : addresses[meta[m + 4]];
  d.ifindex = meta[m + 5];
  d.tos = meta[m + 6];
  return d;
}

export function decodeBatch(slab: ArrayBuffer, count: number, addresses: string[]): Datagram[] {
  const meta = new Uint32Array(slab, 0, count * META_WORDS);
  const out = new Array<Datagram>(count);
  for (let i = 0, m = 0; i < count; i++, m += META_WORDS) {
    const data = Buffer.from(slab, meta[m], meta[m + 1]);
    out[i] = readRow({ data, from: '', fromPort: 0, to: '', ifindex: 0, tos: 0 }, meta, m, addresses);
  }
  return out;
}

export function decodeCaptureBatch(slab: ArrayBuffer, count: number, addresses: string[]): CapturedDatagram[] {
  const meta = new Uint32Array(slab, 0, count * CAPTURE_WORDS);
  const out = new Array<CapturedDatagram>(count);
  for (let i = 0, m = 0; i < count; i++, m += CAPTURE_WORDS) {
    const d = { data: Buffer.from(slab, meta[m], meta[m + 1]), from: '', fromPort: 0, to: '', ifindex: 0, tos: 0 };
    out[i] = { ...readRow(d, meta, m, addresses), toPort: meta[m + 7], direction: meta[m + 8] === 1 ? 'out' : 'in' };
  }
  return out;
}

/**
 * Decodes transient batches, which live in the socket's receive area (the same ArrayBuffer each
 * time): the batch array, the Datagram objects and the data views are reused from batch to batch,
 * so a steady stream allocates nothing per datagram.
 */
export class TransientDecoder {
  private area?: ArrayBuffer;
  private meta = new Uint32Array(0);
  private readonly batch: Datagram[] = [];
  private readonly pool: Datagram[] = [];
  private readonly views: Buffer[] = [];

  decode(area: ArrayBuffer, count: number, addresses: string[]): Datagram[] {
    if (area !== this.area || this.meta.length < count * META_WORDS) {
      if (area !== this.area) this.views.length = 0;
      this.area = area;
      this.meta = new Uint32Array(area, 0, count * META_WORDS);
    }
    const { meta, batch, pool, views } = this;
    for (let i = 0, m = 0; i < count; i++, m += META_WORDS) {
      const offset = meta[m];
      const length = meta[m + 1];
      let view = views[i];
      // Same slot, same length (the common case in a steady stream): the view is still right.
      if (view === undefined || view.byteOffset !== offset || view.length !== length) {
        view = views[i] = Buffer.from(area, offset, length);
      }
      let d = pool[i];
      if (d === undefined) d = pool[i] = { data: view, from: '', fromPort: 0, to: '', ifindex: 0, tos: 0 };
      d.data = view;
      batch[i] = readRow(d, meta, m, addresses);
    }
    batch.length = count;
    return batch;
  }
}
