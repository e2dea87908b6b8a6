// The README's send() example, runnable: node dist/scripts/example-send.js INTERFACE FILE...
// Sends the files to every uftpd that answers on the default group, prints progress and each client's result,
// and exits with uftp's exit status.
import { send } from '../lib/api';

async function main(): Promise<void> {
  const [iface, ...files] = process.argv.slice(2);
  if (!iface || files.length === 0) {
    console.error('usage: example-send INTERFACE FILE...');
    process.exitCode = 1;
    return;
  }
  const outcome = await send({
    files,
    interface: iface,
    rateKbps: 100_000,
    ttl: 16,
    grtt: { init: 0.05, min: 0.01, max: 1 },
    log: { log: (level, text) => void (level <= 1 && console.error(text)) },
    onProgress: (p) => console.log(`${p.name}: ${p.sentBytes}/${p.size} bytes, pass ${p.pass}`),
  });
  for (const c of outcome.clients) console.log(`client ${c.id.toString(16)}: ${c.status}, ${c.bytes} bytes`);
  process.exitCode = outcome.exitCode;
}

void main();
