// The datagrams to send for one received batch (or one timer), gathered for one sendBatch. Its entries
// are reused from batch to batch, so forwarding a steady stream allocates nothing per datagram.
import type { OutgoingDatagram } from '../net';

export class SendList {
  private readonly items: OutgoingDatagram[] = [];
  private readonly pool: OutgoingDatagram[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
  }

  /** What to hand to sendBatch: the array is reused too, valid until the next add(). */
  datagrams(): OutgoingDatagram[] {
    // Never emptied to length 0, which would drop the array's storage: it is cut to size here instead.
    this.items.length = this.count;
    return this.items;
  }

  add(data: Uint8Array, address: string, port: number): void {
    let d = this.pool[this.count];
    if (d === undefined) d = this.pool[this.count] = { data, address, port };
    else {
      d.data = data;
      d.address = address;
      d.port = port;
    }
    this.items[this.count++] = d;
  }
}
