// uftp_keymgt: generate, show and delete the RSA/EC private keys of the UFTP programs.
import { ExitCode, UsageError } from '../exit';
import { runKeymgt } from './commands';
import { parseKeymgtArgs, USAGE } from './options';
import { MANUAL } from './manual';
import { infoRequest, renderManual } from '../common/manual';

export const VERSION_LINE = 'uftp-ts uftp_keymgt, UFTP version 4.10.2 compatible';

export function main(
  argv: readonly string[],
  writeErr: (text: string) => void,
  writeOut: (text: string) => void = (text) => process.stdout.write(text),
): number {
  const info = infoRequest(argv);
  if (info !== undefined) {
    writeOut(info === 'help' ? renderManual(MANUAL) : `${VERSION_LINE}\n`);
    return ExitCode.OK;
  }
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
