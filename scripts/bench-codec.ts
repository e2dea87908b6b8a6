// FILESEG decode cost (target: under 1 us per packet). Prints ns/op; run after `npx tsc`:
//   node dist/scripts/bench-codec.js
import { HEADER_LEN, MessageType, UFTP_VERSION, decodeMessage, decodePacket, encodePacket } from '../lib/protocol';

const header = { version: UFTP_VERSION, func: 0, seq: 1, srcId: 1, groupId: 2, groupInst: 0, grtt: 0x6a, gsize: 0x18, reserved: 0 };
const packets = Array.from({ length: 64 }, (_v, i) =>
  encodePacket(header, {
    type: MessageType.FILESEG, fileId: 1, section: i >> 4, blockNum: i, extensions: [], data: Buffer.alloc(1300, i),
  }),
);
const tfmcc = encodePacket(header, {
  type: MessageType.FILESEG, fileId: 1, section: 0, blockNum: 0,
  extensions: [{ kind: 'tfmccDataInfo', sendRate: 1, ccSeq: 2, ccRate: 3 }], data: Buffer.alloc(1300),
});

function run(name: string, n: number, op: (i: number) => number): void {
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += op(i); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += op(i);
  const ns = Number(process.hrtime.bigint() - start) / n;
  console.log(`${name.padEnd(34)} ${ns.toFixed(1).padStart(7)} ns/op  (${(1e9 / ns / 1e6).toFixed(2)} M/s)  [${sink & 1}]`);
}

const N = 5_000_000;
run('decodePacket FILESEG', N, (i) => {
  const r = decodePacket(packets[i & 63]);
  return r.ok && r.value.message.type === MessageType.FILESEG ? r.value.message.blockNum : -1;
});
run('decodeMessage FILESEG body', N, (i) => {
  const r = decodeMessage(packets[i & 63].subarray(HEADER_LEN));
  return r.ok && r.value.type === MessageType.FILESEG ? r.value.blockNum : -1;
});
run('decodePacket FILESEG + TFMCC ext', N, () => {
  const r = decodePacket(tfmcc);
  return r.ok ? 1 : 0;
});
run('encodePacket FILESEG (1300 B)', N / 5, (i) => encodePacket(header, {
  type: MessageType.FILESEG, fileId: 1, section: 0, blockNum: i & 0xffff, extensions: [], data: packets[i & 63].subarray(24),
}).length);
