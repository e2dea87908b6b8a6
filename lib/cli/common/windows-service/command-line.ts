// A Windows command line from an argument list, quoted so that the C runtime's parser (CommandLineToArgvW's
// rules, which node.exe's wmain uses) gives the same arguments back: the SCM keeps a service's arguments
// as one string, its binary path.

/** One argument, quoted only when it has to be (empty, blanks, or a double quote). */
export function quoteWindowsArgument(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    // Backslashes count only before a double quote: doubled there, and the quote escaped.
    out += ch === '"' ? `${'\\'.repeat(backslashes * 2 + 1)}"` : `${'\\'.repeat(backslashes)}${ch}`;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

/**
 * The program path and its arguments as one command line. The path is always quoted (its parsing knows no
 * escapes, so it may not hold a double quote).
 */
export function windowsCommandLine(program: string, args: readonly string[]): string {
  if (program.includes('"')) throw new Error(`a program path cannot hold a double quote: ${program}`);
  return [`"${program}"`, ...args.map(quoteWindowsArgument)].join(' ');
}
