// -B reporting: the doubled getsockopt figure of Linux is halved, and a grant below the request is a warning.
import { bufferReports, NO_FORCE, grantedBytes } from '../../lib/cli/common/buffers';

describe('grantedBytes', () => {
  test('Linux reports twice the granted size', () => {
    expect(grantedBytes(16777216, 'linux')).toBe(8388608);
  });

  test('elsewhere the reported size is the granted one', () => {
    expect(grantedBytes(8388608, 'freebsd')).toBe(8388608);
  });
});

describe('bufferReports', () => {
  test('a met request is a level-3 line per buffer with the granted size', () => {
    expect(bufferReports(104857600, { receive: 209715200, send: 209715200 }, 'linux')).toEqual([
      { level: 3, message: 'UDP receive buffer: kernel granted 104857600 bytes, asked for 104857600' },
      { level: 3, message: 'UDP send buffer: kernel granted 104857600 bytes, asked for 104857600' },
    ]);
  });

  test('a request cut down to rmem_max is a warning, though the doubled figure equals the request', () => {
    // 8 MiB asked, 4 MiB rmem_max: getsockopt says 8 MiB, which is half what the test of the request needs.
    const [receive, send] = bufferReports(8388608, { receive: 8388608, send: 16777216 }, 'linux');
    expect(receive).toEqual({ level: 1, message: 'Warning: UDP receive buffer: kernel granted 4194304 bytes, asked for 8388608' });
    expect(send.level).toBe(3);
  });
});

describe('a short buffer without FORCE', () => {
  test('says that CAP_NET_ADMIN is missing when the FORCE request was not granted', () => {
    const [receive, send] = bufferReports(8388608, { receive: 8388608, send: 8388608 }, 'linux', false);
    expect(receive).toEqual({ level: 1, message: `Warning: UDP receive buffer: kernel granted 4194304 bytes, asked for 8388608; ${NO_FORCE}` });
    expect(send.message).toContain(NO_FORCE);
  });

  test('says nothing of it when the request was met, FORCE or not, or when FORCE was granted', () => {
    for (const forced of [true, false, undefined]) {
      expect(bufferReports(262144, { receive: 524288, send: 524288 }, 'linux', forced).map((r) => r.message).join()).not.toContain('CAP_NET_ADMIN');
    }
    expect(bufferReports(8388608, { receive: 8388608, send: 8388608 }, 'linux', true)[0].message).not.toContain('CAP_NET_ADMIN');
  });
});

