// Human-readable text of a dissection: the header as a table, then the message's fields, nested
// extensions indented; and the one-line form sniff prints per packet.
import type { Dissection } from './dissect';
import { Bytes, View, ViewObject } from './dissect-view';

/** Bytes shown in hex before the rest is elided. */
const HEX_SHOWN = 32;
/** List items shown on one line before the rest is counted. */
const LIST_SHOWN = 32;

function bytesText(b: Bytes): string {
  if (b.length === 0) return '(empty)';
  const hex = b.toJSON();
  return b.length <= HEX_SHOWN ? `${b.length} bytes ${hex}` : `${b.length} bytes ${hex.slice(0, 2 * HEX_SHOWN)}...`;
}

function scalarText(v: View): string {
  if (v instanceof Bytes) return bytesText(v);
  if (typeof v === 'string') return v;
  return String(v);
}

function isScalar(v: View): boolean {
  return v === null || typeof v !== 'object' || v instanceof Bytes;
}

function listText(list: View[]): string {
  if (list.length === 0) return '(none)';
  const shown = list.slice(0, LIST_SHOWN).map(scalarText).join(', ');
  return list.length > LIST_SHOWN ? `${shown}, ... (${list.length} in all)` : shown;
}

/** `key: value` lines of an object, nested objects and lists of objects indented below their key. */
function fieldLines(object: ViewObject, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (key.endsWith('Name') && key.slice(0, -4) in object) continue; // shown beside its number
    const name = object[`${key}Name`];
    if (isScalar(value)) {
      lines.push(`${indent}${key}: ${scalarText(value)}${name !== undefined ? ` (${scalarText(name)})` : ''}`);
    } else if (Array.isArray(value) && value.every(isScalar)) {
      lines.push(`${indent}${key}: ${listText(value)}`);
    } else if (Array.isArray(value)) {
      lines.push(`${indent}${key}: ${value.length}`);
      value.forEach((item, i) => {
        lines.push(`${indent}  [${i}]`);
        lines.push(...fieldLines(item as ViewObject, `${indent}    `));
      });
    } else {
      lines.push(`${indent}${key}:`);
      lines.push(...fieldLines(value as ViewObject, `${indent}  `));
    }
  }
  return lines;
}

/** The full text of `uftp_diag decode`. */
export function dissectionText(d: Dissection): string {
  const h = d.header;
  const rows: Array<[string, string]> = [
    ['version', String(h.version)],
    ['function', `${h.function} (${h.func})`],
    ['seq', String(h.seq)],
    ['source id', String(h.srcId)],
    ['group id', String(h.groupId)],
    ['group instance', String(h.groupInst)],
    ['GRTT', `${h.grtt} (${h.grttSeconds} s)`],
    ['group size', `${h.gsize} (~${h.groupSize})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    'UFTP header',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    d.type,
    ...fieldLines(d.message, '  '),
  ].join('\n');
}

/** `key=value` pairs of a summary (see keyFields), lists comma-joined. */
export function pairsText(fields: ViewObject): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.map(scalarText).join(',') : scalarText(v)}`)
    .join(' ');
}

/** The header part of a one-line summary. */
export function headerSummary(d: Dissection): string {
  const h = d.header;
  return `${d.type} seq ${h.seq} src ${h.srcId} group ${h.groupId}/${h.groupInst} grtt ${h.grttSeconds}s gsize ~${h.groupSize}`;
}
