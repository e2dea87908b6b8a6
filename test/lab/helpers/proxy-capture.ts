// tcpdump in a lab host: which TOS byte each captured UDP datagram carried, by source address.
// The capture goes to a pcap file and is decoded only after it stops: printing each packet as it arrives
// falls behind a proxy's burst when two test files share the CPU, and the kernel then drops the rest.
import type { LabHost, LabProcess } from '../../../scripts/lab';

export interface Captured {
  source: string;
  tos: number;
  length: number; // IP total length: one captured packet may be many datagrams not yet split (UDP GSO)
}

export interface Capture {
  host: LabHost;
  file: string;
  proc: LabProcess;
}

const BUFFER_KIB = '8192'; // the kernel's capture buffer: a whole test file's packets fit

/** Starts tcpdump on `ifname` in `host`, writing to `file` (a path in the lab's tmpdir). */
export async function startCapture(host: LabHost, ifname: string, filter: string, file: string): Promise<Capture> {
  // -Z root: tcpdump would otherwise drop to its own user, which may not write into the lab's tmpdir.
  const args = ['-nn', '-U', '--immediate-mode', '-B', BUFFER_KIB, '-Z', 'root', '-i', ifname, '-w', file, filter];
  const proc = host.spawn('tcpdump', args);
  await proc.waitForOutput(/listening on/, 10_000);
  return { host, file, proc };
}

/** Stops tcpdump and parses `IP (tos 0xb8, ..., length N)` followed by `  SRC.PORT > DST.PORT: UDP`. */
export async function stopCapture(capture: Capture): Promise<Captured[]> {
  await new Promise((r) => setTimeout(r, 300)); // the last packets reach the pcap buffer
  await capture.proc.stop('SIGINT');
  const read = await capture.host.exec('tcpdump', ['-nn', '-v', '-r', capture.file]);
  if (read.code !== 0) throw new Error(`tcpdump -r ${capture.file}: ${read.stderr}`);
  const out: Captured[] = [];
  for (const m of read.stdout.matchAll(/IP \(tos (0x[0-9a-f]+)[^\n]*length (\d+)\)\n\s+(\d+\.\d+\.\d+\.\d+)\.\d+ > /g)) {
    out.push({ tos: Number(m[1]), length: Number(m[2]), source: m[3] });
  }
  return out;
}

/** The DSCP values seen from one source (TOS >> 2), each once. */
export function dscpFrom(captured: Captured[], source: string): number[] {
  return [...new Set(captured.filter((c) => c.source === source).map((c) => c.tos >> 2))];
}
