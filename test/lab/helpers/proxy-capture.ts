// tcpdump in a lab host: which TOS byte each captured UDP datagram carried, by source address.
import type { LabHost, LabProcess } from '../../../scripts/lab';

export interface Captured {
  source: string;
  tos: number;
  length: number; // IP total length: one captured packet may be many datagrams not yet split (UDP GSO)
}

export async function startCapture(host: LabHost, ifname: string, filter: string): Promise<LabProcess> {
  const proc = host.spawn('tcpdump', ['-nn', '-v', '-l', '--immediate-mode', '-i', ifname, filter]);
  await proc.waitForOutput(/listening on/, 10_000);
  return proc;
}

/** Stops tcpdump and parses `IP (tos 0xb8, ..., length N)` followed by `  SRC.PORT > DST.PORT: UDP`. */
export async function stopCapture(proc: LabProcess): Promise<Captured[]> {
  await new Promise((r) => setTimeout(r, 300)); // the last packets reach the pcap buffer
  await proc.stop('SIGINT');
  const out: Captured[] = [];
  for (const m of proc.stdout().matchAll(/IP \(tos (0x[0-9a-f]+)[^\n]*length (\d+)\)\n\s+(\d+\.\d+\.\d+\.\d+)\.\d+ > /g)) {
    out.push({ tos: Number(m[1]), length: Number(m[2]), source: m[3] });
  }
  return out;
}

/** The DSCP values seen from one source (TOS >> 2), each once. */
export function dscpFrom(captured: Captured[], source: string): number[] {
  return [...new Set(captured.filter((c) => c.source === source).map((c) => c.tos >> 2))];
}
