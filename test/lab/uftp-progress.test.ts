// Our uftp's progress line on a terminal: uftp runs inside `script` (util-linux), which gives it a pseudo-
// terminal for stdout and stderr and copies what it writes, byte for byte, to a pipe. The raw bytes show the
// line appear and be redrawn in place (\r ESC[K) with the file name, percent, rate, pass, NAKs and clients
// done/total; log lines go above it whole; and what is left on the screen at the end (the bytes rendered as
// a terminal would) is the log alone, the same as a run without a terminal prints.
import { describeLab, tools } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { FAST_SERVER, realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { expectCompleted } from './helpers/uftpd-lab';
import { uftpCommand } from '../../scripts/bench/uftp-command';

const LAB = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } },
};
const CLIENTS: Array<[HostName, 'ours' | 'real']> = [['near', 'ours'], ['near2', 'real']];
/** One redraw of the progress line: what follows "\r ESC[K" up to the next control character. */
const DRAW = /\r\x1b\[K([^\r\n\x1b]*  pass (\d+)  NAKs (\d+)  clients (\d+)\/(\d+))/g;
const PROGRESS_TEXT = /pass \d+  NAKs \d+  clients \d+\/\d+/;

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The lines a terminal shows after these bytes: \r back to the line's start, ESC[K erases to its end. */
function render(raw: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw.startsWith('\x1b[K', i)) {
      line.length = Math.min(line.length, col);
      i += 2;
    } else if (raw[i] === '\r') col = 0;
    else if (raw[i] === '\n') {
      lines.push(line.join(''));
      line = [];
      col = 0;
    } else line[col++] = raw[i];
  }
  if (line.length > 0) lines.push(line.join(''));
  return lines;
}

/** A log line with what changes from run to run (times, rates, IDs, counts) masked. */
function shape(line: string): string {
  return line.replace(/0x[0-9A-F]{8}/g, 'ID').replace(/[0-9A-F]{8}/g, 'GROUP').replace(/\d+(\.\d+)?/g, 'N').trimEnd();
}

describeLab(
  'our uftp: the progress line on a terminal',
  () => {
    const lab = useProxyLab(LAB);

    /** Runs our uftp on `server`, under `script` when `tty` (after `stty cols N` when given); all it printed. */
    async function run(files: string[], extra: string[], tty: false | { cols?: number }): Promise<{ code: number | null; out: string }> {
      const t = lab();
      const argv = [...uftpCommand('ours'), '-I', t.ifname('server'), ...FAST_SERVER, ...extra, ...files];
      if (!tty) {
        const r = await t.host('server').exec(argv[0], argv.slice(1), { timeoutMs: 60_000 });
        return { code: r.code, out: r.stdout + r.stderr };
      }
      const cmd = `${tty.cols ? `stty cols ${tty.cols}; ` : ''}${argv.map(quote).join(' ')}`;
      const r = await t.host('server').exec('script', ['-qfec', cmd, '/dev/null'], { timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      return { code: r.code, out: r.stdout };
    }

    async function clients(dir: string): Promise<void> {
      for (const [name, which] of CLIENTS) await lab().client(name, `${dir}/${name}`, [], which);
    }

    async function nft(host: HostName, args: string[]): Promise<void> {
      const r = await lab().host(host).exec('nft', args);
      if (r.code !== 0) throw new Error(`nft ${args.join(' ')} on ${host}: ${r.stderr}`);
    }

    test('10% loss at one client: the line appears, climbs, shows pass 2, NAKs and 1 of 2 clients done, then is erased', async () => {
      const t = lab();
      const dir = await t.freshDir('lossy');
      const file = await randomFile(`${dir}/src`, 'lossy.bin', 4 * 1024 * 1024);
      await clients(dir);
      await nft('near2', ['add', 'table', 'inet', 'loss']);
      try {
        await nft('near2', ['add', 'chain', 'inet', 'loss', 'in', '{ type filter hook input priority 0; }']);
        await nft('near2', ['add', 'rule', 'inet', 'loss', 'in', 'udp', 'dport', '1044', 'numgen', 'random', 'mod', '100', '<', '10', 'drop']);
        const { code, out } = await run([file], ['-R', '20000'], {});
        if (code !== 0 || process.env.DEBUG_LOG) console.log(JSON.stringify(out));
        expect(code).toBe(0);

        const draws = [...out.matchAll(DRAW)];
        expect(draws.length).toBeGreaterThanOrEqual(4);
        for (const d of draws) {
          expect(d[1]).toMatch(/^lossy\.bin  [\d.]+ (B|KiB|MiB)\/4\.0 MiB  \d+%  [\d.]+ (B|KiB|MiB)\/s  pass /);
          expect(d[5]).toBe('2'); // clients total
        }
        const pass1 = draws.filter((d) => d[2] === '1').map((d) => Number(d[1].match(/ (\d+)%/)![1]));
        expect(pass1).toEqual([...pass1].sort((a, b) => a - b)); // the percent only climbs
        expect(new Set(pass1).size).toBeGreaterThanOrEqual(3);
        expect(pass1).toContain(100);
        expect(draws.some((d) => d[2] === '2' && Number(d[3]) > 0)).toBe(true); // pass 2, with the NAKs counted
        expect(draws.some((d) => d[4] === '1')).toBe(true); // the client without loss done first

        // Log lines are written above the line, each whole: after an erase, up to the end of the line.
        const screen = render(out);
        expect(screen.filter((l) => PROGRESS_TEXT.test(l))).toEqual([]);
        expect(out).toMatch(/\r\x1b\[K[^\r\n\x1b]+\r\n/);
        for (const [name] of CLIENTS) expectCompleted(screen.join('\n'), t.uid(name));
        for (const [name] of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(await treeDigest(`${dir}/src`));
      } finally {
        await nft('near2', ['delete', 'table', 'inet', 'loss']).catch(() => undefined);
      }
    });

    test('a narrow terminal: the name is shortened, the line never wraps; the screen ends as a run without a terminal', async () => {
      const t = lab();
      const dir = await t.freshDir('narrow');
      const name = 'a-file-with-a-name-too-long-for-a-narrow-terminal.bin';
      const file = await randomFile(`${dir}/src`, name, 2 * 1024 * 1024);
      await clients(dir);
      const tty = await run([file], ['-R', '20000'], { cols: 72 });
      const plain = await run([file], ['-R', '20000'], false);
      if (tty.code !== 0 || process.env.DEBUG_LOG) console.log(JSON.stringify(tty.out), plain.out);
      expect(tty.code).toBe(0);
      expect(plain.code).toBe(0);

      const draws = [...tty.out.matchAll(DRAW)];
      expect(draws.length).toBeGreaterThanOrEqual(2);
      for (const d of draws) {
        expect(d[1].length).toBeLessThanOrEqual(71);
        expect(d[1]).toMatch(/^\.\.\.[-a-z]*\.bin  /); // the name's end is kept
      }
      expect(plain.out).not.toMatch(PROGRESS_TEXT); // no terminal: no progress line
      expect(plain.out).not.toContain('\x1b');

      // What the terminal is left with: the same lines, in the same order, as the run without one.
      const screen = render(tty.out).map(shape);
      const lines = plain.out.split('\n').map(shape);
      while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      while (screen.length > 0 && screen[screen.length - 1] === '') screen.pop();
      const firstHost = lines.findIndex((l) => /^Host: /.test(l));
      expect(firstHost).toBeGreaterThan(0);
      const tail = lines.slice(firstHost - 1);
      expect(screen.slice(-tail.length)).toEqual(tail);
      expect([...screen].sort()).toEqual([...lines].sort());
      for (const [host] of CLIENTS) expectCompleted(render(tty.out).join('\n'), t.uid(host));
    });
  },
  [realProgramsMissing, tools('nft', 'script')],
);
