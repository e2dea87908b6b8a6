// `PROGRAM --help`: a manual page as plain text (NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS,
// FILES, SEE ALSO), laid out as man(1) shows one on a terminal. Each program writes its own page;
// this file only lays it out and decides when --help (or --version) was asked for.

/** One item of a tagged list: an option with its argument, an exit status, a file. */
export interface ManualItem {
  term: string;
  text: string;
}

/** A section beyond the standard ones (uftp_diag's SUBCOMMANDS, a program's SIGNALS). */
export interface ManualSection {
  title: string;
  paragraphs?: string[];
  items?: ManualItem[];
}

export interface Manual {
  name: string;
  /** What the program is, in a few words: the rest of the NAME line. */
  summary: string;
  /** Lines as they are to be shown (already broken). */
  synopsis: string;
  description: string[];
  options: ManualItem[];
  /** Sections placed after OPTIONS. */
  more?: ManualSection[];
  exitStatus: ManualItem[];
  files?: ManualItem[];
  seeAlso: string;
}

const WIDTH = 80;
const INDENT = 7;
/** Where an item's text starts; a term longer than this leaves a line of its own. */
const TEXT_INDENT = 14;

function wrap(text: string, indent: number, firstLine = ' '.repeat(indent)): string[] {
  const lines: string[] = [];
  let line = firstLine;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}

function item({ term, text }: ManualItem): string[] {
  const head = ' '.repeat(INDENT) + term;
  if (head.length < TEXT_INDENT) return wrap(text, TEXT_INDENT, head.padEnd(TEXT_INDENT));
  return [head, ...wrap(text, TEXT_INDENT)];
}

function section(title: string, body: string[]): string {
  return [title, ...body].join('\n');
}

function items(list: readonly ManualItem[]): string[] {
  return list.flatMap((entry, i) => (i === 0 ? item(entry) : ['', ...item(entry)]));
}

function paragraphs(list: readonly string[]): string[] {
  return list.flatMap((p, i) => (i === 0 ? wrap(p, INDENT) : ['', ...wrap(p, INDENT)]));
}

/** The page as text, ending with a newline. */
export function renderManual(m: Manual): string {
  const sections = [
    section('NAME', wrap(`${m.name} - ${m.summary}`, INDENT)),
    section('SYNOPSIS', m.synopsis.split('\n').map((l) => ' '.repeat(INDENT) + l)),
    section('DESCRIPTION', paragraphs(m.description)),
    section('OPTIONS', items(m.options)),
    ...(m.more ?? []).map((s) => section(s.title, [...paragraphs(s.paragraphs ?? []), ...(s.paragraphs && s.items ? [''] : []), ...items(s.items ?? [])])),
    section('EXIT STATUS', items(m.exitStatus)),
    ...(m.files ? [section('FILES', items(m.files))] : []),
    section('SEE ALSO', wrap(m.seeAlso, INDENT)),
  ];
  return `${sections.join('\n\n')}\n`;
}

/**
 * `--help` and `--version`, ours only (the real programs answer "invalid option -- '-'" and exit 1):
 * honoured only as the sole argument, so no command line the real program accepts changes meaning.
 */
export function infoRequest(argv: readonly string[]): 'help' | 'version' | undefined {
  if (argv.length !== 1) return undefined;
  return argv[0] === '--help' ? 'help' : argv[0] === '--version' ? 'version' : undefined;
}

/** The terms of an OPTIONS list that name a short option: "-p port" gives "p". */
export function shortOptionsOf(m: Manual): Set<string> {
  const letters = new Set<string>();
  for (const { term } of m.options) for (const match of term.matchAll(/(?:^|[\s|,])-([A-Za-z])\b/g)) letters.add(match[1]);
  return letters;
}
