// The lines our uftp starts its log with, as the real uftp 4.10.2 prints them (docs/server-notes.md §1).
import { addressLine, ctime, rateLines } from '../../lib/cli/uftp/banner';
import type { UftpSetup } from '../../lib/cli/uftp/setup';
import { generateKeyPairSync } from 'node:crypto';
import { CongestionControl, HashType, KeyExchangeType, KeyType, SigType } from '../../lib/protocol';
import { dataPacketBytes } from '../../lib/server/packet-size';
import type { EncryptionConfig } from '../../lib/server/types';

function setup(rateKbps: number, blockSize = 1300, cc: 'none' | 'tfmcc' = 'none'): UftpSetup {
  return { options: { rateKbps, blockSize }, cc: { type: cc }, privateAddress: '230.5.5.149', groupId: 0x3a542582 } as unknown as UftpSetup;
}

describe('uftp banner', () => {
  test('the rate and the wait between packets, in whole nanoseconds rounded down', () => {
    expect(rateLines(setup(100000), 1352)).toEqual(['Transfer rate: 100000 Kbps (12500 KB/s)', 'Wait between packets: 105625 ns']);
    // 1352 bytes at 25 600 000 B/s is 52812.5 ns: the real one prints 52812.
    expect(rateLines(setup(200000), 1352)[1]).toBe('Wait between packets: 52812 ns');
    expect(rateLines(setup(1000), 1352)[1]).toBe('Wait between packets: 10562500 ns');
    expect(rateLines(setup(-1), 1352)).toEqual(['Transfer rate: full interface speed']);
    expect(rateLines(setup(1000, 1300, 'tfmcc'), 1360)).toEqual(['Transfer rate: dynamic via TFMCC']);
  });

  test('the address line and ctime', () => {
    expect(addressLine(setup(1000))).toBe('Using private multicast address 230.5.5.149  Group ID: 3A542582');
    expect(ctime(new Date(2026, 11, 4, 14, 5, 3))).toBe('Fri Dec  4 14:05:03 2026');
  });
});

describe('data packet size (the pacer and the wait line)', () => {
  const plain = { blockSize: 1300, publicAddr: '230.4.4.1', cc: { type: CongestionControl.NONE } } as const;
  const enc = (keyType: KeyType, hashType: HashType, sigType: SigType): EncryptionConfig => ({
    keyType, hashType, sigType, keyexType: KeyExchangeType.RSA, clientAuth: false,
    key: { type: 'rsa', bits: 1024, key: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, fingerprint: '' } as unknown as EncryptionConfig['key'],
  });

  test('as the real uftp counts it (docs/server-notes.md §1)', () => {
    expect(dataPacketBytes(plain)).toBe(1352);
    expect(dataPacketBytes({ ...plain, publicAddr: 'ff15::1' })).toBe(1372);
    expect(dataPacketBytes({ ...plain, encryption: enc(KeyType.AES256_GCM, HashType.SHA256, SigType.AUTHENC) })).toBe(1380);
    expect(dataPacketBytes({ ...plain, encryption: enc(KeyType.AES128_CBC, HashType.SHA256, SigType.HMAC) })).toBe(1400);
    // The real uftp counts 1508 here, 12 bytes more than the packet it sends: left alone (under 1% of the pace).
    expect(dataPacketBytes({ ...plain, encryption: enc(KeyType.AES256_CBC, HashType.SHA512, SigType.KEYEX) })).toBe(1496);
  });
});
