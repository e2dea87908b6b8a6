// The daemon's glue over a real socket on loopback, with a small echo machine in place of the proxy:
// datagrams reach the machine and its sends go out, timers fire, a machine that throws on one packet
// is logged and counted while the next packet is served, one bad destination does not sink a batch,
// and stop() closes the socket and logs the counters.
import { Writable } from 'node:stream';
import { UdpSocket, type Datagram } from '../../lib/net';
import type { Clock, ProxyInput, ProxyMachine, ProxyOutput } from '../../lib/proxy/types';
import { Logger } from '../../lib/cli/common/log';
import { openUdpSocket } from '../../lib/cli/common/socket';
import { ProxyDaemon } from '../../lib/cli/proxyd/daemon';

/** Echoes each datagram to its sender; a few payloads ask for something else. */
class EchoMachine implements ProxyMachine {
  private last?: { address: string; port: number };
  start(clock: Clock): ProxyOutput[] {
    return [{ type: 'log', level: 2, message: `started at ${clock.now >= 0}` }];
  }
  handle(input: ProxyInput, clock: Clock): ProxyOutput[] {
    if (input.type === 'timer') return this.last ? [{ type: 'send', data: Buffer.from(`fired ${input.id}`), to: this.last }] : [];
    if (input.type === 'reconfigure') return [{ type: 'log', level: 1, message: `reconfigured: ${input.change.keys.length} keys` }];
    this.last = input.from;
    const text = Buffer.from(input.data).toString();
    if (text === 'throw') throw new Error('machine failure');
    if (text === 'timer') return [{ type: 'setTimer', id: 'T1', at: clock.now + 5 }];
    if (text === 'bad dest') {
      return [
        { type: 'send', data: Buffer.from('to nowhere'), to: { address: 'not-an-address', port: 1 } },
        { type: 'send', data: Buffer.from('still sent'), to: input.from },
      ];
    }
    return [
      { type: 'count', name: 'echo' },
      { type: 'log', level: 3, message: `echo ${text}`, groupId: 0x1234, fileId: 1 },
      { type: 'send', data: input.data, to: input.from },
    ];
  }
  sessionCount(): number {
    return 0;
  }
}

describe('ProxyDaemon glue', () => {
  let logText = '';
  let daemon: ProxyDaemon;
  let proxyPort: number;
  let client: UdpSocket;
  const received: string[] = [];
  let waiters: Array<() => void> = [];

  beforeAll(() => {
    const stream = new Writable({
      write(chunk, _e, done) {
        logText += chunk.toString();
        done();
      },
    });
    const logger = new Logger({ level: 5, to: { stream } });
    const socket = openUdpSocket({ family: 4, port: 0, bufferSize: 262144, dscp: 0, ttl: 1 });
    proxyPort = socket.address().port;
    daemon = new ProxyDaemon({ machine: new EchoMachine(), socket, logger, interfaces: [] });
    daemon.start();
    client = UdpSocket.open({ family: 4 });
    client.bind('127.0.0.1', 0);
    client.onMessages((batch: Datagram[]) => {
      for (const d of batch) received.push(d.data.toString());
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    });
  });
  afterAll(async () => {
    await daemon.stop();
    await client.close();
  });

  async function exchange(text: string, want: string): Promise<void> {
    client.send(Buffer.from(text), '127.0.0.1', proxyPort);
    const deadline = Date.now() + 5000;
    while (!received.includes(want)) {
      if (Date.now() > deadline) throw new Error(`no '${want}' after sending '${text}' (got ${JSON.stringify(received)})`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  it('feeds datagrams to the machine and sends what it answers', async () => {
    await exchange('hello', 'hello');
    expect(daemon.counters().get('echo')).toBe(1);
    expect(logText).toMatch(/: started at true\n/);
    expect(logText).toMatch(/: \[00001234\/00:0001\]: echo hello\n/);
  });

  it('a machine that throws is logged and counted; the next packet is served', async () => {
    client.send(Buffer.from('throw'), '127.0.0.1', proxyPort);
    await exchange('after', 'after');
    expect(received).toEqual(['hello', 'after']);
    expect(daemon.counters().get('internal_error')).toBe(1);
    expect(logText).toContain('Internal error handling packet from 127.0.0.1:');
    expect(logText).toContain('machine failure');
  });

  it('arms the timers the machine asks for and feeds their expiry back', async () => {
    await exchange('timer', 'fired T1');
  });

  it('a send to a bad address is counted and logged; the rest of the batch goes out', async () => {
    await exchange('bad dest', 'still sent');
    expect(daemon.counters().get('send_error')).toBe(1);
    expect(logText).toContain('Error sending to not-an-address:1');
  });

  it('a reload hands the new configuration to the machine as an input', async () => {
    daemon.reconfigure({ keys: [] });
    await new Promise((r) => setImmediate(r));
    expect(logText).toMatch(/: reconfigured: 0 keys\n/);
  });

  it('stop() logs the counters at level 2', async () => {
    await daemon.stop();
    expect(logText).toMatch(/Counters: echo=2, internal_error=1, send_error=1\n$/);
  });
});
