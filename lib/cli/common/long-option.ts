// The daemons' few long options (--metrics, uftpproxyd's --max-sessions). Their getopt is POSIX-short-only,
// as the real programs', so a long option is taken out of argv before getopt sees it; every short option and
// its argument is skipped exactly as getopt would read it ("-L --metrics" names a log file), so nothing else
// changes meaning.
import { parseOptstring } from './getopt';
import { UsageError } from '../exit';

export interface TakenOption {
  /** argv without the option and its value. */
  argv: string[];
  /** Its value, when given. */
  value?: string;
}

/** Takes `name X` / `name=X` out of argv (options end at "--", as for getopt); UsageError when repeated or bare. */
export function takeLongOption(argv: readonly string[], optstring: string, name: string, want: string): TakenOption {
  const kinds = parseOptstring(optstring);
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (word === name || word.startsWith(`${name}=`)) {
      if (value !== undefined) throw new UsageError(`${name} given twice`);
      value = word === name ? argv[++i] : word.slice(name.length + 1);
      if (value === undefined) throw new UsageError(`${name} needs an argument: ${want}`);
      continue;
    }
    rest.push(word);
    if (word.startsWith('-') && !word.startsWith('--') && i + 1 < argv.length && takesNextWord(word, kinds)) rest.push(argv[++i]);
  }
  return value === undefined ? { argv: rest } : { argv: rest, value };
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
