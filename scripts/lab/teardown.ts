// Removing a lab's namespaces, and whatever still runs inside them, by name and by pid.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { processAlive } from './alive';
import { killTree } from './process';
import { removeResolver } from './resolver';
import { run } from './run';

const GONE = /No such file or directory|does not exist/;

function parsePids(text: string): number[] {
  return text.split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

// Processes that left our tracking (a daemon that forked away, say) are still found by namespace.
async function pidsIn(netns: string): Promise<number[]> {
  const r = await run(['ip', 'netns', 'pids', netns], { timeoutMs: 10_000 });
  return r.code === 0 ? parsePids(r.stdout) : [];
}

function killQuietly(pid: number): void {
  try {
    killTree(pid, 'SIGKILL');
  } catch {
    // EPERM: not ours to end; the namespace delete below still drops our name for it.
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (pids.some(processAlive) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

// Returns the errors it met; a namespace already gone is not one.
export async function removeNamespaces(namespaces: string[]): Promise<Error[]> {
  const errors: Error[] = [];
  const leftovers = (await Promise.all(namespaces.map(pidsIn))).flat();
  leftovers.forEach(killQuietly);
  await waitGone(leftovers, 2000);
  for (const ns of namespaces) {
    const r = await run(['ip', 'netns', 'del', ns], { timeoutMs: 10_000 });
    if (r.code !== 0 && !GONE.test(r.stderr)) errors.push(new Error(`ip netns del ${ns}: ${r.stderr.trim()}`));
    removeResolver(ns);
  }
  return errors;
}

// The same, synchronously, for a process 'exit' handler where nothing asynchronous runs any more.
export function removeNamespacesSync(namespaces: string[], pids: number[], dir: string | undefined): void {
  for (const ns of namespaces) {
    const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
    pids.push(...parsePids(r.stdout ?? ''));
  }
  pids.forEach(killQuietly);
  for (const ns of namespaces) {
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    removeResolver(ns);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
