// LineWriter: JSON or text per record, one write per flush, and error text that shows the errno name.
import { PassThrough } from 'node:stream';
import { describeError, LineWriter } from '../../lib/cli/diag/output';

function capture() {
  const stream = new PassThrough();
  const writes: string[] = [];
  stream.on('data', (c: Buffer) => writes.push(c.toString()));
  return { stream, writes };
}

describe('LineWriter', () => {
  test('JSON mode: one object per line, notes left out, one write per flush', async () => {
    const { stream, writes } = capture();
    const out = new LineWriter(stream, true);
    for (let i = 0; i < 1000; i++) out.record({ n: i }, () => `n=${i}`);
    out.note('human only');
    out.flush();
    out.flush(); // nothing pending: no empty write
    await new Promise(setImmediate);
    expect(writes).toHaveLength(1);
    const lines = writes[0].trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines.map((l) => JSON.parse(l).n)).toEqual([...Array(1000).keys()]);
  });

  test('text mode: the text lines and notes, and the text is built only in text mode', async () => {
    const { stream, writes } = capture();
    const out = new LineWriter(stream, false);
    out.record({ n: 1 }, () => 'one');
    out.note('a note');
    out.flush();
    await new Promise(setImmediate);
    expect(writes.join('')).toBe('one\na note\n');

    const json = new LineWriter(new PassThrough(), true);
    json.record({}, () => {
      throw new Error('text built in JSON mode');
    });
  });
});

describe('describeError', () => {
  test('adds syscall and code when the message lacks them', () => {
    const err = Object.assign(new Error('address already in use'), { code: 'EADDRINUSE', errno: 98, syscall: 'bind' });
    expect(describeError(err)).toBe('bind: address already in use (EADDRINUSE)');
  });

  test('leaves a message that has them alone', () => {
    const err = Object.assign(new Error('bind EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'bind' });
    expect(describeError(err)).toBe('bind EADDRINUSE');
  });
});
