// FileStoreError: every failure of the store, with an errno name as `code`, or EUNSAFE where the
// path itself is the problem (a symlink or non-directory on the way, a refused name).
export class FileStoreError extends Error {
  readonly code: string;
  readonly syscall: string | undefined;

  constructor(code: string, message: string, options: { syscall?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FileStoreError';
    this.code = code;
    this.syscall = options.syscall;
  }
}

interface CodedError {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
}

// ELOOP: a symlink where none may be (on the way, or at a final component opened for writing);
// ENOTDIR: a non-directory on the way; EINVAL from 'beneath': a name the addon refused.
function storeCode(code: string, syscall: string | undefined, beneath: boolean): string {
  if (beneath && (code === 'ELOOP' || code === 'ENOTDIR')) return 'EUNSAFE';
  if (code === 'EINVAL' && syscall === 'beneath') return 'EUNSAFE';
  if (code === 'ERR_ROOT_CLOSED') return 'EBADF';
  return code;
}

/**
 * `err` (from the addon or Node's fs) as a FileStoreError about `what`; errors without a string code
 * (TypeError, RangeError: a caller's bug) pass through. Duck-typed, not instanceof: the addon's errors
 * may come from another realm (jest's sandbox, a vm context). beneath=false: about the root's own path,
 * where ELOOP and ENOTDIR keep their names.
 */
export function storeError(err: unknown, what: string, beneath = true): Error {
  if (err instanceof FileStoreError) return err;
  const coded = (typeof err === 'object' && err !== null ? err : {}) as CodedError;
  if (typeof coded.code !== 'string') {
    return err instanceof Error ? err : new FileStoreError('EIO', `${what}: ${String(err)}`, { cause: err });
  }
  const syscall = typeof coded.syscall === 'string' ? coded.syscall : undefined;
  const code = storeCode(coded.code, syscall, beneath);
  const detail = code === 'EUNSAFE' ? `refused, a symlink or non-directory on the way (${coded.code})` : String(coded.message);
  return new FileStoreError(code, `${what}: ${detail}`, { syscall, cause: err });
}

export function unsafe(what: string, why: string): FileStoreError {
  return new FileStoreError('EUNSAFE', `${what}: ${why}`);
}
