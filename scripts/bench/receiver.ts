// One receiver of the socket benchmark, run as its own process inside the receiving lab host:
// counts datagrams on a port with the addon's batched receive (plain, or with the kernel's receive
// coalescing: ReceiveOptions.coalesce) or with Node's dgram, and prints one
// JSON line: how many, over how much busy time, and the CPU this process spent doing it. Both do the
// same work per datagram: read its length and its first bytes (what a dispatcher reads of a header),
// so neither wins by leaving the payload untouched.
// Busy time is the sum of spans of traffic (a pause of more than --gap-ms ends a span), so idle
// waits between bursts do not dilute the rate. Ends on SIGTERM, or after --idle-ms without traffic.
//   node receiver.js --impl addon|addon-coalesce|dgram --port P [--rcvbuf BYTES] [--ready-file PATH] [--idle-ms MS] [--gap-ms MS]
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UdpSocket } from '../../lib/net';

export const RECEIVERS = ['dgram', 'addon', 'addon-coalesce'] as const;

export interface ReceiverResult {
  impl: (typeof RECEIVERS)[number];
  received: number;
  /** Busy time: the spans from the first to the last datagram of each stretch of traffic. */
  seconds: number;
  /** User + system CPU of this process from the first datagram to the end (it sleeps in between). */
  cpuSeconds: number;
  /** The receive buffer as the kernel reports it. */
  rcvbuf: number;
  /** What the per-datagram work computed (printed, so that it cannot be optimised away). */
  digest: number;
}

/** Bytes of each datagram read: a UFTP header's worth. */
const TOUCHED = 16;

type Impl = ReceiverResult['impl'];

/** Counts datagrams and busy spans; called once per batch (addon) or per datagram (dgram). */
class Counter {
  count = 0;
  digest = 0;
  busyNs = 0n;
  firstCpu?: NodeJS.CpuUsage;
  private spanStart = 0n;
  private last = 0n;

  constructor(private readonly gapNs: bigint) {}

  add(n: number): void {
    const now = process.hrtime.bigint();
    if (this.count === 0) {
      this.firstCpu = process.cpuUsage();
      this.spanStart = now;
    } else if (now - this.last > this.gapNs) {
      this.busyNs += this.last - this.spanStart;
      this.spanStart = now;
    }
    this.last = now;
    this.count += n;
  }

  /** The per-datagram work, the same for both receivers. */
  touch(data: Uint8Array): void {
    let d = this.digest ^ data.length;
    const n = Math.min(TOUCHED, data.length);
    for (let i = 0; i < n; i++) d = (d * 31 + data[i]) | 0;
    this.digest = d;
  }

  busySeconds(): number {
    return Number(this.busyNs + (this.last - this.spanStart)) / 1e9;
  }
}

interface Receiving {
  close: () => Promise<void>;
  rcvbuf: number;
}

function start(impl: Impl, port: number, rcvbuf: number, counter: Counter): Promise<Receiving> {
  if (impl !== 'dgram') {
    const socket = UdpSocket.open({ family: 4 });
    // Plain SO_RCVBUF, like dgram: both get the same (clamped) buffer.
    socket.setRecvBufferSize(rcvbuf, { force: false });
    socket.bind('0.0.0.0', port);
    // Transient batches: views of the socket's receive area, no allocation or copy (what a forwarder uses).
    socket.onMessages(
      (batch) => {
        counter.add(batch.length);
        for (const d of batch) counter.touch(d.data);
      },
      { transient: true, coalesce: impl === 'addon-coalesce' },
    );
    if (impl === 'addon-coalesce' && !socket.coalescing()) throw new Error('the kernel refused receive coalescing (UDP_GRO)');
    return Promise.resolve({ close: () => socket.close(), rcvbuf: socket.getRecvBufferSize() });
  }
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: rcvbuf });
  socket.on('message', (msg) => {
    counter.add(1);
    counter.touch(msg);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '0.0.0.0', () =>
      resolve({ close: () => new Promise<void>((r) => socket.close(() => r())), rcvbuf: socket.getRecvBufferSize() }),
    );
  });
}

/** Resolves on SIGTERM, or once traffic came and then none for idleMs (0 = SIGTERM only). */
function untilDone(counter: Counter, idleMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearInterval(timer);
      resolve();
    };
    process.once('SIGTERM', done);
    if (idleMs === 0) return;
    let seen = -1;
    timer = setInterval(() => {
      if (counter.count > 0 && counter.count === seen) done();
      seen = counter.count;
    }, idleMs);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      impl: { type: 'string' },
      port: { type: 'string' },
      rcvbuf: { type: 'string', default: String(4 * 1024 * 1024) },
      'ready-file': { type: 'string' },
      'idle-ms': { type: 'string', default: '0' },
      'gap-ms': { type: 'string', default: '20' },
    },
    strict: true,
  });
  const impl = values.impl as Impl;
  if (!RECEIVERS.includes(impl)) throw new Error(`--impl: '${values.impl}' is not one of ${RECEIVERS.join(', ')}`);
  const counter = new Counter(BigInt(Number(values['gap-ms']) * 1e6));
  const socket = await start(impl, Number(values.port), Number(values.rcvbuf), counter);
  if (values['ready-file']) writeFileSync(values['ready-file'], 'ready\n');
  await untilDone(counter, Number(values['idle-ms']));
  const cpu = process.cpuUsage(counter.firstCpu);
  await socket.close();
  const result: ReceiverResult = {
    impl,
    received: counter.count,
    seconds: counter.busySeconds(),
    cpuSeconds: counter.count === 0 ? 0 : (cpu.user + cpu.system) / 1e6,
    rcvbuf: socket.rcvbuf,
    digest: counter.digest,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`receiver: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
