// Races against a local user: a child process swaps a directory on the way for a symlink to an
// outside directory (or the file itself for a symlink to an outside file) in a tight loop while the
// store opens and writes 300 files. Afterwards the outside must be exactly as it was. Run with openat2
// (where the kernel has it) and with the forced openat walk. A control run with Node's fs shows that
// the swapper does redirect naive writes.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beneathResolver, DirRoot, openForWrite, setBeneathWalk } from '../../lib/files';
import { listTree, removeTrees, tempTree } from './files-helpers';

const FILES = 300;
const initial = beneathResolver();

// D/sub is the real directory, the symlink (D/sub.link -> outside), or briefly nothing. Where the store
// made a new D/sub meanwhile, the real one cannot come back until that one is moved aside.
const SWAP_DIRECTORY = `
const fs = require('fs');
const [dest, outside] = process.argv.slice(-2);
const sub = dest + '/sub', hold = dest + '/sub.hold', link = dest + '/sub.link';
fs.symlinkSync(outside, link);
process.stdout.write('ready\\n');
const stop = Date.now() + 60000;
for (let n = 0; ; n++) {
  try { fs.renameSync(sub, hold); } catch {}
  try { fs.renameSync(link, sub); } catch {}
  try { fs.renameSync(sub, link); } catch {}
  try { fs.renameSync(hold, sub); } catch { try { fs.renameSync(sub, dest + '/made-' + n); } catch {} }
  if ((n & 1023) === 0 && Date.now() > stop) break;
}
`;

// D/f is replaced again and again by a symlink to outside/victim.
const SWAP_FILE = `
const fs = require('fs');
const [dest, outside] = process.argv.slice(-2);
process.stdout.write('ready\\n');
const stop = Date.now() + 60000;
for (let n = 0; ; n++) {
  try { fs.symlinkSync(outside + '/victim', dest + '/f.tmp'); } catch {}
  try { fs.renameSync(dest + '/f.tmp', dest + '/f'); } catch {}
  if ((n & 1023) === 0 && Date.now() > stop) break;
}
`;

async function startSwapper(script: string, dest: string, outside: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', script, dest, outside], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the swapper exited early (${code})`)));
  });
  return child;
}

async function stopSwapper(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

interface Outcome {
  written: number;
  refused: Map<string, number>;
}

async function writeMany(root: DirRoot, relOf: (i: number) => string, truncate: boolean): Promise<Outcome> {
  const outcome: Outcome = { written: 0, refused: new Map() };
  for (let i = 0; i < FILES; i++) {
    try {
      const handle = openForWrite(root, relOf(i), { truncate });
      await handle.write(0, Buffer.from(`received ${i}\n`));
      await handle.close();
      outcome.written++;
    } catch (err) {
      const code = (err as { code?: string }).code ?? String(err);
      outcome.refused.set(code, (outcome.refused.get(code) ?? 0) + 1);
    }
  }
  return outcome;
}

afterAll(() => {
  setBeneathWalk(false);
  removeTrees();
});

test('control: the swapper sends naive writes through Node fs outside', async () => {
  const tree = tempTree();
  fs.mkdirSync(path.join(tree.dest, 'sub'));
  const swapper = await startSwapper(SWAP_DIRECTORY, tree.dest, tree.outside);
  try {
    // Until one write has gone outside (on a busy machine the swapper may need many tries to be scheduled).
    const deadline = Date.now() + 10_000;
    for (let i = 0; fs.readdirSync(tree.outside).length === 0 && Date.now() < deadline; i++) {
      try {
        fs.writeFileSync(path.join(tree.dest, 'sub', `file${i}`), 'naive');
      } catch {
        // the directory was away at that moment
      }
    }
  } finally {
    await stopSwapper(swapper);
  }
  expect(fs.readdirSync(tree.outside).length).toBeGreaterThan(0);
});

describe.each(['openat2', 'walk'] as const)('resolving with %s', (mode) => {
  const skip = mode === 'openat2' && initial !== 'openat2';
  const run = skip ? test.skip : test;

  beforeAll(() => {
    setBeneathWalk(mode === 'walk');
    if (skip) console.warn(`files-race: no openat2 here (${initial}); the openat2 runs are skipped`);
  });

  run('uses it', () => {
    expect(beneathResolver()).toBe(mode);
  });

  run(`a directory swapped for a symlink to outside while ${FILES} files are written beneath it`, async () => {
    const tree = tempTree();
    fs.mkdirSync(path.join(tree.dest, 'sub'));
    const root = DirRoot.open(tree.dest);
    const swapper = await startSwapper(SWAP_DIRECTORY, tree.dest, tree.outside);
    let outcome: Outcome;
    try {
      outcome = await writeMany(root, (i) => `sub/file${i}`, true);
    } finally {
      await stopSwapper(swapper);
      root.close();
    }
    expect(listTree(tree.outside)).toEqual([]);
    // The race was on: some opens met the symlink (EUNSAFE), some got through to a real directory,
    // and every file written is somewhere beneath the destination.
    expect(outcome.refused.get('EUNSAFE') ?? 0).toBeGreaterThan(0);
    expect(outcome.written).toBeGreaterThan(0);
    const landed = listTree(tree.dest).filter((p) => /(^|\/)file\d+$/.test(p));
    expect(landed.length).toBe(outcome.written);
  });

  run.each([true, false])(`the file itself swapped for a symlink to an outside file (truncate=%s)`, async (truncate) => {
    const tree = tempTree();
    const victim = path.join(tree.outside, 'victim');
    fs.writeFileSync(victim, 'precious');
    const root = DirRoot.open(tree.dest);
    const swapper = await startSwapper(SWAP_FILE, tree.dest, tree.outside);
    let outcome: Outcome;
    try {
      outcome = await writeMany(root, () => 'f', truncate);
    } finally {
      await stopSwapper(swapper);
      root.close();
    }
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(listTree(tree.outside)).toEqual(['victim']);
    expect(outcome.written).toBeGreaterThan(0);
    for (const code of outcome.refused.keys()) expect(code).toBe('EUNSAFE');
  });
});
