// Decoding never throws: every byte string becomes a typed value or a ProtocolError.

export type ProtocolErrorKind =
  | 'length' // too short, or a length field points past the end
  | 'version' // UFTP ID is not the one we speak
  | 'function' // unknown or unexpected message type
  | 'extension' // malformed header extension
  | 'field' // a field holds a value the spec does not allow
  | 'crypto' // decryption, authentication or signature failed
  | 'replay'; // an IV counter seen before

export class ProtocolError {
  constructor(
    readonly kind: ProtocolErrorKind,
    readonly message: string,
  ) {}

  toString(): string {
    return `${this.kind}: ${this.message}`;
  }
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function fail<T = never>(kind: ProtocolErrorKind, message: string): Decoded<T> {
  return { ok: false, error: new ProtocolError(kind, message) };
}
