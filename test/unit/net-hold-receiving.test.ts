// holdReceiving over loopback: while held nothing is read (the datagrams wait in the kernel's buffer) and
// sending goes on; released, what waited arrives, in order.
import type { Datagram } from '../../lib/net';
import { sleep, useSockets } from './net-helpers';

const socket = useSockets();

test('held: nothing delivered, sends go on; released: everything that waited, in order', async () => {
  const rx = socket(4);
  rx.bind('127.0.0.1', 0);
  const tx = socket(4);
  tx.bind('127.0.0.1', 0);
  const got: string[] = [];
  rx.onMessages((batch: Datagram[]) => batch.forEach((d) => got.push(Buffer.from(d.data).toString())));
  rx.holdReceiving(true);
  for (let i = 0; i < 20; i++) tx.send(Buffer.from(`d${i}`), '127.0.0.1', rx.address().port);
  rx.send(Buffer.from('from a held socket'), '127.0.0.1', tx.address().port);
  const echoed = new Promise<string>((resolve) => tx.onMessages((batch) => resolve(Buffer.from(batch[0].data).toString())));
  expect(await echoed).toBe('from a held socket');
  await sleep(100);
  expect(got).toEqual([]);
  rx.holdReceiving(false);
  for (let i = 0; i < 50 && got.length < 20; i++) await sleep(10);
  expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `d${i}`));
  expect(() => rx.holdReceiving('yes' as unknown as boolean)).toThrow(TypeError);
});
