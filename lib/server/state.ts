// The server's state for one session, shared by the handlers of each phase.
import type { Ctx as SessionCtx } from '../session/context';
import { ClientAdmission, DEFAULT_MAX_CLIENTS, idsPerMessage } from './admission';
import { ClientTable } from './clients';
import type { ServerKeys } from './group-keys';
import { Grtt } from './grtt';
import { StrangerAborts } from './stranger-aborts';
import type { Transfer } from './transfer-state';
import type { SendItem, ServerConfig, ServerOutput } from './types';

/**
 * announce: registering clients (file ID 0). fileinfo: a FILEINFO out, answers coming in. transfer: data
 * passes of a regular file. completion: DONE for the session, DONE_CONF. finished: over.
 */
export type Phase = 'announce' | 'fileinfo' | 'transfer' | 'completion' | 'finished';

export interface CurrentFile {
  fileId: number;
  item: SendItem;
  /** The name clients see, as text for logs and status lines. */
  name: string;
  size: number;
  /** Monotonic ms the file's FILEINFO phase began. */
  startedAt: number;
  /** Monotonic ms its FILEINFO phase ended and its transfer (if any) began: the report's times count from here. */
  timedFrom?: number;
  transfer?: Transfer;
  /** Done with: the machine reports it and goes on to the next item. */
  over?: boolean;
}

export class ServerState {
  phase: Phase = 'announce';
  readonly clients: ClientTable;
  /** Which new IDs may join an open group (admission.ts). */
  readonly admission: ClientAdmission;
  /** How often hosts outside the session are told with an ABORT (stranger-aborts.ts). */
  readonly strangerAborts: StrangerAborts;
  readonly grtt: Grtt;
  keys?: ServerKeys;
  /** Header sequence numbers, one counter for every message. */
  seq = 0;
  /** The round of the phase's messages (ANNOUNCE 1, 2, ...). */
  attempt = 1;
  /** Closed group: everyone answered; one more short round for late ones. */
  lastPass = false;
  regDone = false;
  fileId = 0;
  file?: CurrentFile;
  /** Items sent (for -f: those some client did not get). */
  readonly items: Array<{ item: SendItem; fileId: number }> = [];
  /** Waiting for the runner's next item. */
  awaitingItem = false;
  startedAt = 0;
  dataBytes = 0;
  /** Some client got some file (exit 10 otherwise). */
  filesSent = false;
  /** SIGINT / SIGTERM came (in the announce phase: the first file is given up on without a FILEINFO). */
  interrupted = false;
  /** Exit status decided early (6, 7, 8, 9), else worked out at the end (0 or 10). */
  exitCode?: number;

  constructor(readonly config: ServerConfig) {
    this.clients = new ClientTable(config.clients !== undefined);
    this.strangerAborts = new StrangerAborts();
    this.admission = new ClientAdmission(config.maxClients ?? DEFAULT_MAX_CLIENTS, idsPerMessage(config.blockSize));
    this.grtt = new Grtt(config.grtt);
  }

  /**
   * GRTT from the RTTs measured so far: after each REGISTER and FILEINFO_ACK too, as the real uftp does, so
   * once per answer of each of hundreds of clients: one pass over the table, no arrays.
   */
  recalculateGrtt(): void {
    let largest: number | undefined;
    for (const c of this.clients.values()) {
      if (c.rttMeasured && !c.failed && (largest === undefined || c.rtt > largest)) largest = c.rtt;
    }
    this.grtt.recalculateFrom(largest);
  }

  nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    return seq;
  }
}

export interface Ctx extends SessionCtx<ServerConfig, ServerOutput> {
  readonly state: ServerState;
}
