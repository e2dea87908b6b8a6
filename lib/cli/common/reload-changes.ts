// What a reload re-reads besides the lists, and how the daemons say what changed: list lines compared
// entry by entry (order aside), keys by fingerprint. -K keys are generated at start and kept as they are:
// only -k files that are read (no -K) are read again.
import type { LoadedKey } from '../../session/types';
import { describeLoadedKey, loadKeys } from './keys';

function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function canonical(entries: readonly object[] | undefined): string {
  return JSON.stringify((entries ?? []).map((e) => JSON.stringify(e)).sort());
}

/** "Reloaded: 3 servers in -S /etc/uftp/servers (was 2)"; nothing when the entries are the same. */
export function listChange(label: string, noun: string, old: readonly object[] | undefined, next: readonly object[] | undefined): string[] {
  if (canonical(old) === canonical(next)) return [];
  const [o, n] = [old?.length ?? 0, next?.length ?? 0];
  return [`Reloaded: ${counted(n, noun)} in ${label} (was ${o}${o === n ? ', entries changed' : ''})`];
}

/** The keys a reload uses: the -k files read again, unless the keys came from -K (or the default key). */
export function keysOnReload(keyFiles: string[], keySpecs: unknown[], current: LoadedKey[]): LoadedKey[] {
  if (keySpecs.length > 0 || keyFiles.length === 0) return current;
  return loadKeys(keyFiles, []);
}

/** The -k files a reload reads, for its log line; '' when the keys are generated ones. */
export function keySources(keyFiles: string[], keySpecs: unknown[]): string {
  return keySpecs.length > 0 || keyFiles.length === 0 ? '' : `-k ${keyFiles.join(', ')}`;
}

/** "Reloaded: 1 key from -k /etc/uftp/key.pem (was 1, fingerprints changed)" and the new keys' lines. */
export function keyChange(label: string, old: readonly LoadedKey[], next: readonly LoadedKey[]): string[] {
  const fingerprints = (keys: readonly LoadedKey[]): string => keys.map((k) => k.fingerprint).join(',');
  if (fingerprints(old) === fingerprints(next)) return [];
  const head = `Reloaded: ${counted(next.length, 'key')} from ${label} (was ${old.length}, fingerprints changed)`;
  return [head, ...next.map(describeLoadedKey)];
}

/** The labels of what a reload reads, joined for its log lines. */
export function joinSources(...labels: string[]): string {
  return labels.filter((l) => l !== '').join(', ');
}
