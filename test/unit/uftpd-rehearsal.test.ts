// The start-up rehearsal of uftpd (lib/cli/uftpd/rehearsal.ts): our server machine and a client machine of
// the daemon's configuration complete whole sessions in memory, plain and AES-256-GCM, with the RSA key a
// daemon makes by default and with an EC key; what the daemon's options would make reach outside (a -S
// list that does not name the rehearsing server, -E, a status file) does not stop it.
import path from 'node:path';
import { createClient } from '../../lib/client';
import type { ClientConfig, ClientMachine } from '../../lib/client/types';
import { loadKeys } from '../../lib/cli/common/keys';
import { rehearse } from '../../lib/cli/uftpd/rehearsal';
import { createServer } from '../../lib/server';
import { clientConfig } from './client-helpers';

const KEYS = path.join(__dirname, '..', 'fixtures', 'keys');

/** A client machine that counts the datagrams it is given. */
function counting(counts: { datagrams: number }) {
  return (config: ClientConfig): ClientMachine => {
    const machine = createClient(config);
    const receive = machine.receive.bind(machine);
    machine.receive = (data, from, clock) => {
      counts.datagrams++;
      return receive(data, from, clock);
    };
    return machine;
  };
}

describe('uftpd rehearsal', () => {
  test.each([
    ['the default RSA-512 key', () => loadKeys([], [])],
    ['an EC key (ecdh_ecdsa)', () => loadKeys([path.join(KEYS, 'client_ec.pem')], [])],
  ])('plain and GCM sessions complete with %s', (_, keys) => {
    const counts = { datagrams: 0 };
    const result = rehearse(clientConfig({ keys: keys() }), { createClient: counting(counts), createServer });
    expect(result).toEqual({ sessions: 4, bytes: 4 * 6 * 1024 * 1024, completed: true });
    // Every block of every session reached the client once (4 x 6 MiB in blocks of 1300 bytes), plus the
    // session's other messages: nothing was lost or resent (a block spoilt in the server's ring would be).
    const blocks = 4 * Math.ceil((6 * 1024 * 1024) / 1300);
    expect(counts.datagrams).toBeGreaterThan(blocks);
    expect(counts.datagrams).toBeLessThan(blocks + 4 * 40);
  });

  test('the daemon\'s -S list, -E and status file do not keep the rehearsing server out', () => {
    const config = clientConfig({
      keys: loadKeys([], []),
      serverList: [{ id: 0x0a000001, address: '198.18.0.1' }],
      encryptedOnly: true,
      statusFile: true,
    });
    expect(rehearse(config, { createClient, createServer }).completed).toBe(true);
  });
});
