// Numbers of protocol.txt section 5.3 (UFTP 4), and the version byte the real programs send.
import { UFTP_CURVES } from '../crypto/curves';

/** Packets from UFTP 4.10.2 open with 0x40 (the spec text says 0x30; the wire wins). */
export const UFTP_VERSION = 0x40;
export const DEFAULT_PORT = 1044;
export const DEFAULT_PUBLIC_MCAST = '230.4.4.1';

export enum MessageType {
  ANNOUNCE = 1,
  REGISTER = 2,
  CLIENT_KEY = 3,
  REG_CONF = 4,
  KEYINFO = 5,
  KEYINFO_ACK = 6,
  FILEINFO = 7,
  FILEINFO_ACK = 8,
  FILESEG = 9,
  DONE = 10,
  STATUS = 11,
  COMPLETE = 12,
  DONE_CONF = 13,
  HB_REQ = 14,
  HB_RESP = 15,
  KEY_REQ = 16,
  PROXY_KEY = 17,
  ENCRYPTED = 18,
  ABORT = 19,
  CONG_CTRL = 20,
  CC_ACK = 21,
}

export enum KeyType {
  NONE = 0,
  DES = 1,
  DES3 = 2,
  AES128_CBC = 3,
  AES256_CBC = 4,
  AES128_GCM = 5,
  AES256_GCM = 6,
  AES128_CCM = 7,
  AES256_CCM = 8,
}

export enum HashType {
  NONE = 0,
  MD5 = 1,
  SHA1 = 2,
  SHA256 = 3,
  SHA384 = 4,
  SHA512 = 5,
}

export enum SigType {
  NONE = 0,
  HMAC = 1,
  KEYEX = 2,
  AUTHENC = 3,
}

export enum KeyExchangeType {
  NONE = 0,
  RSA = 1,
  ECDH_RSA = 2,
  ECDH_ECDSA = 3,
}

export enum KeyBlobType {
  NONE = 0,
  RSA = 1,
  EC = 2,
}

export enum HeartbeatAuth {
  FAILED = 0,
  OK = 1,
  CHALLENGE = 2,
}

export enum FileType {
  REGULAR = 0,
  DIRECTORY = 1,
  SYMLINK = 2,
  DELETE = 3,
  FREESPACE = 4,
}

export enum CompletionStatus {
  NORMAL = 0,
  SKIPPED = 1,
  OVERWRITE = 2,
  REJECTED = 3,
}

export enum ExtensionType {
  ENC_INFO = 1,
  TFMCC_DATA_INFO = 2,
  TFMCC_ACK_INFO = 3,
  PGMCC_DATA_INFO = 4,
  PGMCC_NAK_INFO = 5,
  PGMCC_ACK_INFO = 6,
  FREESPACE_INFO = 7,
}

export enum CongestionControl {
  NONE = 0,
  UFTP3 = 1,
  TFMCC = 2,
  PGMCC = 3,
}

/** Named curves of section 5.3.12 by number, under the names OpenSSL knows them by (lib/crypto holds the table). */
export const CURVES: ReadonlyMap<number, string> = new Map(UFTP_CURVES.map((name, i) => [i + 1, name]));
