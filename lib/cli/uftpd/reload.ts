// uftpd's reload (SIGHUP): the -S server lists (addresses looked up again) and the -k key files read again;
// keys made by -K stay as they are. Running sessions keep what they began with (lib/client reads the list
// and the keys only at an ANNOUNCE); the public groups' source-specific joins follow the new list.
import type { ClientReconfig } from '../../client/types';
import { keyChange, keySources, keysOnReload, joinSources, listChange } from '../common/reload-changes';
import { Reloader } from '../common/reloader';
import { readServerLists } from './lists';
import { peerFamilyOf, type UftpdSetup } from './setup';

/** `current`: what the daemon started with; `apply` hands a new configuration to the client machine. */
export function uftpdReloader(setup: UftpdSetup, current: ClientReconfig, apply: (next: ClientReconfig) => void): Reloader<ClientReconfig> {
  const { serverListFiles, keyFiles, keySpecs } = setup.options;
  const listLabel = serverListFiles.length === 0 ? '' : `-S ${serverListFiles.join(', ')}`;
  const keyLabel = keySources(keyFiles, keySpecs);
  return new Reloader<ClientReconfig>(current, {
    sources: joinSources(listLabel, keyLabel),
    async read() {
      const serverList = serverListFiles.length === 0 ? undefined : await readServerLists(serverListFiles, peerFamilyOf(setup.families));
      return { serverList, keys: keysOnReload(keyFiles, keySpecs, current.keys) };
    },
    changes: (old, next) => [...listChange(listLabel, 'server', old.serverList, next.serverList), ...keyChange(keyLabel, old.keys, next.keys)],
    apply,
  });
}
