// Names of servers' addresses for the log and CONNECT lines (without -q). The machine asks synchronously;
// a name not known yet is looked up in the background and the address stands in until it is.
import { reverse } from 'node:dns/promises';

export class HostNames {
  private readonly known = new Map<string, string | null>();

  name(address: string): string | undefined {
    const name = this.known.get(address);
    if (name !== undefined) return name ?? undefined;
    this.known.set(address, null);
    reverse(address).then(
      (names) => {
        if (names.length > 0) this.known.set(address, names[0]);
      },
      () => undefined,
    );
    return undefined;
  }
}
