// The SCM waits only so long for a new service process to connect (Windows 30 s by default, Wine 10 s),
// and loading a daemon's modules takes a while under a busy system. So the bins call this before they load
// anything else: when the command line starts with --service NAME (as --install-service writes it, and
// where it cannot be another option's argument), the dispatcher starts at once; serviceMain picks it up.
import { ServiceConnection } from './connection';
import { checkName, RUN_OPTION } from './options';

export function connectEarly(argv: readonly string[]): void {
  if (argv[0] !== RUN_OPTION || argv[1] === undefined) return;
  try {
    checkName(RUN_OPTION, argv[1]);
  } catch {
    return; // serviceMain says what is wrong
  }
  ServiceConnection.begin(argv[1]);
}
