// POSIX getopt(3) as the C programs use it, GNU flavour: short options only, "-x5" and "-x 5",
// clustered flags ("-dc"), "::" for an argument that must be attached ("-r:curve"), "--" ends the
// options, and operands may appear among the options (GNU permutes them to the end). A `colonSuffixed`
// letter is a flag whose attached argument, if any, starts with ':' ("-r:curve"); anything else after it
// is more flags ("-rd"), as getopt reads a plain flag.
import { UsageError } from '../exit';

export type ArgKind = 'none' | 'required' | 'attached';

export interface ParsedOption {
  opt: string;
  /** The argument; for an 'attached' option given bare, undefined. */
  arg?: string;
}

export interface GetoptResult {
  options: ParsedOption[];
  operands: string[];
}

/** "s:crd" style: a letter, then ':' for a required argument or '::' for an attached optional one. */
export function parseOptstring(optstring: string): Map<string, ArgKind> {
  const kinds = new Map<string, ArgKind>();
  for (let i = 0; i < optstring.length; i++) {
    const letter = optstring[i];
    if (letter === ':') throw new Error(`optstring '${optstring}': ':' at ${i} follows no option letter`);
    let kind: ArgKind = 'none';
    if (optstring[i + 1] === ':') {
      kind = optstring[i + 2] === ':' ? 'attached' : 'required';
      i += kind === 'attached' ? 2 : 1;
    }
    kinds.set(letter, kind);
  }
  return kinds;
}

/**
 * Splits `argv` (without the program name) into options in command-line order and operands.
 * Errors are UsageErrors worded as glibc's: "invalid option -- 'z'", "option requires an argument -- 'p'".
 */
export function getopt(argv: readonly string[], optstring: string, colonSuffixed = ''): GetoptResult {
  const kinds = parseOptstring(optstring);
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      operands.push(word);
      continue;
    }
    for (let j = 1; j < word.length; j++) {
      const opt = word[j];
      const kind = kinds.get(opt);
      if (kind === undefined) throw new UsageError(`invalid option -- '${opt}'`);
      if (kind === 'none') {
        options.push({ opt });
        continue;
      }
      const rest = word.slice(j + 1);
      if (kind === 'attached' && colonSuffixed.includes(opt) && !rest.startsWith(':')) {
        options.push({ opt });
        continue;
      }
      if (kind === 'attached') {
        options.push(rest === '' ? { opt } : { opt, arg: rest });
      } else if (rest !== '') {
        options.push({ opt, arg: rest });
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`option requires an argument -- '${opt}'`);
        options.push({ opt, arg: argv[++i] });
      }
      break;
    }
  }
  return { options, operands };
}
