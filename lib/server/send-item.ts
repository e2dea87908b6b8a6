// What the server sends, item by item, as the file list walker (lib/cli/uftp) produces it: each item is
// one FILEINFO, its name already the one the clients see (-E, -D and -o applied).

export type SendItem =
  /**
   * A regular file, read from `localPath` while it is sent. `localName` is what the log's "Name:" shows: the
   * path below the directory its argument was split at (default: the name sent).
   */
  | { kind: 'file'; name: Buffer; localPath: string; localName?: string; size: number; mtimeSec: number }
  /** An empty directory (a directory with files in it is made by their names). */
  | { kind: 'directory'; name: Buffer; localName?: string }
  /** A symbolic link sent as a link (without -l). */
  | { kind: 'symlink'; name: Buffer; target: Buffer; localName?: string }
  /** @DELETE:name */
  | { kind: 'delete'; name: Buffer }
  /** @FREESPACE (sent with the name "."). */
  | { kind: 'freespace' };
