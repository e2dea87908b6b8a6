// Key fingerprints as the pages write them (-s fp=, -R proxy/fp, the list files): SHA-1, 20 hex bytes
// separated by ':', as uftp_keymgt prints them.
import { UsageError } from '../exit';

/** "66:1e:..." → "66:1E:..."; `where` prefixes errors ("-R", "-S list line 3"). */
export function parseFingerprint(where: string, text: string): string {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){19}$/i.test(text)) {
    throw new UsageError(`${where}: invalid fingerprint '${text}': want 20 hex bytes separated by ':'`);
  }
  return text.toUpperCase();
}
