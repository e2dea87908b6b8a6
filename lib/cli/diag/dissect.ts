// The protocol dissector behind `uftp_diag decode` and `sniff`: one datagram -> its header and message as a
// view (see dissect-view.ts), or the ProtocolError saying why it is not a UFTP 4 packet.
import {
  Abort, Decoded, MessageType, Status, abortText, decodePacket, nakedBlocks, ok, unquantizeGroupSize, unquantizeGrtt,
  UftpHeader,
} from '../../protocol';
import { decodeEncrypted } from '../../protocol/encrypted';
import { Bytes, hexId, objectView, View, ViewObject } from './dissect-view';

export interface Dissection {
  header: ViewObject;
  /** The message type's name (ENCRYPTED for an unopened encrypted packet). */
  type: string;
  /** The message's fields; `type` is left out (it is above). */
  message: ViewObject;
}

/** The name of a function byte; unknown ones show their number. */
export function functionName(func: number): string {
  return MessageType[func] ?? `UNKNOWN_${func}`;
}

function headerView(h: UftpHeader): ViewObject {
  return {
    version: `0x${h.version.toString(16)}`,
    function: functionName(h.func),
    func: h.func,
    seq: h.seq,
    srcId: hexId(h.srcId),
    groupId: hexId(h.groupId),
    groupInst: h.groupInst,
    grtt: h.grtt,
    grttSeconds: Number(unquantizeGrtt(h.grtt).toPrecision(4)),
    gsize: h.gsize,
    groupSize: unquantizeGroupSize(h.gsize),
    reserved: h.reserved,
  };
}

/** What the wire fields do not say outright: ABORT's text, STATUS's NAKed blocks. */
function derivedFields(message: { type: MessageType }): ViewObject {
  if (message.type === MessageType.ABORT) return { text: abortText(message as Abort) };
  if (message.type === MessageType.STATUS) {
    const blocks = nakedBlocks((message as Status).naks);
    return { nakCount: blocks.length, nakedBlocks: blocks };
  }
  return {};
}

function messageView(message: object): ViewObject {
  const { type: _type, ...fields } = objectView(message as Record<string, unknown>);
  return { ...fields, ...derivedFields(message as { type: MessageType }) };
}

/** Dissects one datagram. Never throws: a datagram that is not UFTP 4 gives the codec's error. */
export function dissectPacket(packet: Uint8Array): Decoded<Dissection> {
  const decoded = decodePacket(packet);
  if (!decoded.ok) return decoded;
  const { header, message } = decoded.value;
  if (message.type !== MessageType.ENCRYPTED) {
    return ok({ header: headerView(header), type: functionName(message.type), message: messageView(message) });
  }
  const enc = decodeEncrypted(packet);
  if (!enc.ok) return enc;
  return ok({
    header: headerView(header),
    type: 'ENCRYPTED',
    message: {
      ivCounter: enc.value.ivCounter.toString(),
      signatureLength: enc.value.sig.length,
      payloadLength: enc.value.payload.length,
      signature: new Bytes(enc.value.sig),
      payload: new Bytes(enc.value.payload),
    },
  });
}

const SKIPPED_IN_SUMMARY = new Set(['reserved', 'tsSec', 'tsUsec', 'nakedBlocks', 'text']);
const MAX_LISTED_IDS = 4;

/**
 * The key fields of a message for a one-line summary (sniff): scalars (enum names rather than numbers),
 * byte fields as their length, short ID lists whole and long lists as counts, extension kinds; empty lists left out.
 */
export function keyFields(message: ViewObject): ViewObject {
  const out: ViewObject = {};
  for (const [key, value] of Object.entries(message)) {
    if (SKIPPED_IN_SUMMARY.has(key) || key.endsWith('Name')) continue;
    const named = message[`${key}Name`];
    if (named !== undefined) out[key] = named;
    else if (value instanceof Bytes) out[`${key}Bytes`] = value.length;
    else if (Array.isArray(value)) summarizeList(out, key, value);
    else if (value === null || typeof value !== 'object') out[key] = value;
  }
  return out;
}

function summarizeList(out: ViewObject, key: string, list: View[]): void {
  if (list.length === 0) return;
  if (key === 'extensions') {
    out.extensions = list.map((e) => String((e as ViewObject).kind));
  } else if (list.length <= MAX_LISTED_IDS && list.every((v) => typeof v === 'string')) {
    out[key] = list;
  } else {
    out[`${key}Count`] = list.length;
  }
}
