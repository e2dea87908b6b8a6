// The programs' few long options (--metrics, --service, --max-sessions, uftp's --max-clients). Their getopt
// is POSIX-short-only, as the real programs', so long options are taken out of argv before getopt sees it;
// every short option and its argument is skipped exactly as getopt would read it ("-L --metrics" names a log
// file), so nothing else changes meaning.
import { parseOptstring } from './getopt';
import { UsageError } from '../exit';

export interface TakenLongOptions {
  /** argv without the long options and their values. */
  argv: string[];
  /** The value of each long option given, by its name ("--metrics"). */
  values: Map<string, string>;
}

/**
 * Takes `--name X` / `--name=X` for each of `names` (each takes one value) out of argv (options end at "--",
 * as for getopt); UsageError when one lacks its value or is given twice.
 */
export function takeLongOptions(argv: readonly string[], optstring: string, names: readonly string[], valueHint: (name: string) => string): TakenLongOptions {
  const kinds = parseOptstring(optstring);
  const rest: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const name = names.find((n) => word === n || word.startsWith(`${n}=`));
    if (name !== undefined) {
      if (values.has(name)) throw new UsageError(`${name} given twice`);
      const value = word === name ? argv[++i] : word.slice(name.length + 1);
      if (value === undefined) throw new UsageError(`${name} needs an argument: ${valueHint(name)}`);
      values.set(name, value);
      continue;
    }
    rest.push(word);
    if (word.startsWith('-') && !word.startsWith('--') && i + 1 < argv.length && takesNextWord(word, kinds)) rest.push(argv[++i]);
  }
  return { argv: rest, values };
}

/** Whether getopt would take the word after this cluster as an option's argument ("-dL" then "file"). */
function takesNextWord(word: string, kinds: ReturnType<typeof parseOptstring>): boolean {
  for (let j = 1; j < word.length; j++) {
    const kind = kinds.get(word[j]);
    if (kind === undefined) return false; // getopt stops there with an error anyway
    if (kind === 'attached') return false;
    if (kind === 'required') return j === word.length - 1;
  }
  return false;
}
