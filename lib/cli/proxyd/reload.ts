// uftpproxyd's reload (SIGHUP), every mode: the -S and -C lists and the -k key files read again; keys made by
// -K stay as they are. A session keeps the configuration it began with (lib/proxy holds it per session);
// the public groups' source-specific joins follow the new -S list.
import type { ProxyReconfig } from '../../proxy/types';
import { keyChange, keySources, keysOnReload, joinSources, listChange } from '../common/reload-changes';
import { Reloader } from '../common/reloader';
import { readClientLists, readServerLists } from './lists';
import type { ProxydSetup } from './setup';

/** `current`: what the daemon started with; `apply` hands a new configuration to the proxy machine. */
export function proxydReloader(setup: ProxydSetup, current: ProxyReconfig, apply: (next: ProxyReconfig) => void): Reloader<ProxyReconfig> {
  const { serverListFiles, clientListFiles, keyFiles, keySpecs } = setup.options;
  const serverLabel = serverListFiles.length === 0 ? '' : `-S ${serverListFiles.join(', ')}`;
  const clientLabel = clientListFiles.length === 0 ? '' : `-C ${clientListFiles.join(', ')}`;
  const keyLabel = keySources(keyFiles, keySpecs);
  return new Reloader<ProxyReconfig>(current, {
    sources: joinSources(serverLabel, clientLabel, keyLabel),
    async read() {
      const next: ProxyReconfig = { keys: keysOnReload(keyFiles, keySpecs, current.keys) };
      if (serverListFiles.length > 0) next.serverList = await readServerLists(serverListFiles, setup.dualStack ? 'any' : setup.family);
      if (clientListFiles.length > 0) next.clientList = readClientLists(clientListFiles);
      return next;
    },
    changes: (old, next) => [
      ...listChange(serverLabel, 'server', old.serverList, next.serverList),
      ...listChange(clientLabel, 'client', old.clientList, next.clientList),
      ...keyChange(keyLabel, old.keys, next.keys),
    ],
    apply,
  });
}
