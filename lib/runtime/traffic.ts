// Datagrams and bytes in and out by UFTP message type (the header's second byte), for the metrics. Plain
// numbers in typed arrays indexed by that byte: a few additions per datagram, nothing allocated; the
// metrics endpoint reads them when scraped. Outer types only: an ENCRYPTED datagram counts as ENCRYPTED.

const TYPES = 256;

export class Traffic {
  readonly datagramsIn = new Float64Array(TYPES);
  readonly bytesIn = new Float64Array(TYPES);
  readonly datagramsOut = new Float64Array(TYPES);
  readonly bytesOut = new Float64Array(TYPES);

  received(data: Uint8Array): void {
    const type = data.length > 1 ? data[1] : 0;
    this.datagramsIn[type]++;
    this.bytesIn[type] += data.length;
  }

  sent(data: Uint8Array): void {
    const type = data.length > 1 ? data[1] : 0;
    this.datagramsOut[type]++;
    this.bytesOut[type] += data.length;
  }

  /** Datagrams received, of every type (summed when asked: STATUS lines, not per datagram). */
  totalIn(): number {
    return sum(this.datagramsIn);
  }

  totalOut(): number {
    return sum(this.datagramsOut);
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}
