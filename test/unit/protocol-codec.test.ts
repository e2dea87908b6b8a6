// Field-level checks of the codecs: values read from the real programs' packets, messages the captures do not
// hold built by hand and round-tripped, and the errors bad input gets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Extension, FileType, HEADER_LEN, KeyBlobType, Message, MessageType, Packet, UFTP_VERSION, UftpHeader, abortText,
  decodeMessage, decodePacket, encodeKeyBlob, encodeMessage, encodePacket, keyBlobLength, nakedBlocks,
} from '../../lib/protocol';
import { fingerprint, importKeyBlob, verifyMessage } from '../../lib/crypto';

const CLIENT_ID = 0x0a0b0c02;
const SERVER_ID = 0x0a0b0c01;

function session(name: string): { dir: string; packet: Packet; bytes: Buffer }[] {
  const file = join(__dirname, '..', 'fixtures', 'packets', `${name}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { dir: string; hex: string }[]).map((p) => {
    const bytes = Buffer.from(p.hex, 'hex');
    const d = decodePacket(bytes);
    if (!d.ok) throw new Error(d.error.toString());
    return { dir: p.dir, packet: d.value, bytes };
  });
}

function messages<T extends MessageType>(name: string, type: T): Extract<Message, { type: T }>[] {
  return session(name).map((p) => p.packet.message).filter((m): m is Extract<Message, { type: T }> => m.type === type);
}

describe('real packets, field by field', () => {
  test('plain ANNOUNCE: defaults of uftp 4.10.2 and the server ID in the header', () => {
    const first = session('plain')[0];
    expect(first.packet.header).toMatchObject({ version: UFTP_VERSION, func: MessageType.ANNOUNCE, srcId: SERVER_ID, grtt: 0x9d });
    const a = messages('plain', MessageType.ANNOUNCE)[0];
    expect(a).toMatchObject({ flags: 0, robust: 20, ccType: 0, blockSize: 1300, publicAddr: '230.4.4.1', clientIds: [] });
    expect(a.privateAddr).toMatch(/^230\.5\.5\.\d+$/);
  });

  test('FILEINFO of every file type, names and link name as sent', () => {
    const infos = messages('plain', MessageType.FILEINFO);
    const byName = new Map(infos.map((f) => [f.name.toString(), f]));
    expect(byName.get('regular.bin')).toMatchObject({ fileType: FileType.REGULAR, size: 20000, clientIds: [CLIENT_ID] });
    expect(byName.get('empty')).toMatchObject({ fileType: FileType.REGULAR, size: 0 });
    expect(byName.get('exactly8')?.size).toBeGreaterThan(0);
    expect(byName.get('tree/empty-dir')?.fileType).toBe(FileType.DIRECTORY);
    expect(byName.get('tree/link-to-inner')?.fileType).toBe(FileType.SYMLINK);
    expect(byName.get('tree/link-to-inner')?.link.toString()).toBe('sub/inner.bin');
    expect(byName.get('tree/sub/inner.bin')?.size).toBe(3000);
    expect(byName.get('stale.txt')?.fileType).toBe(FileType.DELETE);
    expect(byName.get('.')?.fileType).toBe(FileType.FREESPACE);
    expect(infos.map((f) => f.fileId)).toEqual(infos.map((_f, i) => i + 1));
  });

  test('COMPLETE answering @FREESPACE carries EXT_FREESPACE_INFO', () => {
    const withSpace = messages('plain', MessageType.COMPLETE).filter((c) => c.extensions.length > 0);
    expect(withSpace).toHaveLength(1);
    const ext = withSpace[0].extensions[0];
    expect(ext.kind).toBe('freespaceInfo');
    if (ext.kind === 'freespaceInfo') expect(ext.freespace).toBeGreaterThan(0n);
  });

  test('STATUS NAK bitmaps name exactly the blocks the server sends again next', () => {
    for (const name of ['lossy', 'lossy-tfmcc']) {
      const packets = session(name).map((p) => p.packet.message);
      const statuses = packets.map((m, i) => [m, i] as const).filter(([m]) => m.type === MessageType.STATUS);
      expect(statuses.length).toBeGreaterThan(0);
      for (const [status, i] of statuses) {
        if (status.type !== MessageType.STATUS) continue;
        // The resent blocks follow, up to the DONE that ends the pass (one listing clients again).
        const resent: number[] = [];
        for (let j = i + 1; j < packets.length; j++) {
          const m = packets[j];
          if (m.type === MessageType.FILESEG) resent.push(m.blockNum);
          if (m.type === MessageType.DONE && m.clientIds.length > 0) break;
        }
        expect(resent.length).toBeGreaterThan(0);
        // The capture keeps 3 of each run of same-sized FILESEGs, so compare the first ones resent.
        expect(nakedBlocks(status.naks).slice(0, resent.length)).toEqual(resent);
      }
    }
  });

  test('TFMCC: FILESEG data info, CONG_CTRL items, CC_ACK and STATUS ack info', () => {
    const seg = messages('tfmcc', MessageType.FILESEG)[0];
    expect(seg.extensions[0].kind).toBe('tfmccDataInfo');
    const cc = messages('tfmcc', MessageType.CONG_CTRL).find((m) => m.items.length > 0);
    expect(cc?.items[0].clientId).toBe(CLIENT_ID);
    const ack = messages('tfmcc', MessageType.CC_ACK)[0].extensions[0];
    expect(ack).toMatchObject({ kind: 'tfmccAckInfo', clientId: CLIENT_ID });
    const status = messages('lossy-tfmcc', MessageType.STATUS)[0].extensions[0];
    expect(status).toMatchObject({ kind: 'tfmccAckInfo', clientId: CLIENT_ID });
  });

  test('EXT_ENC_INFO with RSA: blob exponent 65537 and a 1024-bit modulus; REGISTER has the 128-byte premaster', () => {
    const a = messages('aes256gcm-rsa', MessageType.ANNOUNCE)[0];
    const enc = a.extensions[0];
    if (enc.kind !== 'encInfo') throw new Error('no EXT_ENC_INFO');
    expect(enc).toMatchObject({ flags: 1, keyexType: 1, sigType: 3, keyType: 6, hashType: 3, dhKey: null });
    expect(enc.publicKey).toMatchObject({ blobType: KeyBlobType.RSA, exponent: 65537 });
    if (enc.publicKey.blobType === KeyBlobType.RSA) expect(enc.publicKey.modulus.length).toBe(128);
    expect(messages('aes256gcm-rsa', MessageType.REGISTER)[0].keyInfo.length).toBe(128);
    expect(messages('aes256gcm-rsa', MessageType.CLIENT_KEY)[0].publicKey.blobType).toBe(KeyBlobType.RSA);
  });

  test('EXT_ENC_INFO with ECDH/ECDSA: prime256v1 (23) blobs of 64-byte points, and a signature', () => {
    const enc = messages('ecdh-ecdsa', MessageType.ANNOUNCE)[0].extensions[0];
    if (enc.kind !== 'encInfo') throw new Error('no EXT_ENC_INFO');
    expect(enc.keyexType).toBe(3);
    for (const blob of [enc.publicKey, enc.dhKey]) {
      expect(blob).toMatchObject({ blobType: KeyBlobType.EC, curve: 23 });
      if (blob?.blobType === KeyBlobType.EC) expect(blob.key.length).toBe(64);
    }
    expect(enc.signature.length).toBeGreaterThan(60);
  });

  test('EC key blobs are padded to a word outside their key length: a real ANNOUNCE with a sect163k1 key', () => {
    // uftp -e ecdh_ecdsa -Y aes128-gcm -h sha256 -k K -H 0x01020304, K made by `uftp_keymgt -g ec:sect163k1`,
    // which printed the fingerprint below; captured on lo.
    const bytes = Buffer.from(
    '400100007f000001a3cff71c009d1800013a0014000005146b024c5c00037a14e6040401e60505860134003305030030004400305c4c026b' +
    'c50a94a0e0cb956dd1a29145b9390de2a347359c92700122fcd5a2cf0201002a04ecb9d4ae3efb4c5107e66b2e1fe886cc7c80185404b664' +
    '35bb548345dccd08cf685c06b9387b2d5841000002170040c3321bc3abfd44eb372321b8e168fbc7eb2922a63271f17de7f405462fa64fa2' +
    '3f8c458d21089a3e80f14e530f3b6400c295cdf5044ed087a27d72650ccd618c00150015036eecd1618682fc0e56276415d17845cb942a1c' +
    '5a0384ac3511adee21f036ae27f7b57b09ad8accf74a000001020304',
      'hex',
    );
    const packet = decodePacket(bytes);
    if (!packet.ok) throw new Error(packet.error.toString());
    expect(encodePacket(packet.value.header, packet.value.message).equals(bytes)).toBe(true);
    const announce = packet.value.message as Extract<Message, { type: MessageType.ANNOUNCE }>;
    const enc = announce.extensions[0];
    if (enc.kind !== 'encInfo' || enc.publicKey.blobType !== KeyBlobType.EC) throw new Error('no EC key in EXT_ENC_INFO');
    expect([enc.publicKey.curve, enc.publicKey.key.length, keyBlobLength(enc.publicKey)]).toEqual([1, 42, 48]);
    // lib/crypto reads the same bytes as the key the real programs fingerprint, and it signed the packet.
    const key = importKeyBlob(encodeKeyBlob(enc.publicKey)).key;
    expect(fingerprint(key)).toBe('B4:D7:D4:84:71:39:EE:F8:03:91:F0:D7:CF:90:4F:32:5B:70:E6:C5');
    const at = bytes.lastIndexOf(Buffer.from(enc.signature));
    const zeroed = Buffer.from(bytes).fill(0, at, at + enc.signature.length);
    expect(verifyMessage('sha256', key, zeroed, enc.signature)).toBe(true);
    // Non-zero padding would not re-encode to the same bytes: refused.
    const badPad = Buffer.from(bytes);
    badPad[bytes.indexOf(encodeKeyBlob(enc.publicKey)) + 47] = 1;
    expect(decodePacket(badPad)).toMatchObject({ ok: false, error: { kind: 'field' } });
  });

  test('IPv6 ANNOUNCE addresses', () => {
    const a = messages('ipv6', MessageType.ANNOUNCE)[0];
    expect(a.flags & 0x04).toBe(0x04);
    expect([a.publicAddr, a.privateAddr]).toEqual(['ff15::1:1', 'ff15::2:1']);
  });

  test('closed group: the ANNOUNCE lists the client', () => {
    expect(messages('closed-sync', MessageType.ANNOUNCE)[0].clientIds).toEqual([CLIENT_ID]);
  });

  test('ABORT from a client that has no key the server accepts', () => {
    const abort = messages('abort', MessageType.ABORT)[0];
    expect(abort.host).toBe(0);
    expect(abort.message.length).toBe(300);
    expect(abortText(abort)).toMatch(/key/i);
  });

  test('FILESEG data is a view into the datagram, not a copy', () => {
    const p = session('plain').find((x) => x.packet.message.type === MessageType.FILESEG)!;
    const again = decodePacket(p.bytes);
    if (!again.ok || again.value.message.type !== MessageType.FILESEG) throw new Error('not a FILESEG');
    const data = again.value.message.data;
    expect(data.buffer).toBe(p.bytes.buffer);
    expect(data.byteOffset).toBe(p.bytes.byteOffset + HEADER_LEN + 8);
  });

  test('ENCRYPTED packets come back as a marker holding the bytes after the header', () => {
    const p = session('aes128cbc-hmac').find((x) => x.packet.header.func === MessageType.ENCRYPTED)!;
    expect(p.packet.message.type).toBe(MessageType.ENCRYPTED);
    if (p.packet.message.type === MessageType.ENCRYPTED) expect(p.packet.message.body.length).toBe(p.bytes.length - HEADER_LEN);
  });
});

const header: UftpHeader = {
  version: UFTP_VERSION, func: 0, seq: 7, srcId: 0x01020304, groupId: 0xdeadbeef, groupInst: 2, grtt: 0x6a, gsize: 0x18, reserved: 0,
};
const rsaKey = { blobType: KeyBlobType.RSA, reserved: 0, exponent: 65537, modulus: new Uint8Array(64).fill(0xab) } as const;
const ecKey = { blobType: KeyBlobType.EC, curve: 23, key: new Uint8Array(64).fill(0xcd) } as const;
const unknownExt: Extension = { kind: 'raw', type: 0x42, bytes: Uint8Array.from([0x42, 2, 9, 9, 1, 2, 3, 4]) };

const handBuilt: Message[] = [
  { type: MessageType.HB_REQ, reserved: 0, nonce: 0x11223344, publicKey: rsaKey, signedNonce: new Uint8Array(64).fill(7), extensions: [] },
  { type: MessageType.HB_REQ, reserved: 0, nonce: 0, publicKey: null, signedNonce: new Uint8Array(0), extensions: [] },
  { type: MessageType.HB_RESP, authenticated: 2, reserved: 0, nonce: 0x55667788, extensions: [] },
  { type: MessageType.KEY_REQ, reserved: 0, extensions: [unknownExt] },
  { type: MessageType.PROXY_KEY, nonce: 9, publicKey: ecKey, dhKey: ecKey, signedNonce: new Uint8Array(70).fill(3), extensions: [] },
  { type: MessageType.KEYINFO_ACK, reserved: 0, verifyData: new Uint8Array(12).fill(5), extensions: [] },
  { type: MessageType.KEYINFO, reserved: 0, ivCounter: 0x0102030405060708n, extensions: [], keys: [{ clientId: 1, groupMaster: new Uint8Array(48).fill(1) }] },
  {
    type: MessageType.FILEINFO, fileId: 3, fileType: FileType.SYMLINK, reserved: 0, name: Buffer.from('dir/\u00e9'),
    link: Buffer.from('abcd'), size: 2 ** 40 + 5, fileTstamp: 1, tsSec: 2, tsUsec: 3, extensions: [unknownExt], clientIds: [4, 5],
  },
  { type: MessageType.CC_ACK, reserved: 0, extensions: [{ kind: 'tfmccAckInfo', flags: 6, reserved: 0, ccSeq: 1, ccRate: 2, clientId: 3, tsSec: 4, tsUsec: 5 }] },
];

describe('hand-built messages', () => {
  test.each(handBuilt.map((m) => [MessageType[m.type], m] as const))('%s encodes, decodes to the same fields, and re-encodes identically', (_n, m) => {
    const bytes = encodeMessage(m);
    expect(bytes.length % 4).toBe(0);
    expect(bytes[1] * 4).toBeLessThanOrEqual(bytes.length);
    const back = decodeMessage(bytes);
    if (!back.ok) throw new Error(back.error.toString());
    expect(back.value).toEqual(m);
    expect(encodeMessage(back.value).equals(bytes)).toBe(true);
    const packet = decodePacket(encodePacket(header, m));
    if (!packet.ok) throw new Error(packet.error.toString());
    expect(packet.value.header).toEqual({ ...header, func: m.type });
  });

  test('an unknown extension is kept whole, so re-encoding gives the same bytes', () => {
    const bytes = encodeMessage(handBuilt[3]);
    expect(bytes.subarray(4).equals(Buffer.from(unknownExt.kind === 'raw' ? unknownExt.bytes : []))).toBe(true);
  });
});

describe('bad input is refused with an error that says what is wrong', () => {
  const fileseg = encodePacket(header, {
    type: MessageType.FILESEG, fileId: 1, section: 0, blockNum: 0, extensions: [], data: Buffer.from('data'),
  });
  const refuse = (bytes: Uint8Array) => {
    const r = decodePacket(bytes);
    if (r.ok) throw new Error('accepted');
    return r.error;
  };

  test('short packet and wrong version', () => {
    expect(refuse(fileseg.subarray(0, 10))).toMatchObject({ kind: 'length' });
    const v3 = Buffer.from(fileseg);
    v3[0] = 0x30;
    expect(refuse(v3)).toMatchObject({ kind: 'version' });
  });

  test('unknown function, and a header function that differs from the body', () => {
    const unknown = Buffer.from(fileseg);
    unknown[1] = unknown[HEADER_LEN] = 30;
    expect(refuse(unknown).message).toMatch(/unknown message function 30/);
    const mismatch = Buffer.from(fileseg);
    mismatch[1] = MessageType.DONE;
    expect(refuse(mismatch)).toMatchObject({ kind: 'function' });
  });

  test('header length past the end, extension of length 0, or running past the header', () => {
    const long = Buffer.from(fileseg);
    long[HEADER_LEN + 1] = 200;
    expect(refuse(long).message).toMatch(/FILESEG header length 800 runs past/);
    const zeroExt = encodePacket(header, { type: MessageType.KEY_REQ, reserved: 0, extensions: [unknownExt] });
    zeroExt[HEADER_LEN + 5] = 0;
    expect(refuse(zeroExt)).toMatchObject({ kind: 'extension' });
    zeroExt[HEADER_LEN + 5] = 9;
    expect(refuse(zeroExt).message).toMatch(/runs past the header/);
  });

  test('a known extension of the wrong size', () => {
    const ack = encodePacket(header, handBuilt[8]);
    ack[HEADER_LEN + 5] = 4;
    ack[HEADER_LEN + 1] = 5;
    expect(refuse(ack.subarray(0, HEADER_LEN + 20))).toMatchObject({ kind: 'extension' });
  });

  test('FILEINFO name with bytes after its NUL, and client IDs that are not whole', () => {
    const info = encodePacket(header, handBuilt[7]);
    const bad = Buffer.from(info);
    bad[HEADER_LEN + 28 + 7] = 0x41; // 'dir/é' is 6 bytes: NUL, then a padding byte made non-zero
    expect(refuse(bad).message).toMatch(/after its terminating NUL/);
    expect(refuse(info.subarray(0, info.length - 2)).message).toMatch(/whole number of 4-byte client IDs/);
  });

  test('a key blob that does not fill its field', () => {
    const hb = encodePacket(header, handBuilt[0]);
    hb.writeUInt16BE(60, HEADER_LEN + 12 + 2); // modulus length inside the blob
    expect(refuse(hb)).toMatchObject({ kind: 'length' });
  });
});
