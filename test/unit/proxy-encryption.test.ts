// A client proxy in an encrypted session (flow 5.1.1.2), between a server and a client played here with
// lib/crypto: the proxy shows its own key in the ANNOUNCE, registers with its own premaster, gets the group
// master from the server's KEYINFO, hands it to its client in a KEYINFO of its own, and turns the client's
// encrypted responses into encrypted aggregates the server can open.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  ReplayWindow, clientSessionKeys, decryptGroupMaster, decryptPremaster, ecdhPremaster, encryptGroupMaster,
  encryptPremaster, fingerprint, generateEcdhKey, groupKeys, keyinfoAckVerifyData, newGroupMaster, newPremaster,
  keyBlob, newRandom, verifyMessage,
} from '../../lib/crypto';
import {
  HashType, KeyExchangeType, decodeKeyBlob, type KeyBlob, KeyType, MessageType, NO_EXTENSIONS, SigType, UFTP_VERSION, decodeMessage, encodeMessage,
  parseIp, type Announce, type EncInfoExt, type FileInfoAck, type KeyInfo, type KeyInfoAck, type Register,
} from '../../lib/protocol';
import { unwrap, wrap } from '../../lib/protocol/encrypted';
import { createProxy } from '../../lib/proxy';
import { blobOf, keyOfBlob } from '../../lib/session/keys';
import type { ProxyKey } from '../../lib/proxy/types';
import {
  C1, CLIENT_PROXY, FakeClock, PROXY_UID, SERVER_ID, SERVER_PROXY, TimerWheel, config, counts, datagram, decoded,
  fileInfoAck, header, packet, regConf, sends,
} from './proxy-helpers';

const C1_ID = 0xc6121503;
const PRIVATE = '230.5.5.9';
const HASH = 'sha256';

function proxyKey(type: 'rsa' | 'ec'): ProxyKey {
  const { privateKey } = type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 1024 })
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { key: privateKey, type, fingerprint: fingerprint(privateKey) };
}

function announce(enc: EncInfoExt): Buffer {
  const msg: Announce = {
    type: MessageType.ANNOUNCE, flags: 0, robust: 20, ccType: 0, reserved: 0, blockSize: 1300, tsSec: 1795307393, tsUsec: 0,
    publicAddr: '230.4.4.1', privateAddr: PRIVATE, extensions: [enc], clientIds: [],
  };
  return packet(msg, SERVER_ID, { grtt: 0x9d });
}

function encInfo(keyex: KeyExchangeType, keyType: KeyType, sigType: SigType, serverKey: KeyObject, dhKey?: KeyObject): EncInfoExt {
  return {
    kind: 'encInfo', flags: 0, keyexType: keyex, sigType, keyType, hashType: HashType.SHA256, random: newRandom(),
    publicKey: blobOf(serverKey), dhKey: dhKey ? blobOf(dhKey) : null, signature: new Uint8Array(0),
  };
}

describe('client proxy with encryption (RSA key exchange, aes256-gcm, sha256)', () => {
  const serverKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const ours = proxyKey('rsa');
  const enc = encInfo(KeyExchangeType.RSA, KeyType.AES256_GCM, SigType.AUTHENC, serverKey);
  const cipher = 'aes-256-gcm';

  test('key exchange through the proxy, then encrypted responses in and out', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('client', { keys: [ours] }));
    const wheel = new TimerWheel(machine, clock);

    // ANNOUNCE: the clients see the proxy's key, the server's random.
    const shown = sends(wheel.handle(datagram(announce(enc), SERVER_PROXY, CLIENT_PROXY.address)));
    const shownEnc = (decoded(shown[0].data).message as Announce).extensions[0] as EncInfoExt;
    expect(fingerprint(keyOfBlob(shownEnc.publicKey)!)).toBe(ours.fingerprint);
    expect(Buffer.from(shownEnc.random)).toEqual(Buffer.from(enc.random));

    // The client registers with a premaster encrypted to the proxy's key.
    const clientRandom = newRandom();
    const clientPremaster = newPremaster(UFTP_VERSION);
    const reg: Register = {
      type: MessageType.REGISTER, tsSec: 1795307393, tsUsec: 100, random: clientRandom,
      keyInfo: encryptPremaster(keyOfBlob(shownEnc.publicKey)!, clientPremaster), extensions: NO_EXTENSIONS, clientIds: [],
    };
    wheel.handle(datagram(packet(reg, C1_ID), C1, CLIENT_PROXY.address));
    const up = sends(wheel.advance(600));
    const proxyReg = decoded(up[0].data).message as Register;
    expect(proxyReg.clientIds).toEqual([C1_ID]);

    // The server reads the proxy's premaster and gives it the group master.
    const proxyPremaster = decryptPremaster(serverKey, proxyReg.keyInfo);
    const proxySession = clientSessionKeys(HASH, cipher, proxyPremaster, enc.random, proxyReg.random);
    const master = newGroupMaster(UFTP_VERSION);
    const group = groupKeys(HASH, cipher, master, enc.random);
    const keyinfo: KeyInfo = {
      type: MessageType.KEYINFO, reserved: 0, ivCounter: 1n, extensions: NO_EXTENSIONS,
      keys: [{ clientId: PROXY_UID, groupMaster: encryptGroupMaster(proxySession, master, 1n, SERVER_ID) }],
    };
    // A KEYINFO for other clients only is not for this proxy, nor for its clients: dropped, not passed on.
    const others = packet({ ...keyinfo, keys: [{ ...keyinfo.keys[0], clientId: 0x0a0b0c0d }] }, SERVER_ID);
    expect(wheel.handle(datagram(others, SERVER_PROXY, CLIENT_PROXY.address))).toEqual([
      expect.objectContaining({ type: 'log', level: 5 }), { type: 'count', name: 'drop.unexpected' },
    ]);
    const acked = sends(wheel.handle(datagram(packet(keyinfo, SERVER_ID), SERVER_PROXY, CLIENT_PROXY.address)));
    expect(acked).toHaveLength(1);
    const serverReplay = new ReplayWindow();
    const ackInner = unwrap(acked[0].data, group, serverReplay, SigType.AUTHENC);
    expect(ackInner.ok).toBe(true);
    const ack = decodeMessage((ackInner as { value: Buffer }).value);
    const want = keyinfoAckVerifyData(HASH, {
      groupId: 0xc6527bee, privateAddress: parseIp(PRIVATE)!, serverRandom: enc.random, clientRandom: proxyReg.random,
      premaster: proxyPremaster, groupMaster: master,
    });
    expect(Buffer.from((ack as { value: KeyInfoAck }).value.verifyData)).toEqual(want);

    // REG_CONF naming the client: the proxy sends it KEYINFO in the server's name, on the private group.
    const kiOut = sends(wheel.handle(datagram(packet(regConf([C1_ID]), SERVER_ID), SERVER_PROXY, CLIENT_PROXY.address)));
    expect(kiOut[0].to.address).toBe(PRIVATE);
    const ki = decoded(kiOut[0].data);
    expect(ki.header.srcId).toBe(SERVER_ID);
    const kiMsg = ki.message as KeyInfo;
    const clientSession = clientSessionKeys(HASH, cipher, clientPremaster, enc.random, clientRandom);
    const got = decryptGroupMaster(clientSession, kiMsg.keys[0].groupMaster, kiMsg.ivCounter, ki.header.srcId, UFTP_VERSION);
    expect(got).toEqual(master);

    // The client's encrypted KEYINFO_ACK ends at the proxy; its FILEINFO_ACK goes on as the proxy's.
    const seal = (msg: Parameters<typeof encodeMessage>[0], iv: bigint) =>
      wrap(header(msg.type, C1_ID, { grtt: 0 }), encodeMessage(msg), group, iv, SigType.AUTHENC);
    const clientAck: KeyInfoAck = {
      type: MessageType.KEYINFO_ACK, reserved: 0, extensions: NO_EXTENSIONS,
      verifyData: keyinfoAckVerifyData(HASH, {
        groupId: 0xc6527bee, privateAddress: parseIp(PRIVATE)!, serverRandom: enc.random, clientRandom, premaster: clientPremaster, groupMaster: master,
      }),
    };
    const ackOut = wheel.handle(datagram(seal(clientAck, 1n), C1, CLIENT_PROXY.address));
    expect(sends(ackOut)).toEqual([]);
    expect(counts(ackOut)).toEqual(['key_exchange.client.ok']); // the client's key exchange is done: counted, nothing dropped
    const fia = seal(fileInfoAck(1, 1795307394, 5), 2n);
    wheel.handle(datagram(fia, C1, CLIENT_PROXY.address));
    expect(counts(wheel.handle(datagram(fia, C1, CLIENT_PROXY.address)))).toEqual(['drop.replay']);
    const plain = packet(fileInfoAck(1, 1795307394, 5), C1_ID);
    expect(counts(wheel.handle(datagram(plain, C1, CLIENT_PROXY.address)))).toEqual(['drop.unexpected']);
    const agg = sends(wheel.advance(1000)).filter((s) => s.to === SERVER_PROXY || s.to.address === SERVER_PROXY.address);
    expect(agg).toHaveLength(1);
    expect(decoded(agg[0].data).header).toMatchObject({ func: MessageType.ENCRYPTED, srcId: PROXY_UID });
    const inner = unwrap(agg[0].data, group, serverReplay, SigType.AUTHENC);
    expect(inner.ok).toBe(true);
    const msg = decodeMessage((inner as { value: Buffer }).value);
    expect((msg as { value: FileInfoAck }).value).toMatchObject({ type: MessageType.FILEINFO_ACK, fileId: 1, clientIds: [C1_ID] });
  });

  test('a client whose premaster does not decrypt is not registered', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('client', { keys: [ours] }));
    machine.handle(datagram(announce(enc), SERVER_PROXY, CLIENT_PROXY.address), clock);
    const reg: Register = {
      type: MessageType.REGISTER, tsSec: 1, tsUsec: 2, random: newRandom(), keyInfo: new Uint8Array(128).fill(7),
      extensions: NO_EXTENSIONS, clientIds: [],
    };
    expect(counts(machine.handle(datagram(packet(reg, C1_ID), C1, CLIENT_PROXY.address), clock))).toEqual(['drop.crypto']);
  });
});

describe('client proxy with ECDH (ecdh_ecdsa)', () => {
  test('the ANNOUNCE carries the proxy\'s EC keys and the proxy\'s signature; a client\'s ECDH REGISTER is taken', () => {
    const serverKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const serverDh = generateEcdhKey('prime256v1');
    const enc = encInfo(KeyExchangeType.ECDH_ECDSA, KeyType.AES128_GCM, SigType.AUTHENC, serverKey, serverDh.publicKey);
    const ours = proxyKey('ec');
    const clock = new FakeClock();
    const machine = createProxy(config('client', { keys: [ours] }));
    const wheel = new TimerWheel(machine, clock);
    const shown = sends(wheel.handle(datagram(announce(enc), SERVER_PROXY, CLIENT_PROXY.address)))[0].data;
    const shownEnc = (decoded(shown).message as Announce).extensions[0] as EncInfoExt;
    expect(fingerprint(keyOfBlob(shownEnc.publicKey)!)).toBe(ours.fingerprint);
    const proxyDh = keyOfBlob(shownEnc.dhKey)!;
    expect(fingerprint(proxyDh)).not.toBe(fingerprint(serverDh.publicKey));
    const zeroed = Buffer.from(shown);
    const sigAt = shown.length - shownEnc.signature.length;
    zeroed.fill(0, sigAt);
    expect(verifyMessage(HASH, keyOfBlob(shownEnc.publicKey)!, zeroed, shownEnc.signature)).toBe(true);

    const clientDh = generateEcdhKey('prime256v1');
    const reg: Register = {
      type: MessageType.REGISTER, tsSec: 1, tsUsec: 2, random: newRandom(), keyInfo: keyBlob(clientDh.publicKey),
      extensions: NO_EXTENSIONS, clientIds: [],
    };
    wheel.handle(datagram(packet(reg, C1_ID), C1, CLIENT_PROXY.address));
    const proxyReg = decoded(sends(wheel.advance(600))[0].data).message as Register;
    expect(proxyReg.clientIds).toEqual([C1_ID]);
    // The server derives a premaster with the proxy's ECDH key from the REGISTER: the proxy can too.
    expect(ecdhPremaster(serverDh.privateKey, keyOfBlob(decodeBlob(proxyReg.keyInfo))!)).toHaveLength(20);
  });
});

function decodeBlob(bytes: Uint8Array): KeyBlob | undefined {
  const blob = decodeKeyBlob(bytes, 0, bytes.length, 'test');
  return blob.ok ? blob.value : undefined;
}
