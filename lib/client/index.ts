// lib/client: the client side of UFTP 4 as one sans-I/O state machine (see types.ts for the contract).
import { Client } from './machine';
import type { ClientConfig, ClientMachine } from './types';

export function createClient(config: ClientConfig): ClientMachine {
  return new Client(config);
}

export { Client } from './machine';
export { random } from './congestion';
export type * from './types';
