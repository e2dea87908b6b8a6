// The lab's public contract. Tests and benchmark drivers code against these shapes.

export interface LabSpec {
  segments: string[]; // e.g. ['a', 'b']; segment N gets 198.18.N.0/24 and fd00:198:18:N::/64
  hosts: Record<string, { segments: string[]; router?: boolean }>;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv; // merged over process.env (`ip` itself needs PATH)
  input?: string;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv; // merged over process.env
}

export interface LabProcess {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  stdout(): string; // everything printed so far
  stderr(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>; // stdout or stderr
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>; // SIGTERM then SIGKILL
}

export interface LabHost {
  readonly name: string;
  readonly netns: string;
  addr(segment: string, family?: 4 | 6): string; // e.g. '198.18.0.2'
  ifname(segment: string): string; // the interface name inside this host's namespace
  exec(cmd: string, args: string[], opts?: ExecOptions): Promise<ExecResult>;
  spawn(cmd: string, args: string[], opts?: SpawnOptions): LabProcess;
}
