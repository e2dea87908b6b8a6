// The -S server list files of uftpd(1) (common/server-lists.ts reads them): the ID is hex as -U's.
import type { Family } from '../../net';
import type { ServerListEntry } from '../../session/types';
import { parseHexId } from '../common/addresses';
import { readServerLists as readLists } from '../common/server-lists';

const ID_FORM = {
  parse: (text: string): number => parseHexId('-S', 'server ID', text),
  text: '1-8 hex digits (0xNNNNNNNN or NNNNNNNN), not 0 or 0xFFFFFFFF',
};

/** Every -S file's entries, the addresses resolved in `family` ('any' when the client listens on IPv6). */
export function readServerLists(paths: string[], family: Family | 'any'): Promise<ServerListEntry[]> {
  return readLists(paths, family, ID_FORM);
}
