// Reading the real uftp's own account of a session (what it prints at -x 3): the report of each client
// at the end of the file, the passes over the file, and the NAKs each client sent in each pass.
//
//   Bytes: 104857600  Blocks: 80660  Sections: 8
//   Starting pass 2
//   Got 566 NAKs for section 4 from client 0xC6120002      (or "from proxy 0x..." for the clients behind it)
//   Host: 0xC6120003       Status: Completed   time:   2.367 seconds
//   Total elapsed time: 2.500 seconds

export interface HostReport {
  uid: string; // 0xC6120002
  status: string; // Completed, Aborted, ...
  seconds: number; // from the file's start to this client's completion
}

export interface NakReport {
  pass: number;
  section: number;
  uid: string;
  blocks: number;
}

export interface UftpReport {
  /** "Total elapsed time" of the (last) file, or undefined if uftp never got that far. */
  elapsedSeconds?: number;
  hosts: HostReport[];
  /** Sections of the (last) file, from "Bytes: N  Blocks: N  Sections: N". */
  sections?: number;
  /** The passes over the file: 1 when nothing was resent. */
  passes: number;
  naks: NakReport[];
  /** Ours at -R -1: how often it cut its rate on NAKs ("Sending rate cut to N KB/s", -x 3). */
  rateCuts: number;
}

// uftp writes the ID as 0x and 8 upper-case hex digits; uidOf (programs.ts) does too.
const uid = (text: string): string => `0x${text.slice(2).toUpperCase()}`;

export function parseUftpLog(log: string): UftpReport {
  const report: UftpReport = { hosts: [], passes: 0, naks: [], rateCuts: 0 };
  for (const line of log.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^Starting pass (\d+)/))) {
      report.passes = Math.max(report.passes, Number(m[1]));
    } else if ((m = line.match(/^Got (\d+) NAKs for section (\d+) from (?:client|proxy) (0x[0-9A-Fa-f]+)/))) {
      report.naks.push({ pass: Math.max(report.passes, 1), section: Number(m[2]), uid: uid(m[3]), blocks: Number(m[1]) });
    } else if ((m = line.match(/^Host: (0x[0-9A-Fa-f]+)\s+Status: (\S+)\s+time:\s+([\d.]+) seconds/))) {
      report.hosts.push({ uid: uid(m[1]), status: m[2], seconds: Number(m[3]) });
    } else if ((m = line.match(/^Bytes: \d+\s+Blocks: \d+\s+Sections: (\d+)/))) {
      report.sections = Number(m[1]);
    } else if ((m = line.match(/Total elapsed time: ([\d.]+) seconds/))) {
      report.elapsedSeconds = Number(m[1]);
    } else if (/^Sending rate cut to/.test(line)) {
      report.rateCuts++;
    }
  }
  return report;
}

/** The passes in which a client sent NAKs: each one made the server go over the file once more. */
export function nakPasses(report: UftpReport, uid: string): number[] {
  return [...new Set(report.naks.filter((n) => n.uid === uid).map((n) => n.pass))].sort((a, b) => a - b);
}

/** Blocks a client NAKed over the whole session. */
export function nakBlocks(report: UftpReport, uid: string): number {
  return report.naks.filter((n) => n.uid === uid).reduce((sum, n) => sum + n.blocks, 0);
}

/** The sections a client NAKed, in the order uftp logged them (a section NAKed in two passes twice). */
export function nakSections(report: UftpReport, uid: string): number[] {
  return report.naks.filter((n) => n.uid === uid).map((n) => n.section);
}

/**
 * -T: when the first line matching `pattern` was logged, in seconds on the server's clock (only differences
 * mean anything), or undefined if no line matches. -T lines begin "2026/12/04 16:29:02.091385: ".
 */
export function timeOfFirst(log: string, pattern: RegExp): number | undefined {
  for (const line of log.split('\n')) {
    const m = line.match(/^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)\.(\d+): (.*)$/);
    if (!m || !pattern.test(m[8])) continue;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
    return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 + Number(`0.${m[7]}`);
  }
  return undefined;
}

/** -T: how many lines match `pattern` (after the timestamp). */
export function countLines(log: string, pattern: RegExp): number {
  return log.split('\n').filter((line) => pattern.test(line.replace(/^\d{4}\/\d\d\/\d\d [\d:.]+: /, ''))).length;
}
