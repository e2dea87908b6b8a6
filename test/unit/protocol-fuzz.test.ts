// 240 000 random and mutated datagrams through the decoders: each one either decodes to a message that encodes
// back to the same bytes, or is refused with a ProtocolError. Nothing throws. Seeded, so failures reproduce.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER_LEN, ProtocolError, UFTP_VERSION, decodeMessage, decodePacket, encodeMessage, encodePacket } from '../../lib/protocol';
import { prng } from '../helpers/prng';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed1044);
const ROUNDS = 240_000;


const dir = join(__dirname, '..', 'fixtures', 'packets');
const seeds: Buffer[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { hex: string }[]).map((p) => Buffer.from(p.hex, 'hex')));

const rnd = prng(SEED);
const int = (n: number) => Math.floor(rnd() * n);

/** One mutation of a copy of a real packet, or a random datagram. */
function mutant(): Buffer {
  const kind = int(8);
  if (kind === 0) {
    const b = Buffer.alloc(int(120));
    for (let i = 0; i < b.length; i++) b[i] = int(256);
    if (b.length > 1 && int(4) > 0) b[0] = UFTP_VERSION;
    return b;
  }
  const src = seeds[int(seeds.length)];
  const b = Buffer.from(src.subarray(0, Math.min(src.length, 400)));
  const at = () => int(b.length);
  switch (kind) {
    case 1: // bit flips
      for (let n = 1 + int(8); n > 0; n--) b[at()] ^= 1 << int(8);
      return b;
    case 2: // truncation
      return b.subarray(0, at());
    case 3: // header length, or any byte of the first 40 of the message, pushed to a random value
      b[HEADER_LEN + 1 + (int(2) ? 0 : int(40))] = int(256);
      return b;
    case 4: // a 16-bit length field pushed past the end
      if (b.length > HEADER_LEN + 12) b.writeUInt16BE(0xffff - int(64), HEADER_LEN + 2 + 2 * int(5));
      return b;
    case 5: // random function, in the header and the body alike or not
      b[1] = int(24);
      if (int(2) && b.length > HEADER_LEN) b[HEADER_LEN] = int(2) ? b[1] : int(24);
      return b;
    case 6: { // an extension length byte: every word boundary of the message header is a candidate
      const off = HEADER_LEN + 4 * (1 + int(20)) + 1;
      if (off < b.length) b[off] = int(256);
      if (int(2) && off - 1 < b.length) b[off - 1] = int(10);
      return b;
    }
    default: // a run of random bytes over the header area
      for (let i = HEADER_LEN + int(40), n = int(16); n > 0 && i < b.length; n--, i++) b[i] = int(256);
      return b;
  }
}

test(`${ROUNDS} mutated datagrams: typed message that round-trips, or a ProtocolError (seed ${SEED})`, () => {
  let accepted = 0;
  let refused = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const b = mutant();
    let packet, message;
    try {
      packet = decodePacket(b);
      message = decodeMessage(b.subarray(HEADER_LEN));
    } catch (e) {
      throw new Error(`round ${round} threw on ${b.toString('hex')}: ${String(e)}`);
    }
    for (const result of [packet, message]) {
      if (!result.ok) {
        if (!(result.error instanceof ProtocolError) || result.error.message.length === 0) {
          throw new Error(`round ${round}: refusal without a ProtocolError on ${b.toString('hex')}`);
        }
        refused++;
      }
    }
    if (packet.ok) {
      accepted++;
      const again = encodePacket(packet.value.header, packet.value.message);
      if (!again.equals(b)) throw new Error(`round ${round}: ${b.toString('hex')} re-encodes as ${again.toString('hex')}`);
    }
    if (message.ok && !encodeMessage(message.value).equals(b.subarray(HEADER_LEN))) {
      throw new Error(`round ${round}: message ${b.subarray(HEADER_LEN).toString('hex')} does not re-encode`);
    }
  }
  // Both outcomes must really occur, or the mutations are not reaching the decoders.
  expect(accepted).toBeGreaterThan(ROUNDS / 20);
  expect(refused).toBeGreaterThan(ROUNDS / 5);
});
