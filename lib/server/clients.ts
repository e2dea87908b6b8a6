// The receivers of a session as the server tracks them (protocol.txt 3, 5.1): each client or proxy by its ID,
// its state in the current phase, its RTT, its key exchange, and what it did with each file.
import type { KeyObject } from 'node:crypto';
import type { SymmetricKeys } from '../crypto';
import type { Endpoint } from './types';

/**
 * mute: not registered (or waiting for its CLIENT_KEY). registered: registered, its confirmation (KEYINFO_ACK,
 * or FILEINFO_ACK for a file) not in yet. active: taking part. naked: active, NAKs in this pass. done: the
 * current file (or the session) complete. lost: stopped answering. aborted: it or we aborted it.
 */
export type ClientState = 'mute' | 'registered' | 'active' | 'naked' | 'done' | 'lost' | 'aborted';

export interface ClientCrypto {
  random: Uint8Array;
  premaster: Buffer;
  /** From its REGISTER (a CLIENT_KEY may come first). */
  sessionKeys?: SymmetricKeys;
  /** The signature of a CLIENT_KEY that came before the REGISTER, checked once the premaster is known. */
  pendingSignature?: Uint8Array;
  /** From a verified CLIENT_KEY. */
  publicKey?: KeyObject;
  keyBlob?: Buffer;
}

export interface FileOutcome {
  status: number;
  /** Monotonic ms the file completed for this client. */
  at: number;
  freeSpace?: bigint;
}

export class ClientRecord {
  state: ClientState = 'mute';
  /** Registered at least once (a repeated REGISTER is logged with '+'). */
  registered = false;
  /** Seconds; measured from echoed timestamps. */
  rtt = 0;
  rttMeasured = false;
  /** Sent in a CONG_CTRL since its last measurement. */
  rttSent = false;
  /** Whether a REG_CONF / DONE_CONF / KEYINFO naming it still has to go out (it is named until it answers). */
  confirmPending = false;
  /** The ID of the proxy it registered through. */
  proxy?: number;
  isProxy = false;
  /** Where its messages come from (the proxy's address for a client behind one). */
  from?: Endpoint;
  crypto?: ClientCrypto;
  /** The -H / -j fingerprint its key must have. */
  fingerprint?: string;
  /** The client answered this file's FILEINFO_ACK with PARTIAL. */
  partial = false;
  /** Sections whose NAKs passed -N, counted for -m. */
  nakExceeded = 0;
  /** Results by file ID. */
  readonly files = new Map<number, FileOutcome>();
  /** Why it left, for the report. */
  reason?: string;
  /** For the session's STATS line. */
  readonly stats = { copies: 0, overwrites: 0, skips: 0, rejects: 0, bytes: 0, seconds: 0 };

  /** As -H wrote it; a client that joins an open group is named by its ID. */
  name: string;

  constructor(readonly id: number, readonly listed: boolean) {
    this.name = `0x${(id >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  }

  /** Lost or aborted: it takes no further part. */
  get failed(): boolean {
    return this.state === 'lost' || this.state === 'aborted';
  }
}

export class ClientTable {
  private readonly byId = new Map<number, ClientRecord>();

  /** Closed group: the -H list (and -j proxies) known from the start; open: filled by REGISTERs. */
  constructor(readonly closed: boolean) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: number): ClientRecord | undefined {
    return this.byId.get(id >>> 0);
  }

  add(id: number, listed = false): ClientRecord {
    const record = new ClientRecord(id >>> 0, listed);
    this.byId.set(id >>> 0, record);
    return record;
  }

  /** Undoes add() of a record that never got in (its REGISTER failed the key exchange). */
  remove(id: number): void {
    this.byId.delete(id >>> 0);
  }

  all(): ClientRecord[] {
    return [...this.byId.values()];
  }

  /** Every record, in the order added, without copying them into an array (for the per-datagram paths). */
  values(): IterableIterator<ClientRecord> {
    return this.byId.values();
  }

  /** Whether `test` holds for every record; counted out without an array per call. */
  every(test: (c: ClientRecord) => boolean): boolean {
    for (const c of this.byId.values()) if (!test(c)) return false;
    return true;
  }

  /** How many receivers there are (receivers().length, without the arrays): the header's group size. */
  receiverCount(): number {
    let n = 0;
    for (const c of this.byId.values()) if (!c.isProxy) n++;
    return n;
  }

  /** The receivers that count for results: clients, not proxies. */
  receivers(): ClientRecord[] {
    return this.all().filter((c) => !c.isProxy);
  }

  inState(...states: ClientState[]): ClientRecord[] {
    return this.all().filter((c) => states.includes(c.state));
  }
}
