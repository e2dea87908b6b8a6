// `uftp_diag decode HEX|-`: dissects one UFTP packet given in hex, or read from stdin (hex text or raw bytes).
import { ExitCode, UsageError } from '../exit';
import type { Subcommand } from './command';
import { dissectPacket } from './dissect';
import { dissectionText } from './dissect-text';
import { POSITIONALS } from './options';

/** Hex text: whitespace, ':' separators and a leading 0x are allowed (as hex dumps and tshark print it). */
export function parseHex(text: string, what = 'HEX'): Buffer {
  const digits = text.trim().replace(/^0x/i, '').replace(/[\s:]+/g, '');
  const bad = /[^0-9a-f]/i.exec(digits);
  if (bad) throw new UsageError(`${what}: '${bad[0]}' at digit ${bad.index} is not a hex digit`);
  if (digits.length % 2 !== 0) throw new UsageError(`${what}: odd number of hex digits (${digits.length})`);
  if (digits.length === 0) throw new UsageError(`${what}: no bytes given`);
  return Buffer.from(digits, 'hex');
}

/**
 * What `decode -` read: hex text, or the raw packet. A raw UFTP packet opens with 0x40 ('@'), never
 * a hex digit, so anything that is not all hex digits and separators is taken as raw.
 */
export function packetFromStdin(input: Buffer): Buffer {
  if (input.length === 0) throw new UsageError('stdin: no bytes given');
  const text = input.toString('latin1');
  return /^(0x)?[0-9a-f\s:]+$/i.test(text) ? parseHex(text, 'stdin') : input;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** The record printed when the bytes are not a UFTP 4 packet. */
export interface DecodeFailure {
  error: { kind: string; message: string };
}

export const decodeCommand: Subcommand = {
  name: 'decode',
  summary: 'dissect one UFTP packet given in hex (or hex/raw bytes on stdin with -)',
  usage: 'HEX|- [--json]',
  options: {},
  positionals: ['HEX|-'],
  async run(values, out, io) {
    const [arg] = values[POSITIONALS] as string[];
    if (arg === undefined) throw new UsageError('HEX|- is required');
    const packet = arg === '-' ? packetFromStdin(await readAll(process.stdin)) : parseHex(arg);
    const result = dissectPacket(packet);
    if (!result.ok) {
      const { kind, message } = result.error;
      const failure: DecodeFailure = { error: { kind, message } };
      if (out.json) out.record(failure, () => '');
      out.flush();
      io.stderr.write(`uftp_diag decode: not a UFTP 4 packet: ${kind}: ${message}\n`);
      return ExitCode.USAGE;
    }
    out.record(result.value, () => dissectionText(result.value));
    out.flush();
    return ExitCode.OK;
  },
};
