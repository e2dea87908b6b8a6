// The state of a session cut short, kept in the temp directory (-T) so the server's restarted session
// (`uftp -F`) resumes the half-received file: which file it was and which of its blocks had arrived.
// Our own format (the real client's is a C struct dump): a header line, JSON, then one byte per block.

const MAGIC = 'uftp-ts restart 1\n';

export interface RestartState {
  /** The file's name as the server sent it; empty when no file was in progress. */
  name: Buffer;
  size: number;
  blocks: number;
  sections: number;
  /** One byte per block, non-zero = arrived. */
  have: Uint8Array;
}

export function encodeRestart(state: RestartState): Buffer {
  const head = JSON.stringify({ name: state.name.toString('base64'), size: state.size, blocks: state.blocks, sections: state.sections });
  return Buffer.concat([Buffer.from(MAGIC), Buffer.from(`${head}\n`), state.have]);
}

/** The state in `bytes`, or undefined when they are not a restart state of ours (never throws). */
export function decodeRestart(bytes: Uint8Array): RestartState | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (!buf.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) return undefined;
  const end = buf.indexOf(0x0a, MAGIC.length);
  if (end < 0) return undefined;
  try {
    const head = JSON.parse(buf.subarray(MAGIC.length, end).toString('utf8')) as Record<string, unknown>;
    const { name, size, blocks, sections } = head;
    if (typeof name !== 'string' || ![size, blocks, sections].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return undefined;
    const have = Uint8Array.from(buf.subarray(end + 1));
    if (have.length !== blocks) return undefined;
    return { name: Buffer.from(name, 'base64'), size: size as number, blocks: blocks as number, sections: sections as number, have };
  } catch {
    return undefined;
  }
}
