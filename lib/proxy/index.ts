// lib/proxy: the three proxy modes of uftpproxyd as one sans-I/O state machine (see types.ts for the contract).
import { Proxy } from './machine';
import type { ProxyConfig, ProxyMachine } from './types';

export function createProxy(config: ProxyConfig): ProxyMachine {
  return new Proxy(config);
}

export { Proxy } from './machine';
export { isSsmAddress } from '../session/access';
export { aggregationWaitMs, sessionTimeoutMs } from '../session/timing';
export { HEARTBEAT_TIMER, NONCE_HASH } from '../session/heartbeat';
export type * from './types';
