// What the store reports about an entry beneath a root.
export type EntryKind = 'none' | 'file' | 'directory' | 'symlink' | 'other';

export interface EntryInfo {
  kind: EntryKind;
  size: number;
  mtimeSec: number;
}

/** A path beneath a root: '/'-separated components, as a string (UTF-8) or as bytes. */
export type PathLike = string | Uint8Array;
