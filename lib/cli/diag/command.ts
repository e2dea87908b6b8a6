// What a uftp_diag subcommand is: its options, its usage text and a run function.
// Adding a subcommand (decode, sniff, ...) is one more file exporting a Subcommand, listed in main.ts.
import type { Family, InterfaceSpec, NetInterface } from '../../net/types';
import { UsageError } from '../exit';
import type { OptionSpec, OptionValues } from './options';
import type { DiagIo, LineWriter } from './output';

export interface Subcommand {
  name: string;
  /** One line for the overall usage. */
  summary: string;
  /** The option synopsis shown after `uftp_diag NAME`. */
  usage: string;
  options: OptionSpec;
  /** Names of the positional arguments it takes, in order (none when absent), as the usage shows them. */
  positionals?: readonly string[];
  /**
   * Runs with parsed options and resolves to the exit status. Throws UsageError for bad option
   * values (before touching the network); any other error ends the program with its message.
   */
  run(values: OptionValues, out: LineWriter, io: DiagIo): Promise<number>;
}

export type NetModule = typeof import('../../net');

/**
 * The addon is loaded only once options are valid, so usage errors are reported (and testable)
 * even where the native module is not built.
 */
export async function loadNet(): Promise<NetModule> {
  return import('../../net');
}

/** Resolves --if to an interface; an unknown one is a bad command line, named as such. */
export function resolveInterfaceOption(net: NetModule, spec: InterfaceSpec, family: Family, option = 'if'): NetInterface {
  try {
    return net.resolveInterface(spec, family);
  } catch (err) {
    throw new UsageError(`--${option}: ${(err as Error).message}`);
  }
}
