// The systemd notify protocol's transport (native/notify.h): one datagram to the AF_UNIX socket that
// $NOTIFY_SOCKET names. What goes in the datagram is the caller's business (lib/cli/common/notify-messages.ts).
import { loadAddon } from './native';

interface NativeNotify {
  notifySend(address: string, message: string | Uint8Array): void;
}

/** A notify socket address: an absolute path, or '@' and an abstract name (as $NOTIFY_SOCKET writes them). */
export function isNotifyAddress(address: string): boolean {
  return (address.startsWith('/') || (address.startsWith('@') && address.length > 1)) && !address.includes('\0');
}

/**
 * Sends `message` as one datagram, never waiting. Throws an Error with `code` and `syscall` (ENOENT: no such
 * socket, ECONNREFUSED: nobody listens, EAGAIN: the listener's queue is full, ENAMETOOLONG; ENOTSUP on Windows),
 * or code EINVAL when `address` is not a notify address.
 */
export function sendNotify(address: string, message: string | Uint8Array): void {
  if (!isNotifyAddress(address)) {
    throw Object.assign(new Error(`not a notify socket address (an absolute path or @name): ${JSON.stringify(address)}`), { code: 'EINVAL', syscall: 'sendto' });
  }
  const addon = loadAddon() as unknown as Partial<NativeNotify>;
  if (typeof addon.notifySend !== 'function') {
    throw Object.assign(new Error('the native addon has no notifySend: rebuild it (npm run build)'), { code: 'ENOSYS', syscall: 'sendto' });
  }
  addon.notifySend(address, message);
}
