// FILESEG codec timings: decode (goal: under 1 us per packet), encode, and the two together.
import { Extension, HEADER_LEN, MessageType, UFTP_VERSION, UftpHeader, decodeMessage, decodePacket, encodePacket } from '../../lib/protocol';
import { time, Timing } from './codec-timing';

export const BLOCK = 1300;
const POOL = 64;

export const benchHeader: UftpHeader = {
  version: UFTP_VERSION, func: MessageType.FILESEG, seq: 1, srcId: 0x0a0b0c01, groupId: 0x12345678, groupInst: 0,
  grtt: 0x6a, gsize: 0x18, reserved: 0,
};

export function fileSegPacket(blockNum: number, extensions: readonly Extension[] = []): Buffer {
  return encodePacket(benchHeader, {
    type: MessageType.FILESEG, fileId: 1, section: blockNum >> 4, blockNum, extensions, data: Buffer.alloc(BLOCK, blockNum),
  });
}

function blockNumOf(packet: Uint8Array): number {
  const r = decodePacket(packet);
  return r.ok && r.value.message.type === MessageType.FILESEG ? r.value.message.blockNum : -1;
}

export function fileSegTimings(n: number): Timing[] {
  const packets = Array.from({ length: POOL }, (_v, i) => fileSegPacket(i));
  const tfmcc = fileSegPacket(0, [{ kind: 'tfmccDataInfo', sendRate: 1, ccSeq: 2, ccRate: 3 }]);
  const bytes = packets[0].length;
  const encode = (i: number, data: Uint8Array) => encodePacket(benchHeader, {
    type: MessageType.FILESEG, fileId: 1, section: 0, blockNum: i & 0xffff, extensions: [], data,
  }).length;
  return [
    time('decodePacket FILESEG', n, (i) => blockNumOf(packets[i % POOL]), bytes),
    time('decodeMessage FILESEG body', n, (i) => {
      const r = decodeMessage(packets[i % POOL].subarray(HEADER_LEN));
      return r.ok && r.value.type === MessageType.FILESEG ? r.value.blockNum : -1;
    }, bytes),
    time('decodePacket FILESEG + TFMCC extension', n, () => blockNumOf(tfmcc), bytes),
    time(`encodePacket FILESEG (${BLOCK} B block)`, n / 5, (i) => encode(i, packets[i % POOL].subarray(HEADER_LEN + 8)), bytes),
    time('decode + encode FILESEG (relay)', n / 5, (i) => {
      const r = decodePacket(packets[i % POOL]);
      if (!r.ok || r.value.message.type !== MessageType.FILESEG) return -1;
      return encodePacket(r.value.header, r.value.message).length;
    }, bytes),
  ];
}
