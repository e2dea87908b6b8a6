// uftp_keymgt: generate, show and delete the RSA/EC private keys of the UFTP programs.
import { ExitCode, UsageError } from '../exit';
import { runKeymgt } from './commands';
import { parseKeymgtArgs, USAGE } from './options';

export function main(argv: readonly string[], writeErr: (text: string) => void): number {
  try {
    return runKeymgt(parseKeymgtArgs(argv), (line) => writeErr(`${line}\n`));
  } catch (err) {
    if (err instanceof UsageError) {
      writeErr(`uftp_keymgt: ${err.message}\n${USAGE}\n`);
      return ExitCode.USAGE;
    }
    writeErr(`uftp_keymgt: ${(err as Error).message}\n`);
    return ExitCode.INTERNAL;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (text) => process.stderr.write(text));
}
