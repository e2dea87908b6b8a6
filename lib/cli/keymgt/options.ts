// The command line of uftp_keymgt(1), UFTP 4.10.2:
//   uftp_keymgt [-m] [key_file...] | [-m] -g rsa:BITS|ec:CURVE key_file | [-m] -d key_file
// Parsed getopt-style ("g:d:m", options may be bundled and appear among the files).
import { KeySpec } from '../../crypto';
import { UsageError } from '../exit';

export type KeymgtCommand =
  | { mode: 'list'; files: string[]; systemStore: boolean }
  | { mode: 'generate'; spec: KeySpec; file: string; systemStore: boolean }
  | { mode: 'delete'; file: string; systemStore: boolean };

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
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const opt = arg[j];
      if (opt === 'm') {
        systemStore = true;
        continue;
      }
      if (opt !== 'g' && opt !== 'd') throw new UsageError(`invalid option -- '${opt}'`);
      const value = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`option requires an argument -- '${opt}'`);
      if (opt === 'g') generate = value;
      else remove = value;
      break;
    }
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
