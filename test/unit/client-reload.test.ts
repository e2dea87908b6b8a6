// A reload of uftpd (SIGHUP) as the client machine sees it: a new -S list and keys. A session under way keeps
// going to its end; sessions announced afterwards are judged by the new list and use the new keys; the public
// group's source-specific joins follow the list.
import { randomBytes } from 'node:crypto';
import { MessageType } from '../../lib/protocol';
import { BLOCK, Harness, SERVER, SERVER_ID, ServerSim, clientConfig, loadKey } from './client-helpers';

const PUBLIC = '232.4.4.1';
const OTHER = { address: '198.18.0.9', port: 40009 };
const SSM = { publicAddr: PUBLIC, privateAddr: '232.5.5.5' };

function listedHarness(): Harness {
  return new Harness(clientConfig({ publicGroups: [PUBLIC], serverList: [{ id: SERVER_ID, address: SERVER.address }] }));
}

describe('client machine: reconfigure (uftpd SIGHUP)', () => {
  test('the public group moves to the new sources: the new one joined before the old one is left', () => {
    const h = listedHarness();
    expect(h.joins).toEqual([{ join: true, group: PUBLIC, sources: [SERVER.address] }]);
    h.reconfigure({ serverList: [{ id: SERVER_ID, address: OTHER.address }], keys: h.config.keys });
    expect(h.joins.slice(1)).toEqual([
      { join: true, group: PUBLIC, sources: [OTHER.address] },
      { join: false, group: PUBLIC, sources: [SERVER.address] },
    ]);
  });

  test('an unchanged list joins and leaves nothing', () => {
    const h = listedHarness();
    h.reconfigure({ serverList: [{ id: SERVER_ID, address: SERVER.address, fingerprint: undefined }], keys: h.config.keys });
    expect(h.joins).toHaveLength(1);
  });

  test('a session under way from a server the new list drops finishes; a new one from it is refused', () => {
    const h = listedHarness();
    const running = new ServerSim();
    h.deliver(running.announce(SSM));
    h.deliver(running.regConf());
    h.reconfigure({ serverList: [{ id: SERVER_ID, address: OTHER.address }], keys: h.config.keys });

    const data = randomBytes(3 * BLOCK + 10);
    h.deliver(running.fileInfo(1, 'kept.bin', data.length));
    blocks(data).forEach((b, i) => h.deliver(running.fileSeg(1, 0, i, b)));
    h.deliver(running.done(1, 0));
    h.deliver(running.done(0, 0));
    h.deliver(running.doneConf());
    expect(h.file('/recv/kept.bin')).toEqual(data);
    expect(h.client.sessionCount()).toBe(0);

    const refused = new ServerSim({ groupId: 0x22220001 });
    h.deliver(refused.announce(SSM));
    expect(h.counts.get('drop.access')).toBe(1);
    expect(h.client.sessionCount()).toBe(0);

    const moved = new ServerSim({ groupId: 0x22220002 });
    h.deliver(moved.announce(SSM), OTHER);
    expect(h.client.sessionCount()).toBe(1);
    expect(h.messages(moved, MessageType.REGISTER).length).toBeGreaterThan(0);
  });

  test('new keys serve the sessions announced afterwards; the session under way keeps its key', () => {
    const h = new Harness(clientConfig({ keys: [loadKey('client_rsa.pem')] }));
    const running = new ServerSim({ encrypted: true });
    h.deliver(running.announce());
    const register = h.sent.at(-1)!;
    h.deliver(running.keyInfo(running.read(register.data)));
    h.reconfigure({ keys: [loadKey('client_ec.pem')] });

    const data = randomBytes(2 * BLOCK);
    h.deliver(running.fileInfo(1, 'sealed.bin', data.length));
    blocks(data).forEach((b, i) => h.deliver(running.fileSeg(1, 0, i, b)));
    h.deliver(running.done(1, 0));
    expect(h.file('/recv/sealed.bin')).toEqual(data);

    // An RSA server now finds no matching client key: the EC key replaced the RSA one.
    h.deliver(new ServerSim({ encrypted: true, groupId: 0x33330001 }).announce());
    expect(h.logText()).toContain('No client key compatible with server key');
  });
});

function blocks(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += BLOCK) out.push(data.subarray(i, i + BLOCK));
  return out;
}
