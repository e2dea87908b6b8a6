// UFTP 4 messages: decode any datagram to a typed message (never throwing), encode one back to the same bytes.
import { Announce, announceCodec } from './announce';
import { MessageType } from './constants';
import {
  Abort, CcAck, CongCtrl, HbReq, HbResp, KeyReq, ProxyKey, abortCodec, ccAckCodec, congCtrlCodec, hbReqCodec,
  hbRespCodec, keyReqCodec, proxyKeyCodec,
} from './control';
import { Decoded, fail, ok } from './errors';
import { FileInfo, FileInfoAck, fileInfoAckCodec, fileInfoCodec } from './fileinfo';
import { Codec } from './frame';
import { HEADER_LEN, UftpHeader, decodeHeader, writeHeader } from './header';
import {
  ClientKey, KeyInfo, KeyInfoAck, RegConf, Register, clientKeyCodec, keyInfoAckCodec, keyInfoCodec, regConfCodec,
  registerCodec,
} from './register';
import {
  Complete, Done, DoneConf, FileSeg, Status, completeCodec, decodeFileSeg, doneCodec, doneConfCodec, fileSegCodec,
  statusCodec,
} from './transfer';

export type Message =
  | Announce | Register | ClientKey | RegConf | KeyInfo | KeyInfoAck | FileInfo | FileInfoAck | FileSeg | Done
  | Status | Complete | DoneConf | HbReq | HbResp | KeyReq | ProxyKey | Abort | CongCtrl | CcAck;

/** An ENCRYPTED packet, not opened here (see lib/protocol/encrypted.ts): everything after the UFTP header. */
export interface EncryptedRef {
  type: MessageType.ENCRYPTED;
  body: Uint8Array;
}

export interface Packet {
  header: UftpHeader;
  message: Message | EncryptedRef;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CODECS: ReadonlyArray<Codec<any> | undefined> = (() => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const table: Array<Codec<any> | undefined> = [];
  table[MessageType.ANNOUNCE] = announceCodec;
  table[MessageType.REGISTER] = registerCodec;
  table[MessageType.CLIENT_KEY] = clientKeyCodec;
  table[MessageType.REG_CONF] = regConfCodec;
  table[MessageType.KEYINFO] = keyInfoCodec;
  table[MessageType.KEYINFO_ACK] = keyInfoAckCodec;
  table[MessageType.FILEINFO] = fileInfoCodec;
  table[MessageType.FILEINFO_ACK] = fileInfoAckCodec;
  table[MessageType.FILESEG] = fileSegCodec;
  table[MessageType.DONE] = doneCodec;
  table[MessageType.STATUS] = statusCodec;
  table[MessageType.COMPLETE] = completeCodec;
  table[MessageType.DONE_CONF] = doneConfCodec;
  table[MessageType.HB_REQ] = hbReqCodec;
  table[MessageType.HB_RESP] = hbRespCodec;
  table[MessageType.KEY_REQ] = keyReqCodec;
  table[MessageType.PROXY_KEY] = proxyKeyCodec;
  table[MessageType.ABORT] = abortCodec;
  table[MessageType.CONG_CTRL] = congCtrlCodec;
  table[MessageType.CC_ACK] = ccAckCodec;
  return table;
})();

/** Decodes a message body (what follows the UFTP header, or a decrypted ENCRYPTED payload). */
export function decodeMessage(body: Uint8Array): Decoded<Message> {
  if (body.length === 0) return fail('length', 'empty message body');
  const func = body[0];
  if (func === MessageType.FILESEG) return decodeFileSeg(body);
  if (func === MessageType.ENCRYPTED) return fail('function', 'ENCRYPTED has no function byte in its body: decode the packet');
  const codec = CODECS[func];
  if (!codec) return fail('function', `unknown message function ${func}`);
  return codec.decode(body);
}

/** Decodes a whole datagram: the UFTP header, then the message, or an ENCRYPTED marker. */
export function decodePacket(packet: Uint8Array): Decoded<Packet> {
  const header = decodeHeader(packet);
  if (!header.ok) return header;
  const body = packet.subarray(HEADER_LEN);
  if (header.value.func === MessageType.ENCRYPTED) {
    return ok({ header: header.value, message: { type: MessageType.ENCRYPTED, body } });
  }
  const message = decodeMessage(body);
  if (!message.ok) return message;
  if (message.value.type !== header.value.func) {
    return fail('function', `header function ${header.value.func} differs from the message's function ${message.value.type}`);
  }
  return ok({ header: header.value, message: message.value });
}

function codecOf(msg: Message): Codec<Message> {
  return CODECS[msg.type] as Codec<Message>;
}

export function encodedMessageLength(msg: Message | EncryptedRef): number {
  return msg.type === MessageType.ENCRYPTED ? msg.body.length : codecOf(msg).length(msg);
}

/** Writes a message at `off` of a zero-filled `out` with encodedMessageLength(msg) bytes free there. */
export function writeMessage(msg: Message | EncryptedRef, out: Uint8Array, off: number): void {
  if (msg.type === MessageType.ENCRYPTED) out.set(msg.body, off);
  else codecOf(msg).write(msg, out, off);
}

export function encodeMessage(msg: Message): Buffer {
  const out = Buffer.alloc(encodedMessageLength(msg));
  writeMessage(msg, out, 0);
  return out;
}

/** Header then message; the header's function byte is taken from the message. */
export function encodePacket(header: UftpHeader, msg: Message | EncryptedRef): Buffer {
  const out = Buffer.alloc(HEADER_LEN + encodedMessageLength(msg));
  writeHeader(header, out, 0);
  out[1] = msg.type;
  writeMessage(msg, out, HEADER_LEN);
  return out;
}

export * from './constants';
export * from './errors';
export * from './header';
export * from './quantize';
export * from './keyblob';
export * from './extensions';
export * from './announce';
export * from './register';
export * from './fileinfo';
export * from './transfer';
export * from './control';
export { formatIp, parseIp } from './ip';
export type { Codec } from './frame';
