// The daemons' Windows service options, taken out of argv before getopt (as --metrics is):
//   --install-service NAME [daemon options]  install a service that runs the daemon with those options
//   --remove-service NAME                    remove it
//   --service NAME                           run as that service (what the installed command line says)
import { takeLongOptions } from '../long-options';
import { UsageError } from '../../exit';

export const RUN_OPTION = '--service';
export const INSTALL_OPTION = '--install-service';
export const REMOVE_OPTION = '--remove-service';

export type ServiceAction = 'run' | 'install' | 'remove';

export interface ServiceRequest {
  action: ServiceAction;
  name: string;
}

export interface WithoutServiceOptions {
  /** argv without the service option and its name: the daemon's own options. */
  argv: string[];
  request?: ServiceRequest;
}

const ACTIONS: ReadonlyArray<[string, ServiceAction]> = [[RUN_OPTION, 'run'], [INSTALL_OPTION, 'install'], [REMOVE_OPTION, 'remove']];

/** The SCM refuses slashes in a name and allows 256 characters; blanks and quotes would only make trouble. */
export function checkName(option: string, name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name)) {
    throw new UsageError(`${option}: invalid service name '${name}': want 1-256 letters, digits, '_', '.' or '-'`);
  }
}

export function takeServiceOptions(argv: readonly string[], optstring: string): WithoutServiceOptions {
  const taken = takeLongOptions(argv, optstring, ACTIONS.map(([option]) => option), () => 'a service name');
  const given = ACTIONS.filter(([option]) => taken.values.has(option));
  if (given.length === 0) return { argv: taken.argv };
  if (given.length > 1) throw new UsageError(`${given[0][0]} and ${given[1][0]} cannot go together`);
  const [option, action] = given[0];
  const name = taken.values.get(option)!;
  checkName(option, name);
  if (action === 'remove' && taken.argv.length > 0) throw new UsageError(`${REMOVE_OPTION} takes no daemon options, got '${taken.argv[0]}'`);
  return { argv: taken.argv, request: { action, name } };
}
