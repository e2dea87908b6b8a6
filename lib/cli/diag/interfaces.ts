// `uftp_diag interfaces`: what the addon sees of the host's interfaces, as multicast cares about them.
import type { NetInterface } from '../../net/types';
import { ExitCode } from '../exit';
import { loadNet, Subcommand } from './command';

function describe(iface: NetInterface): string {
  const flags = [iface.up ? 'up' : 'down', iface.loopback && 'loopback', iface.multicast && 'multicast'].filter(Boolean);
  const lines = [`${iface.index}: ${iface.name} <${flags.join(',')}>`];
  for (const a of iface.addresses) lines.push(`    inet${a.family === 6 ? '6' : ''} ${a.address}/${a.prefixLength}`);
  return lines.join('\n');
}

export const interfacesCommand: Subcommand = {
  name: 'interfaces',
  summary: 'list interfaces: index, flags (up, loopback, multicast), addresses with prefix length',
  usage: '[--json]',
  options: {},
  async run(_values, out) {
    const net = await loadNet();
    for (const iface of net.interfaces()) out.record(iface, () => describe(iface));
    out.flush();
    return ExitCode.OK;
  },
};
