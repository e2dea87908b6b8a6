// Turns a LabSpec into names, addresses and routes, without touching the system.
import type { LabSpec } from './types';

export interface SegmentPlan {
  name: string;
  index: number; // N in 198.18.N.0/24
  netns: string; // the namespace that holds the segment's bridge
}

export interface LinkPlan {
  segment: string;
  segmentIndex: number;
  ifname: string; // inside the host's namespace
  peer: string; // the bridge port, inside the segment's namespace
  v4: string;
  v6: string;
}

export interface HostPlan {
  name: string;
  netns: string;
  router: boolean;
  links: LinkPlan[]; // in the order the spec lists the host's segments
  gateway?: { ifname: string; v4: string; v6: string }; // default route, when a segment has a router
}

export interface LabPlan {
  id: string;
  segments: SegmentPlan[];
  hosts: HostPlan[];
}

export const BRIDGE = 'br0';
const NAME = /^[A-Za-z0-9_-]{1,24}$/;
const MAX_SEGMENTS = 256; // the third octet of 198.18.N.0
const MAX_HOSTS = 254; // host number 1..254 is the last octet

// Segment N, host number H: 198.18.N.H and fd00:198:18:N::H (both written the canonical way).
function segmentAddress(segmentIndex: number, hostNumber: number, family: 4 | 6): string {
  if (family === 4) return `198.18.${segmentIndex}.${hostNumber}`;
  const h = hostNumber.toString(16);
  return segmentIndex === 0 ? `fd00:198:18::${h}` : `fd00:198:18:${segmentIndex.toString(16)}::${h}`;
}

function badSpec(message: string): Error {
  return Object.assign(new Error(`lab spec: ${message}`), { code: 'ERR_LAB_SPEC' });
}

function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) throw badSpec(`${kind} name ${JSON.stringify(name)} must be 1-24 of [A-Za-z0-9_-]`);
}

function checkSpec(spec: LabSpec): void {
  const hostNames = Object.keys(spec.hosts ?? {});
  if (!Array.isArray(spec.segments) || spec.segments.length === 0) throw badSpec('needs at least one segment');
  if (spec.segments.length > MAX_SEGMENTS) throw badSpec(`at most ${MAX_SEGMENTS} segments`);
  if (hostNames.length === 0) throw badSpec('needs at least one host');
  if (hostNames.length > MAX_HOSTS) throw badSpec(`at most ${MAX_HOSTS} hosts`);
  spec.segments.forEach((s) => checkName('segment', s));
  if (new Set(spec.segments).size !== spec.segments.length) throw badSpec('segment names repeat');
  for (const name of hostNames) {
    checkName('host', name);
    const segs = spec.hosts[name].segments;
    if (!Array.isArray(segs) || segs.length === 0) throw badSpec(`host ${name} is on no segment`);
    if (new Set(segs).size !== segs.length) throw badSpec(`host ${name} lists a segment twice`);
    for (const s of segs) {
      if (!spec.segments.includes(s)) throw badSpec(`host ${name} is on unknown segment ${JSON.stringify(s)}`);
    }
  }
}

export function planLab(spec: LabSpec, id: string): LabPlan {
  checkSpec(spec);
  const segments = spec.segments.map((name, index) => ({ name, index, netns: `${id}-${name}.br` }));
  const segIndex = new Map(segments.map((s) => [s.name, s.index]));
  const hostNames = Object.keys(spec.hosts);

  // A host keeps one host number on every segment, so its address is easy to guess.
  const hosts: HostPlan[] = hostNames.map((name, i) => ({
    name,
    netns: `${id}-${name}`,
    router: spec.hosts[name].router === true,
    links: spec.hosts[name].segments.map((segment, k) => {
      const n = segIndex.get(segment)!;
      return {
        segment,
        segmentIndex: n,
        ifname: `eth${k}`,
        peer: `h${i + 1}`,
        v4: segmentAddress(n, i + 1, 4),
        v6: segmentAddress(n, i + 1, 6),
      };
    }),
  }));

  // Default route: via the first router (spec order) on the host's first segment that has one.
  for (const host of hosts) {
    if (host.router) continue;
    for (const link of host.links) {
      const router = hosts.find((h) => h.router && h.links.some((l) => l.segment === link.segment));
      if (!router) continue;
      const via = router.links.find((l) => l.segment === link.segment)!;
      host.gateway = { ifname: link.ifname, v4: via.v4, v6: via.v6 };
      break;
    }
  }
  return { id, segments, hosts };
}
