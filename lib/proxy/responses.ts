// The messages a client or response proxy sends upstream on its clients' behalf, built from an aggregate.
import {
  MessageType, NO_EXTENSIONS, type Complete, type Extension, type FileInfoAck, type Message, type Register, type Status,
} from '../protocol';
import { chunkIds, heldTimestamp, limitingReceiver, mergeNaks, orderByRtt, type Pending } from './aggregation';
import { addHeld } from '../session/timing';

const ZERO_RANDOM = new Uint8Array(32);

/** What the proxy's own REGISTER carries besides the client list: its random and key info when encrypted. */
export interface OwnRegistration {
  random: Uint8Array;
  keyInfo: Uint8Array;
}

export const PLAIN_REGISTRATION: OwnRegistration = { random: ZERO_RANDOM, keyInfo: new Uint8Array(0) };

export function aggregateMessages(p: Pending, sendWall: number, blockSize: number, own: OwnRegistration): Message[] {
  switch (p.kind) {
    case 'register': {
      const { ids, longest } = orderByRtt(p);
      const ts = heldTimestamp(longest, sendWall);
      return chunkIds(ids, blockSize).map((clientIds): Register => ({
        type: MessageType.REGISTER, tsSec: ts.sec, tsUsec: ts.usec, random: own.random, keyInfo: own.keyInfo,
        extensions: NO_EXTENSIONS, clientIds,
      }));
    }
    case 'fileinfoAck': {
      const { ids, longest } = orderByRtt(p);
      const ts = heldTimestamp(longest, sendWall);
      return chunkIds(ids, blockSize).map((clientIds): FileInfoAck => ({
        type: MessageType.FILEINFO_ACK, fileId: p.fileId, flags: p.detail, reserved: 0, tsSec: ts.sec, tsUsec: ts.usec,
        extensions: NO_EXTENSIONS, clientIds,
      }));
    }
    case 'complete': {
      const ids = [...p.responses.keys()];
      const freespace = [...p.responses.values()].find((r) => r.freespace)?.freespace;
      const extensions: readonly Extension[] = freespace ? [freespace] : NO_EXTENSIONS;
      return chunkIds(ids, blockSize).map((clientIds): Complete => ({
        type: MessageType.COMPLETE, fileId: p.fileId, status: p.detail, reserved: 0, extensions, clientIds,
      }));
    }
    case 'status': {
      const clr = limitingReceiver(p);
      let extensions: readonly Extension[] = NO_EXTENSIONS;
      if (clr?.ackInfo) {
        const ts = addHeld(clr.ackInfo.tsSec, clr.ackInfo.tsUsec, sendWall - clr.arrivalWall);
        extensions = [{ ...clr.ackInfo, tsSec: ts.sec, tsUsec: ts.usec }];
      }
      const status: Status = {
        type: MessageType.STATUS, fileId: p.fileId, section: p.detail, reserved: 0, extensions, naks: mergeNaks(p),
      };
      return [status];
    }
  }
}
