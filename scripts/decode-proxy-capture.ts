// Prints one line per UFTP packet of a TSV made by scripts/capture-proxy.sh (time, src, dst, dscp, sport,
// dport, payload hex): who sent what to whom, with the header fields and the message fields a proxy touches.
//
//   node dist/scripts/decode-proxy-capture.js FILE.tsv [--all]
//
// Runs of FILESEG are folded into one line with a count unless --all is given.
import { readFileSync } from 'node:fs';
import { hexId } from '../lib/cli/diag/dissect-view';
import { MessageType, decodePacket, type Packet } from '../lib/protocol';

function describe(p: Packet): string {
  const m = p.message;
  const parts: string[] = [MessageType[m.type]];
  const any = m as unknown as Record<string, unknown>;
  for (const key of ['fileId', 'section', 'blockNum', 'status', 'flags', 'robust', 'tsSec', 'tsUsec', 'publicAddr',
    'privateAddr', 'authenticated', 'nonce', 'host', 'ccSeq', 'ccRate']) {
    if (any[key] !== undefined) parts.push(`${key}=${String(any[key])}`);
  }
  if (Array.isArray(any.clientIds)) parts.push(`ids=[${(any.clientIds as number[]).map(hexId).join(',')}]`);
  if (Array.isArray(any.keys)) parts.push(`keys=[${(any.keys as { clientId: number }[]).map((k) => hexId(k.clientId)).join(',')}]`);
  if (Array.isArray(any.items)) {
    parts.push(`items=[${(any.items as { clientId: number; flags: number; rtt: number }[])
      .map((i) => `${hexId(i.clientId)}/f${i.flags}/rtt${i.rtt}`).join(',')}]`);
  }
  if (any.keyInfo instanceof Uint8Array) parts.push(`keyInfo=${any.keyInfo.length}B`);
  if (any.naks instanceof Uint8Array) parts.push(`naks=${Buffer.from(any.naks).toString('hex')}`);
  if (Array.isArray(any.extensions)) {
    for (const e of any.extensions as Array<Record<string, unknown>>) {
      if (e.kind === 'tfmccAckInfo') parts.push(`ack{id=${hexId(e.clientId as number)},f=${e.flags},ts=${e.tsSec}.${e.tsUsec}}`);
      else if (e.kind === 'encInfo') parts.push(`enc{kx=${e.keyexType},sig=${e.sigType},key=${e.keyType},hash=${e.hashType},flags=${e.flags}}`);
      else parts.push(`ext:${String(e.kind)}`);
    }
  }
  return parts.join(' ');
}

const [file, flag] = process.argv.slice(2);
let foldKey = '';
let folded = 0;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const [time, src, dst, dscp, sport, dport, payload] = line.split('\t');
  if (!payload) continue;
  const bytes = Buffer.from(payload.replace(/:/g, ''), 'hex');
  const decoded = decodePacket(bytes);
  const where = `${Number(time).toFixed(4)} ${src}:${sport} -> ${dst}:${dport} dscp=${dscp}`;
  if (!decoded.ok) {
    console.log(`${where} UNDECODED ${decoded.error.toString()} len=${bytes.length}`);
    continue;
  }
  const h = decoded.value.header;
  const key = `${src}>${dst}/${h.func}`;
  if (flag !== '--all' && (h.func === MessageType.FILESEG || h.func === MessageType.ENCRYPTED) && key === foldKey) {
    folded++;
    continue;
  }
  if (folded > 0) console.log(`        ... ${folded} more alike`);
  folded = 0;
  foldKey = key;
  console.log(`${where} seq=${h.seq} src=${hexId(h.srcId)} grp=${hexId(h.groupId)}/${h.groupInst} grtt=0x${h.grtt.toString(16)} gsize=0x${h.gsize.toString(16)} len=${bytes.length} ${describe(decoded.value)}`);
}
if (folded > 0) console.log(`        ... ${folded} more alike`);
