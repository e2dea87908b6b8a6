// send()'s checks that stop a session before it opens a socket: maxClients in range, and a closed group that
// lists no more destinations than maxClients allows (uftp's --max-clients refuses the same as usage errors).
import { send } from '../../lib/api';

const host = (id: number) => ({ id });

describe('send() maxClients', () => {
  test.each([0, -1, 1.5, 1_000_001, Number.NaN])('%p is refused', async (maxClients) => {
    await expect(send({ files: [], uid: 1, maxClients })).rejects.toThrow(/maxClients must be an integer from 1 to 1000000/);
  });

  test('more clients and proxies listed than maxClients are refused; the same ID twice counts once', async () => {
    const options = { files: [], uid: 1, maxClients: 2 };
    await expect(send({ ...options, clients: [host(1), host(2)], proxies: [host(3)] })).rejects.toThrow(
      'send(): 3 clients and proxies listed, more than maxClients (2)',
    );
    await expect(send({ ...options, clients: [host(1), host(2), host(2)], signal: AbortSignal.abort(), port: 0 })).resolves.toBeDefined();
  });
});
