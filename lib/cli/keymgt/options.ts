// The command line of uftp_keymgt(1), UFTP 4.10.2:
//   uftp_keymgt [-m] [key_file...] | [-m] -g rsa:BITS|ec:CURVE key_file | [-m] -d key_file
// Parsed with getopt("g:d:m"): options may be bundled and appear among the files.
import { KeySpec } from '../../crypto';
import { getopt } from '../common/getopt';
import { UsageError } from '../exit';

export type KeymgtCommand =
  | { mode: 'list'; files: string[]; systemStore: boolean }
  | { mode: 'generate'; spec: KeySpec; file: string; systemStore: boolean }
  | { mode: 'delete'; file: string; systemStore: boolean };

/** The real uftp_keymgt's optstring. */
export const OPTSTRING = 'g:d:m';

export const USAGE = [
  'Usage: uftp_keymgt [ -m ] [ key_file [ key_file ...] ]',
  '       uftp_keymgt [ -m ] -g { rsa:key_length | ec:curve } key_file',
  '       uftp_keymgt [ -m ] -d key_file',
].join('\n');

/** Reads "rsa:BITS" or "ec:CURVE"; range checks come later, with the key library. */
export function parseKeySpec(text: string): KeySpec {
  const m = /^(rsa|ec):(.+)$/.exec(text);
  if (m === null) throw new UsageError(`-g: invalid key specification '${text}' (rsa:key_length or ec:curve)`);
  if (m[1] === 'ec') return { type: 'ec', curve: m[2] };
  if (!/^[0-9]+$/.test(m[2])) throw new UsageError(`-g: invalid key size '${m[2]}'`);
  return { type: 'rsa', bits: Number(m[2]) };
}

export function parseKeymgtArgs(argv: readonly string[]): KeymgtCommand {
  let generate: string | undefined;
  let remove: string | undefined;
  let systemStore = false;
  const { options, operands: files } = getopt(argv, OPTSTRING);
  for (const { opt, arg } of options) {
    if (opt === 'm') systemStore = true;
    else if (opt === 'g') generate = arg;
    else remove = arg;
  }
  if (generate !== undefined && remove !== undefined) throw new UsageError('-g and -d cannot be used together');
  if (generate !== undefined) {
    const spec = parseKeySpec(generate);
    if (files.length === 0) throw new UsageError('-g: no key_file specified');
    if (files.length > 1) throw new UsageError(`-g: one key_file only, got also '${files[1]}'`);
    return { mode: 'generate', spec, file: files[0], systemStore };
  }
  if (remove !== undefined) {
    if (files.length > 0) throw new UsageError(`-d: unexpected argument '${files[0]}'`);
    return { mode: 'delete', file: remove, systemStore };
  }
  return { mode: 'list', files, systemStore };
}
