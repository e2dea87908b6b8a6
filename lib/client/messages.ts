// Small builders for the messages the client sends, and the checks every server message list needs.
import {
  ABORT_MESSAGE_LEN, MessageType, NO_EXTENSIONS, type Abort, type Complete, type Extension,
} from '../protocol';

/** A client ID list as the real client reads it: it ends at the first 0. */
export function listed(ids: readonly number[], uid: number): boolean {
  for (const id of ids) {
    if (id === 0) return false;
    if (id >>> 0 === uid >>> 0) return true;
  }
  return false;
}

export function abortMessage(text: string, host = 0, flags = 0): Abort {
  const message = new Uint8Array(ABORT_MESSAGE_LEN);
  message.set(Buffer.from(text, 'utf8').subarray(0, ABORT_MESSAGE_LEN - 1));
  return { type: MessageType.ABORT, flags, reserved: 0, host, message, extensions: NO_EXTENSIONS };
}

export function completeMessage(fileId: number, status: number, freeSpace?: number): Complete {
  const extensions: readonly Extension[] =
    freeSpace === undefined ? NO_EXTENSIONS : [{ kind: 'freespaceInfo', reserved: 0, freespace: BigInt(Math.max(0, Math.floor(freeSpace))) }];
  return { type: MessageType.COMPLETE, fileId, status, reserved: 0, extensions, clientIds: [] };
}
