// Reading a Prometheus text exposition in tests: the value of one series picked by (some of) its labels.

/** The value of the first sample of `name` whose labels include `labels`, or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const close = line.lastIndexOf('}');
    const body = close < 0 ? '' : line.slice(name.length + 1, close);
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(close < 0 ? name.length + 1 : close + 2));
  }
  return undefined;
}
