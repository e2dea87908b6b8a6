// lib/crypto: UFTP 4's cryptography over Node's OpenSSL, knowing nothing of message layouts.
export * from './algorithms';
export * from './curves';
export * from './fingerprint';
export * from './handshake';
export * from './iv';
export * from './key-blob';
export * from './key-exchange';
export * from './key-file';
export * from './key-schedule';
export * from './prf';
export * from './replay-window';
export * from './signatures';
export * from './symmetric';
