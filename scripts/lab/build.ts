// Builds a planned lab with iproute2. Only `ip netns add` touches the root namespace; every link,
// address and route is made inside the lab's own namespaces (`ip -n NS -b -` runs a batch in NS).
import { BRIDGE, type HostPlan, type LabPlan } from './plan';
import { isolateResolver } from './resolver';
import { runChecked } from './run';

const MULTICAST_V4 = '224.0.0.0/4';
const MULTICAST_V6 = 'ff00::/8';

function batch(netns: string, lines: string[]): Promise<string> {
  return runChecked(['ip', '-n', netns, '-b', '-'], { input: `${lines.join('\n')}\n` });
}

// Bridge-side port indexes start here, far above a host's own (2, 3, ...). The kernel treats a link
// whose ifindex equals its peer's index as a physical one and delays its carrier event by up to a second
// (linkwatch); with disjoint ranges the ports forward at once.
const PORT_INDEX_BASE = 1000;

// The segment's bridge, and one veth per host on it: the port stays here, its peer goes to the host.
function segmentLines(plan: LabPlan, segmentIndex: number): string[] {
  // No IGMP/MLD snooping: with no querier on the segment the bridge would otherwise decide on its own
  // which ports hear a group. A plain hub is what the tests reason about.
  const lines = ['link set lo up', `link add ${BRIDGE} type bridge mcast_snooping 0 stp_state 0`, `link set ${BRIDGE} up`];
  plan.hosts.forEach((host, i) => {
    for (const link of host.links.filter((l) => l.segmentIndex === segmentIndex)) {
      lines.push(
        `link add ${link.peer} index ${PORT_INDEX_BASE + i} type veth peer name ${link.ifname} netns ${host.netns}`,
        `link set ${link.peer} master ${BRIDGE}`,
        `link set ${link.peer} up`,
      );
    }
  });
  return lines;
}

function hostLinkLines(host: HostPlan): string[] {
  const lines = ['link set lo up'];
  for (const link of host.links) {
    lines.push(
      `link set ${link.ifname} multicast on`,
      `address add ${link.v4}/24 dev ${link.ifname}`,
      `address add ${link.v6}/64 dev ${link.ifname} nodad`, // usable at once, no duplicate detection wait
      `link set ${link.ifname} up`,
    );
  }
  return lines;
}

function hostRouteLines(host: HostPlan): string[] {
  if (host.gateway) {
    const { ifname, v4, v6 } = host.gateway;
    return [`route add default via ${v4} dev ${ifname}`, `route add default via ${v6} dev ${ifname}`];
  }
  // No router here: multicast sends still need a route, so give them the first interface.
  const first = host.links[0].ifname;
  return [`route add ${MULTICAST_V4} dev ${first}`, `route add ${MULTICAST_V6} dev ${first}`];
}

// create() resolves only once every host interface reports operstate UP, so the first packet is not lost.
async function waitLinksUp(plan: LabPlan, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (const host of plan.hosts) {
    for (;;) {
      const links = JSON.parse(await runChecked(['ip', '-n', host.netns, '-j', 'link', 'show'])) as Array<{
        ifname: string;
        operstate: string;
      }>;
      const down = host.links.filter((l) => links.find((k) => k.ifname === l.ifname)?.operstate !== 'UP');
      if (down.length === 0) break;
      if (Date.now() > end) {
        throw new Error(`lab ${plan.id}: ${host.name} ${down.map((l) => l.ifname).join(', ')} not up after ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

// Set before any interface exists, so new interfaces inherit it.
function sysctlsFor(role: 'segment' | 'host' | 'router'): string[] {
  // A bridge namespace is pure layer 2: no IPv6 there, so no link-local chatter of its own.
  if (role === 'segment') return ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'];
  // No duplicate address detection: a router solicits neighbours for forwarded packets from its
  // link-local address, which stays tentative (unusable) for about two seconds while DAD runs.
  const noDad = ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'];
  // Routers forward unicast only: no multicast routing daemon runs, so multicast stays on its segment.
  return role === 'router' ? [...noDad, 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1'] : noDad;
}

function setSysctls(netns: string, settings: string[]): Promise<string> {
  return runChecked(['ip', 'netns', 'exec', netns, 'sysctl', '-q', '-w', ...settings]);
}

// Namespaces are created one by one and reported through `created`, so a failure half-way can be undone.
export async function buildLab(plan: LabPlan, created: (netns: string) => void): Promise<void> {
  for (const ns of [...plan.segments.map((s) => s.netns), ...plan.hosts.map((h) => h.netns)]) {
    await runChecked(['ip', 'netns', 'add', ns]);
    created(ns);
    isolateResolver(ns);
  }
  await Promise.all([
    ...plan.segments.map((s) => setSysctls(s.netns, sysctlsFor('segment'))),
    ...plan.hosts.map((h) => setSysctls(h.netns, sysctlsFor(h.router ? 'router' : 'host'))),
  ]);
  await Promise.all(plan.segments.map((s) => batch(s.netns, segmentLines(plan, s.index))));
  await Promise.all(plan.hosts.map((h) => batch(h.netns, [...hostLinkLines(h), ...hostRouteLines(h)])));
  await waitLinksUp(plan, 5000);
}
