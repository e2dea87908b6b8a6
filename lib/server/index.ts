// lib/server: the server side of UFTP 4 as one sans-I/O state machine (see types.ts for the contract).
import { Server } from './machine';
import type { ServerConfig, ServerMachine } from './types';

export function createServer(config: ServerConfig): ServerMachine {
  return new Server(config);
}

export { Server } from './machine';
export type * from './types';
