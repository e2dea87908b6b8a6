// The lines our uftp starts its log with, as the real uftp 4.10.2 prints them (docs/server-notes.md §1).
import { addressLine, ctime, rateLines } from '../../lib/cli/uftp/banner';
import type { UftpSetup } from '../../lib/cli/uftp/setup';

function setup(rateKbps: number, blockSize = 1300, cc: 'none' | 'tfmcc' = 'none'): UftpSetup {
  return { options: { rateKbps, blockSize }, cc: { type: cc }, privateAddress: '230.5.5.149', groupId: 0x3a542582 } as unknown as UftpSetup;
}

describe('uftp banner', () => {
  test('the rate and the wait between packets, in whole nanoseconds rounded down', () => {
    expect(rateLines(setup(100000))).toEqual(['Transfer rate: 100000 Kbps (12500 KB/s)', 'Wait between packets: 105625 ns']);
    // 1352 bytes at 25 600 000 B/s is 52812.5 ns: the real one prints 52812.
    expect(rateLines(setup(200000))[1]).toBe('Wait between packets: 52812 ns');
    expect(rateLines(setup(1000))[1]).toBe('Wait between packets: 10562500 ns');
    expect(rateLines(setup(-1))).toEqual(['Transfer rate: full interface speed']);
    expect(rateLines(setup(1000, 1300, 'tfmcc'))).toEqual(['Transfer rate: dynamic via TFMCC']);
  });

  test('the address line and ctime', () => {
    expect(addressLine(setup(1000))).toBe('Using private multicast address 230.5.5.149  Group ID: 3A542582');
    expect(ctime(new Date(2026, 11, 4, 14, 5, 3))).toBe('Fri Dec  4 14:05:03 2026');
  });
});
