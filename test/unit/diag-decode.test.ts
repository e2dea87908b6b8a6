// `uftp_diag decode`: every packet the real UFTP 4.10.2 programs sent (test/fixtures) goes through the real
// main() in both output modes; the JSON is checked against the packet's own bytes, the text against the JSON.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packetFromStdin, parseHex } from '../../lib/cli/diag/decode';
import { dissectPacket, keyFields } from '../../lib/cli/diag/dissect';
import { pairsText } from '../../lib/cli/diag/dissect-text';
import { MessageType, formatIp } from '../../lib/protocol';
import { runDiag } from './diag-helpers';

interface FixturePacket {
  dir: string;
  hex: string;
}

const FIXTURES = join(__dirname, '..', 'fixtures');
const REGISTER = join(__dirname, '..', 'lab', 'helpers', 'ts-register.js');
const MAIN = join(__dirname, '..', '..', 'lib', 'cli', 'diag', 'main.ts');

function jsonFiles(dir: string): string[] {
  return readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

function load(file: string): FixturePacket[] {
  const parsed = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as FixturePacket[] | { packets: FixturePacket[] };
  return Array.isArray(parsed) ? parsed : parsed.packets;
}

const files = [...jsonFiles('packets'), ...jsonFiles('sessions')];

const id = (b: Buffer, at: number) => `0x${b.toString('hex', at, at + 4).toUpperCase()}`;

function popcount(bytes: Buffer): number {
  let n = 0;
  for (const byte of bytes) for (let v = byte; v; v &= v - 1) n++;
  return n;
}

/** Checks of the message fields that read straight off the wire layout (protocol.txt 5.2). */
function checkMessage(b: Buffer, type: number, m: Record<string, unknown>): void {
  const body = b.subarray(16);
  const hlen = body[1] * 4;
  switch (type) {
    case MessageType.ANNOUNCE: {
      const a = body[2] & 0x04 ? 16 : 4;
      expect(m.blockSize).toBe(body.readUInt16BE(6));
      expect(m.publicAddr).toBe(formatIp(body, 16, a));
      expect(m.privateAddr).toBe(formatIp(body, 16 + a, a));
      break;
    }
    case MessageType.FILESEG:
      expect([m.fileId, m.section, m.blockNum]).toEqual([body.readUInt16BE(2), body.readUInt16BE(4), body.readUInt16BE(6)]);
      expect(m.data).toBe(body.subarray(hlen).toString('hex'));
      break;
    case MessageType.STATUS:
      expect(m.nakCount).toBe(popcount(body.subarray(hlen)));
      expect((m.nakedBlocks as number[]).length).toBe(m.nakCount);
      break;
    case MessageType.KEYINFO:
      expect(m.ivCounter).toBe(body.readBigUInt64BE(4).toString());
      break;
    case MessageType.ENCRYPTED:
      expect(m.ivCounter).toBe(body.readBigUInt64BE(0).toString());
      expect([m.signatureLength, m.payloadLength]).toEqual([body.readUInt16BE(8), body.readUInt16BE(10)]);
      expect(m.payload).toBe(body.subarray(12 + body.readUInt16BE(8)).toString('hex'));
      break;
  }
  // Lists of client IDs: one 0x%08X string per 4 bytes after the header.
  if ([MessageType.DONE, MessageType.COMPLETE, MessageType.REG_CONF, MessageType.FILEINFO].includes(type)) {
    const ids = Array.from({ length: (body.length - hlen) / 4 }, (_v, i) => id(body, hlen + 4 * i));
    expect(m.clientIds).toEqual(ids);
  }
}

describe.each(files)('%s', (file) => {
  const packets = load(file);
  test.each(packets.map((p, i) => [i, p.hex.slice(2, 4), p] as const))(
    'packet %i (func 0x%s): JSON from the bytes, text with the same fields',
    async (_i, _func, p) => {
      const b = Buffer.from(p.hex, 'hex');
      const json = await runDiag(['decode', p.hex, '--json']);
      expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: '' });
      const lines = json.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const d = JSON.parse(lines[0]) as { header: Record<string, unknown>; type: string; message: Record<string, unknown> };
      expect(d.type).toBe(MessageType[b[1]]);
      expect(d.header).toMatchObject({
        version: '0x40', function: MessageType[b[1]], func: b[1], seq: b.readUInt16BE(2), srcId: id(b, 4),
        groupId: id(b, 8), groupInst: b[12], grtt: b[13], gsize: b[14],
      });
      expect(typeof d.header.grttSeconds).toBe('number');
      checkMessage(b, b[1], d.message);

      const text = await runDiag(['decode', p.hex]);
      expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
      expect(text.stdout).toContain(`function        ${d.type} (${b[1]})`);
      expect(text.stdout).toContain(`source id       ${id(b, 4)}`);
      expect(text.stdout).toContain(`group id        ${id(b, 8)}`);
      expect(text.stdout).toMatch(new RegExp(`GRTT +${b[13]} \\(${d.header.grttSeconds} s\\)`));
      expect(text.stdout).toContain(`\n${d.type}\n`);
      for (const key of Object.keys(d.message).filter((k) => !k.endsWith('Name'))) {
        expect(text.stdout).toMatch(new RegExp(`^  ${key}:`, 'm'));
      }
    },
  );
});

test('the fixtures hold every message type the dissector is checked on above', () => {
  const seen = new Set(files.flatMap((f) => load(f).map((p) => parseInt(p.hex.slice(2, 4), 16))));
  for (const t of [MessageType.ANNOUNCE, MessageType.FILESEG, MessageType.STATUS, MessageType.KEYINFO, MessageType.ENCRYPTED,
    MessageType.DONE, MessageType.COMPLETE, MessageType.REG_CONF, MessageType.FILEINFO]) {
    expect([MessageType[t], seen.has(t)]).toEqual([MessageType[t], true]);
  }
});

const plain = load('packets/plain.json');
const fileSeg = plain.find((p) => p.hex.slice(2, 4) === '09') as FixturePacket;
const encrypted = load('packets/aes256gcm-rsa.json').find((p) => p.hex.slice(2, 4) === '12') as FixturePacket;

describe('bad input', () => {
  test.each([
    ['odd number of digits', '40010', /HEX: odd number of hex digits \(5\)/],
    ['not hex', '40zz', /HEX: 'z' at digit 2 is not a hex digit/],
    ['no argument', undefined, /HEX\|- is required/],
  ])('%s: named, with the usage, exit 1', async (_what, arg, message) => {
    const r = await runDiag(arg === undefined ? ['decode'] : ['decode', arg]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: uftp_diag decode HEX|-');
  });

  test('two packets are one too many', async () => {
    const r = await runDiag(['decode', fileSeg.hex, fileSeg.hex]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`unexpected argument '${fileSeg.hex}'`);
  });

  const fileInfo = Buffer.from(plain.find((p) => p.hex.slice(2, 4) === '07')?.hex as string, 'hex');
  const badEncrypted = Buffer.from(encrypted.hex, 'hex');
  badEncrypted.writeUInt16BE(badEncrypted.readUInt16BE(26) + 4, 26); // payload length past the end
  test.each([
    ['shorter than the header', '400900', 'length', /shorter than the 16-byte UFTP header/],
    ['UFTP 3 version byte', '30' + fileSeg.hex.slice(2), 'version', /UFTP ID 0x30 is not 0x40/],
    ['unknown function', `4063${fileSeg.hex.slice(4, 32)}63${fileSeg.hex.slice(34)}`, 'function', /unknown message function 99/],
    ['header and message disagree', '4063' + fileSeg.hex.slice(4), 'function', /header function 99 differs/],
    ['FILEINFO cut short', fileInfo.subarray(0, 40).toString('hex'), 'length', /FILEINFO/],
    ['ENCRYPTED lengths that do not add up', badEncrypted.toString('hex'), 'length', /do not add up/],
  ])('%s: the ProtocolError, exit 1, no stack', async (_what, hex, kind, message) => {
    const r = await runDiag(['decode', hex]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^uftp_diag decode: not a UFTP 4 packet: ${kind}: `));
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const json = await runDiag(['decode', hex, '--json']);
    expect(json.code).toBe(1);
    const failure = JSON.parse(json.stdout) as { error: { kind: string; message: string } };
    expect(failure.error.kind).toBe(kind);
    expect(failure.error.message).toMatch(message);
  });
});

describe('decode - (stdin)', () => {
  test('hex text with separators and raw bytes give the same packet', () => {
    const raw = Buffer.from(fileSeg.hex, 'hex');
    const spaced = fileSeg.hex.replace(/(..)/g, '$1 ').replace(/(.{48})/g, '$1\n');
    expect(packetFromStdin(Buffer.from(`${spaced}\n`))).toEqual(raw);
    expect(packetFromStdin(Buffer.from(`0x${fileSeg.hex}`))).toEqual(raw);
    expect(packetFromStdin(raw)).toEqual(raw);
    expect(parseHex(fileSeg.hex.replace(/(..)(?!$)/g, '$1:'))).toEqual(raw);
    expect(() => packetFromStdin(Buffer.alloc(0))).toThrow(/stdin: no bytes given/);
  });

  // A whole process, as an operator pipes into it: node runs the TypeScript sources through the lab's register hook.
  function spawnDecode(input: Buffer, ...args: string[]) {
    const script = `process.argv.splice(1, 0, 'uftp_diag');require(${JSON.stringify(REGISTER)});require(${JSON.stringify(MAIN)}).runFromCommandLine();`;
    return spawnSync(process.execPath, ['-e', script, '--', 'decode', '-', ...args], { input, encoding: 'utf8', timeout: 60_000 });
  }

  test('raw bytes piped in are dissected', () => {
    const r = spawnDecode(Buffer.from(encrypted.hex, 'hex'), '--json');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const d = JSON.parse(r.stdout) as { type: string; message: { payloadLength: number } };
    expect(d.type).toBe('ENCRYPTED');
    expect(d.message.payloadLength).toBe(Buffer.from(encrypted.hex, 'hex').readUInt16BE(26));
  });

  test('a bad packet piped in exits 1 with the error', () => {
    const r = spawnDecode(Buffer.from('4009000000', 'hex'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('uftp_diag decode: not a UFTP 4 packet: length: packet of 5 bytes is shorter than the 16-byte UFTP header\n');
  });
});

describe('key fields (the sniff line)', () => {
  test('FILESEG: numbers, the block as its length', () => {
    const r = dissectPacket(Buffer.from(fileSeg.hex, 'hex'));
    if (!r.ok) throw new Error(r.error.toString());
    const body = Buffer.from(fileSeg.hex, 'hex').subarray(16);
    expect(keyFields(r.value.message)).toEqual({
      fileId: body.readUInt16BE(2), section: body.readUInt16BE(4), blockNum: body.readUInt16BE(6), dataBytes: body.length - 8,
    });
  });

  test('ANNOUNCE with encryption: enum names, extension kinds', () => {
    const p = load('packets/aes256gcm-rsa.json').find((x) => x.hex.slice(2, 4) === '01') as FixturePacket;
    const r = dissectPacket(Buffer.from(p.hex, 'hex'));
    if (!r.ok) throw new Error(r.error.toString());
    const fields = keyFields(r.value.message);
    expect(fields).toMatchObject({ ccType: 'NONE', blockSize: 1300, publicAddr: '230.4.4.1', extensions: ['encInfo'] });
    expect(pairsText(fields)).toMatch(/^flags=\d+ robust=\d+ ccType=NONE blockSize=1300 publicAddr=230\.4\.4\.1 privateAddr=230\.5\.5\.\d+ extensions=encInfo$/);
  });
});

describe('sniff options', () => {
  test.each([
    ['no group for a bound socket', ['sniff', '--socket'], /--group is required with --socket/],
    ['a source without a group', ['sniff', '--source', '198.18.0.1'], /--group is required with --source/],
    ['group not multicast', ['sniff', '--group', '198.18.0.1'], /--group: '198\.18\.0\.1' is not a multicast address/],
    ['second group bad', ['sniff', '--group', '230.4.4.1,230.5.5'], /--group: '230\.5\.5' is not an IP address/],
    ['mixed families', ['sniff', '--group', '230.4.4.1', '--group', 'ff15::4:4:1'], /--group: 'ff15::4:4:1' is IPv6, but --group asks for IPv4/],
    ['port 0', ['sniff', '--group', '230.4.4.1', '--port', '0'], /--port: 0 is out of range 1\.\.65535/],
    ['positional', ['sniff', '--group', '230.4.4.1', 'eth0'], /eth0/],
  ])('%s', async (_what, argv, message) => {
    const r = await runDiag(argv);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: uftp_diag sniff [--group');
  });
});
