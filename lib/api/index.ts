// lib/api: what a Node program calls: send() (the server as a function) and the socket addon (lib/net).
export { send, DEFAULTS, drawAddress, type SendOptions } from './send';
export { walkFiles, type WalkFilesOptions } from './file-list';
export type { ClientResult, Progress, SendItem, SessionOutcome, EncryptionConfig, ListedHost, CcConfig } from '../server/types';
export * from '../net';
