// The dissector's view of a decoded value: a plain tree that prints as JSON as it is (bigints as strings,
// bytes as hex, IDs as 0x%08X, enum numbers beside their names) and that the text renderer walks.
import {
  CompletionStatus, CongestionControl, CURVES, FileType, HashType, HeartbeatAuth, KeyBlobType, KeyExchangeType,
  KeyType, SigType,
} from '../../protocol';

/** A byte field: JSON shows its hex, text shows its length and the first bytes. */
export class Bytes {
  constructor(readonly bytes: Uint8Array) {}

  get length(): number {
    return this.bytes.length;
  }

  toJSON(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length).toString('hex');
  }
}

export type View = string | number | boolean | null | Bytes | View[] | ViewObject;
export interface ViewObject {
  [key: string]: View;
}

/** UFTP IDs (source, group, client), as UFTP's own logs print them. */
export function hexId(id: number): string {
  return `0x${(id >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

const ID_FIELDS = new Set(['srcId', 'groupId', 'clientId', 'clientIds', 'host']);

/** Fields holding a number of section 5.3: the view adds `<field>Name` beside the number. */
const NAMES: Readonly<Record<string, (n: number) => string | undefined>> = {
  keyType: (n) => KeyType[n],
  hashType: (n) => HashType[n],
  sigType: (n) => SigType[n],
  keyexType: (n) => KeyExchangeType[n],
  fileType: (n) => FileType[n],
  status: (n) => CompletionStatus[n],
  ccType: (n) => CongestionControl[n],
  blobType: (n) => KeyBlobType[n],
  authenticated: (n) => HeartbeatAuth[n],
  curve: (n) => CURVES.get(n),
};

/** Names (FILEINFO paths) are bytes on the wire but text to an operator. */
const TEXT_FIELDS = new Set(['name', 'link']);

function fieldView(key: string, value: unknown): View {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && ID_FIELDS.has(key)) return hexId(value);
  if (value instanceof Uint8Array) {
    return TEXT_FIELDS.has(key) ? Buffer.from(value).toString('utf8') : new Bytes(value);
  }
  if (Array.isArray(value)) return value.map((v) => fieldView(key, v));
  if (value !== null && typeof value === 'object') return objectView(value as Record<string, unknown>);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

/** The view of a decoded message, extension or header (any plain object of lib/protocol). */
export function objectView(object: Record<string, unknown>): ViewObject {
  const view: ViewObject = {};
  for (const [key, value] of Object.entries(object)) {
    view[key] = fieldView(key, value);
    const name = typeof value === 'number' ? NAMES[key]?.(value) : undefined;
    if (name !== undefined) view[`${key}Name`] = name;
  }
  return view;
}
