// lib/files: the receiver's file store. Every path is resolved beneath an opened directory by the
// addon (native/beneath_*.cc), never through a symlink; Node's fs only sees descriptors.
export type { EntryInfo, EntryKind, PathLike } from './types';
export { FileStoreError } from './errors';
export { DirRoot } from './root';
export { inspect, makeDirectory, makeSymlink, rename, freeSpace } from './entries';
export { remove } from './remove';
export { openForWrite } from './write-handle';
export type { WriteHandle, OpenForWriteOptions } from './write-handle';
export { backup, backupStamp } from './backup';
export { moveIntoPlace } from './move';
export { beneathResolver, setBeneathWalk } from './native';
/** The names in a directory beneath a root (as bytes), listed without following any symlink. */
export { list as listDirectory } from './ops';
