// What uftp_keymgt does once its command line is understood. Lines are those of the real
// 4.10.2 tool ("FILE: RSA, 1024 bits, fingerprint: AA:..." / "FILE: ECDSA, curve prime256v1,
// fingerprint: ..."), which writes everything, results included, to stderr.
import { unlinkSync } from 'fs';
import { checkKeySpec, fingerprint, generateKey, KeyFileError, KeyInfo, readKeyFile, writeKeyFile } from '../../crypto';
import { ExitCode } from '../exit';
import { KeymgtCommand } from './options';

export type Line = (text: string) => void;

export function describeLine(file: string, info: KeyInfo): string {
  const what = info.type === 'rsa' ? `RSA, ${info.bits} bits` : `ECDSA, curve ${info.curve}`;
  return `${file}: ${what}, fingerprint: ${fingerprint(info.key)}`;
}

function listKeys(files: string[], report: Line): number {
  let status: number = ExitCode.OK;
  for (const file of files) {
    try {
      report(describeLine(file, readKeyFile(file)));
    } catch (err) {
      if (!(err instanceof KeyFileError)) throw err;
      report(err.message);
      status = ExitCode.USAGE;
    }
  }
  return status;
}

function generate(cmd: Extract<KeymgtCommand, { mode: 'generate' }>, report: Line): number {
  let key;
  try {
    key = generateKey(checkKeySpec(cmd.spec));
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    report(`-g: ${err.message}`);
    return ExitCode.USAGE;
  }
  try {
    writeKeyFile(cmd.file, key);
  } catch (err) {
    if (!(err instanceof KeyFileError)) throw err;
    report(err.message);
    return ExitCode.USAGE;
  }
  report(describeLine(cmd.file, readKeyFile(cmd.file)));
  return ExitCode.OK;
}

/** -d: the key store is a file here, so deleting it is the key container's deletion. */
function remove(file: string, report: Line): number {
  try {
    readKeyFile(file);
    unlinkSync(file);
    return ExitCode.OK;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const text = err instanceof KeyFileError ? `${err.message}; not deleted` : `${file}: cannot delete: ${e.message}`;
    report(text);
    return ExitCode.USAGE;
  }
}

export function runKeymgt(cmd: KeymgtCommand, report: Line): number {
  switch (cmd.mode) {
    case 'list':
      return listKeys(cmd.files, report);
    case 'generate':
      return generate(cmd, report);
    case 'delete':
      return remove(cmd.file, report);
  }
}
