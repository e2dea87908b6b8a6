// The lab tests' prerequisite check names what is missing and the apt packages that have it.
import { LAB_TOOLS, missingMessage, missingTools } from '../../test/lab/helpers/prerequisites';

describe('lab prerequisites', () => {
  test('one message, each package once, in the order found', () => {
    expect(missingMessage(['tcpdump', 'nft', 'ss', 'ip', '/usr/bin/uftpd'])).toBe(
      'tcpdump, nft, ss, ip, /usr/bin/uftpd not found: apt-get install tcpdump nftables iproute2 uftp',
    );
    expect(missingMessage([])).toBeUndefined();
  });

  test('programs are looked up on PATH, absolute ones by path', () => {
    expect(missingTools(['sh', '/bin/sh', 'no-such-program-here', '/no/such/file'])).toEqual(['no-such-program-here', '/no/such/file']);
  });

  test('every program the lab runs has its package named', () => {
    for (const [program, apt] of Object.entries(LAB_TOOLS)) expect([program, apt]).toEqual([program, expect.stringMatching(/^[a-z0-9.+-]+$/)]);
    for (const p of ['tcpdump', 'nft', 'socat', 'ip', '/usr/bin/uftp']) expect(LAB_TOOLS).toHaveProperty([p]);
  });
});
