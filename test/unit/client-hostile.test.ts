// The client machine never throws on a datagram, and a transfer under fire still completes: random bytes,
// truncated and bit-flipped server packets, forged server IDs, replays, and packets naming blocks, sections
// and files that do not exist.
import { randomBytes } from 'node:crypto';
import { MessageType, UFTP_VERSION, type Message } from '../../lib/protocol';
import { prng } from '../helpers/prng';
import { BLOCK, GROUP, Harness, ServerSim, SERVER } from './client-helpers';

/**
 * Bit flips only where the session is encrypted: a flipped bit in a clear packet that still parses as the
 * server's ABORT or DONE is a forgery no client can tell from the real thing.
 */
function hostile(rand: () => number, templates: Buffer[], flips: boolean): Buffer {
  let pick = Math.floor(rand() * 5);
  if (pick === 2 && !flips) pick = 1;
  if (pick === 0) return randomBytes(Math.floor(rand() * 1500));
  let base = Buffer.from(templates[Math.floor(rand() * templates.length)]);
  if (pick === 1) return base.subarray(0, Math.floor(rand() * base.length));
  if (pick === 2) {
    for (let i = 0; i < 1 + rand() * 8; i++) base[Math.floor(rand() * base.length)] ^= 1 << Math.floor(rand() * 8);
    return base;
  }
  if (pick === 3) {
    base.writeUInt32BE(Math.floor(rand() * 0xffffffff) >>> 0, 4); // forged server ID
    return base;
  }
  // Right session, absurd numbers in a FILESEG: header length, file ID, section, block.
  if (!flips) base = Buffer.from(templates[3 + Math.floor(rand() * 3)]);
  base[0] = UFTP_VERSION;
  base.writeUInt32BE(GROUP, 8);
  if (base.length > 24) {
    base[17] = Math.floor(rand() * 256);
    base.writeUInt16BE(Math.floor(rand() * 0x10000), 18);
    base.writeUInt16BE(Math.floor(rand() * 0x10000), 20);
    base.writeUInt16BE(Math.floor(rand() * 0x10000), 22);
  }
  return base;
}

describe.each([false, true])('client machine under hostile datagrams (encrypted %s)', (encrypted) => {
  test('20 000 hostile datagrams during a transfer: no throw, the file arrives intact', () => {
    const rand = prng(encrypted ? 7 : 11);
    const h = new Harness();
    const s = new ServerSim({ encrypted });
    h.deliver(s.announce());
    if (encrypted) h.deliver(s.keyInfo(s.read(h.sent[0].data)));
    else h.deliver(s.regConf());
    const data = randomBytes(40 * BLOCK + 17);
    h.deliver(s.fileInfo(1, 'target', data.length));
    // Templates first: a real server's packets come in sequence order, so copies of older ones are the
    // hostile ones (a clear packet newer than the real ones would be a forgery nobody can tell).
    const segment = (i: number): Buffer => s.fileSeg(1, 0, i, data.subarray(i * BLOCK, (i + 1) * BLOCK));
    const templates = [s.announce(), s.done(1, 0), s.fileInfo(2, 'x', 5), segment(0), segment(1), segment(2), s.regConf(), s.doneConf()];
    const blocks: Buffer[] = [];
    for (let i = 0; i * BLOCK < data.length; i++) blocks.push(segment(i));
    let sent = 0;
    for (let n = 0; n < 20_000; n++) {
      const d = hostile(rand, templates, encrypted);
      expect(() => h.deliver(d, rand() < 0.5 ? SERVER : { address: '198.18.0.66', port: 1044 })).not.toThrow();
      if (n % 400 === 0 && sent < blocks.length) h.deliver(blocks[sent++]);
    }
    while (sent < blocks.length) h.deliver(blocks[sent++]);
    h.deliver(s.done(1, 0));
    h.advance(100);
    const completes = h.messages(s, MessageType.COMPLETE) as Array<Extract<Message, { type: MessageType.COMPLETE }>>;
    expect(completes.some((c) => c.fileId === 1 && c.status === 0)).toBe(true);
    expect(h.file('/recv/target')).toEqual(data);
    expect([...h.files.keys()]).toEqual(['/recv/target']);
  });
});
