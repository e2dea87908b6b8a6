// `uftp_keymgt --help`: the key tool's manual page, from the options lib/cli/keymgt/options.ts takes.
import type { Manual } from '../common/manual';
import { USAGE } from './options';

export const MANUAL: Manual = {
  name: 'uftp_keymgt',
  summary: 'make, show and delete the private keys of the UFTP programs',
  synopsis: USAGE.replace(/^Usage: /, '').replace(/\n {7}/g, '\n'),
  description: [
    'uftp_keymgt works on the key files that uftp, uftpd and uftpproxyd read with -k. Given only file ' +
      'names, it prints for each one its type (RSA and its size, or ECDSA and its curve) and the fingerprint ' +
      'the other programs match keys against (in -S, -C, -H and -j lists). -g writes a new key, -d deletes ' +
      'one. Its files and output are those of the real uftp_keymgt 4.10.2. Everything it prints goes to ' +
      'standard error.',
  ],
  options: [
    { term: '-g { rsa:key_length | ec:curve }', text: 'Generate a key into key_file: RSA of key_length bits, 512 to 2048, or EC on one of UFTP\'s named curves (prime256v1, secp384r1, secp521r1 and others). Its fingerprint is printed.' },
    { term: '-d key_file', text: 'Delete the key file, after checking that it holds a key.' },
    { term: '-m', text: 'Use the system key store. Meaningful on Windows only; accepted and ignored elsewhere.' },
  ],
  exitStatus: [
    { term: '0', text: 'Done.' },
    { term: '1', text: 'An invalid command line, or a key file that could not be read, written or deleted.' },
    { term: '5', text: 'An internal error.' },
  ],
  seeAlso: 'uftp(1), uftpd(1), uftpproxyd(1)',
};
